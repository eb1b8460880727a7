package api

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/answerdesk/answerdesk/answer/state"
)

// The admin console signs in with an admin key, exchanged for a session: an
// HttpOnly, SameSite=Strict cookie holding a random session token. The
// sessions live in the state database (Deps.Sessions, state.SessionStore),
// which keeps only the token's hash, the key's id and the expiry, so that
// they survive a restart and work on every replica; the key itself is not
// kept. Every request of a session acts with its key's rights as they are
// now (revoking the key ends its sessions); writes also need the session's
// CSRF token in the X-CSRF-Token header.

const (
	sessionCookie = "answerdesk_session"
	// HeaderCSRF carries a console session's CSRF token on writes.
	HeaderCSRF = "X-CSRF-Token"
	sessionTTL = 8 * time.Hour
)

// Sessions keeps console sessions (state.SessionStore implements it).
type Sessions interface {
	CreateSession(ctx context.Context, keyID string, expires time.Time) (string, error)
	// Session returns the key of a live session: state.ErrNotFound for an
	// unknown or expired one, state.ErrRevoked when its key was revoked.
	Session(ctx context.Context, token string) (state.Key, time.Time, error)
	EndSession(ctx context.Context, token string) error
}

var _ Sessions = (*state.SessionStore)(nil)

// csrfToken is the CSRF token of the session token: derived from it, so
// that nothing more is stored, and useless without it (the token never
// leaves the HttpOnly cookie).
func csrfToken(session string) string {
	h := sha256.Sum256([]byte("answerdesk console csrf\x00" + session))
	return base64.RawURLEncoding.EncodeToString(h[:])
}

// requestKey is the key a request authenticates with: its bearer key, or
// the key of its console session. A session's write without the session's
// CSRF token is refused.
func (s *Server) requestKey(r *http.Request) (state.Key, error) {
	if h := r.Header.Get("Authorization"); h != "" {
		raw, ok := strings.CutPrefix(h, "Bearer ")
		if raw = strings.TrimSpace(raw); !ok || raw == "" {
			return state.Key{}, errf(http.StatusUnauthorized, CodeUnauthorized, "malformed Authorization header: send Authorization: Bearer KEY")
		}
		return s.lookupKey(r.Context(), raw)
	}
	if _, err := r.Cookie(sessionCookie); err != nil {
		return state.Key{}, errf(http.StatusUnauthorized, CodeUnauthorized, "missing API key: send Authorization: Bearer KEY")
	}
	token, k, err := s.sessionOf(r)
	if errors.Is(err, state.ErrNotFound) {
		return state.Key{}, errf(http.StatusUnauthorized, CodeUnauthorized, "console session expired: sign in again")
	}
	if err != nil {
		return k, err
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead &&
		subtle.ConstantTimeCompare([]byte(r.Header.Get(HeaderCSRF)), []byte(csrfToken(token))) != 1 {
		return state.Key{}, errf(http.StatusForbidden, CodeForbidden, "missing or wrong %s header for a console session", HeaderCSRF)
	}
	return k, nil
}

// sessionOf returns the request's console session token and its key:
// state.ErrNotFound without a live session, state.ErrRevoked when its key
// was revoked.
func (s *Server) sessionOf(r *http.Request) (string, state.Key, error) {
	ck, err := r.Cookie(sessionCookie)
	if err != nil || ck.Value == "" || s.d.Sessions == nil {
		return "", state.Key{}, state.ErrNotFound
	}
	k, _, err := s.d.Sessions.Session(r.Context(), ck.Value)
	return ck.Value, k, err
}

func setSessionCookie(w http.ResponseWriter, r *http.Request, id string, maxAge int) {
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: id, Path: "/", MaxAge: maxAge,
		HttpOnly: true, Secure: r.TLS != nil, SameSite: http.SameSiteStrictMode})
}
