package state

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"time"
)

// SessionStore keeps the admin console's sign-in sessions, so that they
// survive a restart and are shared by replicas: a session is the SHA-256 of
// its token (the cookie's value; the token itself is never stored), the API
// key it acts as, and its expiry. A session acts with its key's rights as
// they are now: revoking the key ends its sessions.
type SessionStore struct{ db *DB }

// NewSessionStore returns the session store of db.
func NewSessionStore(db *DB) *SessionStore { return &SessionStore{db: db} }

const sessionsSchemaV11 = `
CREATE TABLE IF NOT EXISTS console_sessions (
	hash TEXT PRIMARY KEY,
	key_id TEXT NOT NULL,
	created INTEGER NOT NULL,
	expires INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS console_sessions_expiry ON console_sessions(expires);
`

// pgSessionsV2 is sessionsSchemaV11 for PostgreSQL.
const pgSessionsV2 = `
CREATE TABLE console_sessions (
	hash TEXT PRIMARY KEY,
	key_id TEXT NOT NULL,
	created BIGINT NOT NULL,
	expires BIGINT NOT NULL
);
CREATE INDEX console_sessions_expiry ON console_sessions(expires);
`

// sessionTokenPrefix starts every session token (a cookie value), so that
// it is never mistaken for an API key.
const sessionTokenPrefix = "ads_"

// CreateSession starts a session of the key keyID until expires and
// returns its token, shown once (the cookie). Expired sessions are
// removed on the way.
func (s *SessionStore) CreateSession(ctx context.Context, keyID string, expires time.Time) (string, error) {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("create session: %w", err)
	}
	token := sessionTokenPrefix + base64.RawURLEncoding.EncodeToString(b[:])
	now := s.db.now()
	if _, err := s.db.exec(ctx, `DELETE FROM console_sessions WHERE expires <= ?`, ts(now)); err != nil {
		return "", fmt.Errorf("create session: %w", err)
	}
	if _, err := s.db.exec(ctx, `INSERT INTO console_sessions(hash, key_id, created, expires) VALUES (?,?,?,?)`,
		hashKey(token), keyID, ts(now), ts(expires)); err != nil {
		return "", fmt.Errorf("create session: %w", err)
	}
	return token, nil
}

// Session returns the key of the session token and the session's expiry:
// ErrNotFound for an unknown or expired session, ErrRevoked (with the key)
// when its key was revoked.
func (s *SessionStore) Session(ctx context.Context, token string) (Key, time.Time, error) {
	if !strings.HasPrefix(token, sessionTokenPrefix) || len(token) > 100 {
		return Key{}, time.Time{}, ErrNotFound
	}
	var expires int64
	row := s.db.db.QueryRowContext(ctx, `SELECT k.id, k.prefix, k.tenant, k.scopes, k.name, k.created, k.revoked, k.origins, s.expires
		FROM console_sessions s JOIN api_keys k ON k.id = s.key_id WHERE s.hash=?`, hashKey(token))
	k, err := scanKey(scanFunc(func(dest ...any) error { return row.Scan(append(dest, &expires)...) }))
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return Key{}, time.Time{}, ErrNotFound
	case err != nil:
		return Key{}, time.Time{}, fmt.Errorf("session: %w", err)
	case !s.db.now().Before(fromTS(expires)):
		return Key{}, time.Time{}, ErrNotFound
	case !k.Revoked.IsZero():
		return k, fromTS(expires), ErrRevoked
	}
	return k, fromTS(expires), nil
}

// EndSession ends the session of token (signing out); ending an unknown
// session is no error.
func (s *SessionStore) EndSession(ctx context.Context, token string) error {
	if _, err := s.db.exec(ctx, `DELETE FROM console_sessions WHERE hash=?`, hashKey(token)); err != nil {
		return fmt.Errorf("end session: %w", err)
	}
	return nil
}

// scanFunc adapts a function to the Scan of a row.
type scanFunc func(dest ...any) error

func (f scanFunc) Scan(dest ...any) error { return f(dest...) }
