package api

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"net/http"
	"strings"
	"sync"
	"time"
)

// The admin console signs in with an admin key, exchanged for a session: an
// HttpOnly, SameSite=Strict cookie naming a random session id. The key stays
// in this process's memory and is looked up on every request like a bearer
// key (so revoking it ends its sessions); writes also need the session's
// CSRF token in the X-CSRF-Token header. Sessions do not survive a restart.

const (
	sessionCookie = "answerdesk_session"
	// HeaderCSRF carries a console session's CSRF token on writes.
	HeaderCSRF  = "X-CSRF-Token"
	sessionTTL  = 8 * time.Hour
	maxSessions = 10000
)

type session struct {
	raw  string // the admin key, in memory only
	csrf string
	exp  time.Time
}

// sessions is the in-memory session table.
type sessions struct {
	mu sync.Mutex
	m  map[string]session
}

func newSessions() *sessions { return &sessions{m: map[string]session{}} }

func randomToken() string {
	var b [32]byte
	rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// create starts a session for raw and returns its id.
func (s *sessions) create(raw string, now time.Time) (id string, ses session) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.m) >= maxSessions {
		for k, v := range s.m {
			if now.After(v.exp) {
				delete(s.m, k)
			}
		}
	}
	id, ses = randomToken(), session{raw: raw, csrf: randomToken(), exp: now.Add(sessionTTL)}
	s.m[id] = ses
	return id, ses
}

func (s *sessions) get(id string, now time.Time) (session, bool) {
	if id == "" {
		return session{}, false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	ses, ok := s.m[id]
	if !ok || now.After(ses.exp) {
		delete(s.m, id)
		return session{}, false
	}
	return ses, true
}

func (s *sessions) end(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.m, id)
}

// credential is the key a request authenticates with: its bearer key, or
// the key of its console session. A session's write without the session's
// CSRF token is refused.
func (s *Server) credential(r *http.Request) (string, error) {
	if h := r.Header.Get("Authorization"); h != "" {
		raw, ok := strings.CutPrefix(h, "Bearer ")
		if raw = strings.TrimSpace(raw); !ok || raw == "" {
			return "", errf(http.StatusUnauthorized, CodeUnauthorized, "malformed Authorization header: send Authorization: Bearer KEY")
		}
		return raw, nil
	}
	ck, err := r.Cookie(sessionCookie)
	if err != nil {
		return "", errf(http.StatusUnauthorized, CodeUnauthorized, "missing API key: send Authorization: Bearer KEY")
	}
	ses, ok := s.sessions.get(ck.Value, time.Now())
	if !ok {
		return "", errf(http.StatusUnauthorized, CodeUnauthorized, "console session expired: sign in again")
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead &&
		subtle.ConstantTimeCompare([]byte(r.Header.Get(HeaderCSRF)), []byte(ses.csrf)) != 1 {
		return "", errf(http.StatusForbidden, CodeForbidden, "missing or wrong %s header for a console session", HeaderCSRF)
	}
	return ses.raw, nil
}

// sessionOf returns the request's console session, if any.
func (s *Server) sessionOf(r *http.Request) (string, session, bool) {
	ck, err := r.Cookie(sessionCookie)
	if err != nil {
		return "", session{}, false
	}
	ses, ok := s.sessions.get(ck.Value, time.Now())
	return ck.Value, ses, ok
}

func setSessionCookie(w http.ResponseWriter, r *http.Request, id string, maxAge int) {
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: id, Path: "/", MaxAge: maxAge,
		HttpOnly: true, Secure: r.TLS != nil, SameSite: http.SameSiteStrictMode})
}
