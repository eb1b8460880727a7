package state

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
)

// KeyStore keeps API keys: never a key itself, only its hash.
type KeyStore struct{ db *DB }

// NewKeyStore returns the key store of db.
func NewKeyStore(db *DB) *KeyStore { return &KeyStore{db: db} }

const keysSchemaV1 = `
CREATE TABLE IF NOT EXISTS api_keys (
	id TEXT PRIMARY KEY,
	hash TEXT NOT NULL UNIQUE,
	prefix TEXT NOT NULL,
	tenant TEXT NOT NULL,
	scopes TEXT NOT NULL,
	name TEXT NOT NULL,
	created INTEGER NOT NULL,
	revoked INTEGER NOT NULL DEFAULT 0
);
`

// keysSchemaV3 gives keys the origins of publishable keys (space-separated,
// normalised; empty for secret keys).
const keysSchemaV3 = `ALTER TABLE api_keys ADD COLUMN origins TEXT NOT NULL DEFAULT ''`

// KeyPrefix starts every API key, so that leaked keys are easy to scan for.
const KeyPrefix = "adk_"

func hashKey(key string) string {
	h := sha256.Sum256([]byte(key))
	return hex.EncodeToString(h[:])
}

// CreateKey makes a new random API key for tenant. The key is returned once;
// only its SHA-256 is stored (the key has 256 random bits, so a fast hash
// is enough).
func (s *KeyStore) CreateKey(ctx context.Context, tenant, name string, scopes []string) (string, Key, error) {
	if _, err := ParseScopes(strings.Join(scopes, ",")); err != nil {
		return "", Key{}, fmt.Errorf("create key: %w", err)
	}
	return s.insertKey(ctx, KeyPrefix, Key{Tenant: tenant, Name: name, Scopes: scopes})
}

// insertKey stores a new random key with prefix and k's tenant, name,
// scopes and origins, and returns the key and its record.
func (s *KeyStore) insertKey(ctx context.Context, prefix string, k Key) (string, Key, error) {
	if strings.TrimSpace(k.Tenant) == "" {
		return "", Key{}, fmt.Errorf("create key: %w: empty tenant", ErrInvalid)
	}
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", Key{}, fmt.Errorf("create key: %w", err)
	}
	key := prefix + base64.RawURLEncoding.EncodeToString(b[:])
	k.Created = s.db.now().UTC()
	k.ID, k.Prefix = newID("key_", k.Created), key[:len(prefix)+6]
	_, err := s.db.exec(ctx, `INSERT INTO api_keys(id, hash, prefix, tenant, scopes, name, created, origins) VALUES (?,?,?,?,?,?,?,?)`,
		k.ID, hashKey(key), k.Prefix, k.Tenant, strings.Join(k.Scopes, ","), k.Name, ts(k.Created), strings.Join(k.Origins, " "))
	if err != nil {
		return "", Key{}, fmt.Errorf("create key: %w", err)
	}
	return key, k, nil
}

func scanKey(sc interface{ Scan(...any) error }) (Key, error) {
	var k Key
	var scopes string
	var created, revoked int64
	var origins string
	if err := sc.Scan(&k.ID, &k.Prefix, &k.Tenant, &scopes, &k.Name, &created, &revoked, &origins); err != nil {
		return k, err
	}
	k.Scopes = strings.Split(scopes, ",")
	if origins != "" {
		k.Origins = strings.Split(origins, " ")
	}
	k.Created = fromTS(created)
	k.Revoked = fromTS(revoked)
	return k, nil
}

// Authenticate returns the key's record; ErrNotFound for an unknown key,
// ErrRevoked for a revoked one.
func (s *KeyStore) Authenticate(ctx context.Context, key string) (Key, error) {
	if !(strings.HasPrefix(key, KeyPrefix) || strings.HasPrefix(key, PublishablePrefix)) || len(key) > 100 {
		return Key{}, ErrNotFound
	}
	k, err := scanKey(s.db.db.QueryRowContext(ctx, `SELECT id, prefix, tenant, scopes, name, created, revoked, origins FROM api_keys WHERE hash=?`, hashKey(key)))
	if errors.Is(err, sql.ErrNoRows) {
		return Key{}, ErrNotFound
	}
	if err != nil {
		return Key{}, fmt.Errorf("authenticate: %w", err)
	}
	if !k.Revoked.IsZero() {
		return k, ErrRevoked
	}
	return k, nil
}

// Keys lists every key, oldest first.
func (s *KeyStore) Keys(ctx context.Context) ([]Key, error) {
	rows, err := s.db.db.QueryContext(ctx, `SELECT id, prefix, tenant, scopes, name, created, revoked, origins FROM api_keys ORDER BY created, id`)
	if err != nil {
		return nil, fmt.Errorf("list keys: %w", err)
	}
	defer rows.Close()
	var out []Key
	for rows.Next() {
		k, err := scanKey(rows)
		if err != nil {
			return nil, fmt.Errorf("list keys: %w", err)
		}
		out = append(out, k)
	}
	return out, rows.Err()
}

// Revoke revokes the active key whose id or listed prefix is ref and
// returns it as it was; ErrNotFound when no active key has it.
func (s *KeyStore) Revoke(ctx context.Context, ref string) (Key, error) {
	k, err := scanKey(s.db.db.QueryRowContext(ctx, `SELECT id, prefix, tenant, scopes, name, created, revoked, origins FROM api_keys WHERE (id=? OR prefix=?) AND revoked=0 ORDER BY created, id`, ref, ref))
	if errors.Is(err, sql.ErrNoRows) {
		return Key{}, fmt.Errorf("revoke key %q: %w", ref, ErrNotFound)
	}
	if err != nil {
		return Key{}, fmt.Errorf("revoke key %q: %w", ref, err)
	}
	return k, s.RevokeKey(ctx, k.ID)
}

// RevokeKey revokes a key by id (or by its prefix as listed).
func (s *KeyStore) RevokeKey(ctx context.Context, id string) error {
	res, err := s.db.exec(ctx, `UPDATE api_keys SET revoked=? WHERE (id=? OR prefix=?) AND revoked=0`, ts(s.db.now()), id, id)
	if err != nil {
		return fmt.Errorf("revoke key %q: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("revoke key %q: %w", id, ErrNotFound)
	}
	return nil
}
