package api

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"net"
	"net/http"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/answerdesk/answerdesk/answer/state"
	"github.com/gin-gonic/gin"
)

type httpMaxBytesError = http.MaxBytesError

const (
	ctxRequestID = "answerdesk.request_id"
	ctxKey       = "answerdesk.key"
	// HeaderRequestID carries the request id both ways.
	HeaderRequestID = "X-Request-Id"
)

func requestID(c *gin.Context) string { return c.GetString(ctxRequestID) }

func keyOf(c *gin.Context) state.Key {
	k, _ := c.Get(ctxKey)
	key, _ := k.(state.Key)
	return key
}

func validRequestID(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.') {
			return false
		}
	}
	return true
}

// withRequestID takes a sane X-Request-Id from the client or makes one,
// and echoes it.
func (s *Server) withRequestID(c *gin.Context) {
	rid := c.GetHeader(HeaderRequestID)
	if !validRequestID(rid) {
		var b [8]byte
		rand.Read(b[:])
		rid = "req_" + hex.EncodeToString(b[:])
	}
	c.Set(ctxRequestID, rid)
	c.Request = c.Request.WithContext(WithRequestID(c.Request.Context(), rid))
	c.Header(HeaderRequestID, rid)
	c.Next()
}

// recoverPanic turns a handler panic into a logged 500.
func (s *Server) recoverPanic(c *gin.Context) {
	defer func() {
		if r := recover(); r != nil {
			if r == http.ErrAbortHandler {
				panic(r)
			}
			s.log.Error("panic", "request_id", requestID(c), "route", c.FullPath(), "panic", fmt.Sprint(r), "stack", string(debug.Stack()))
			if !c.Writer.Written() {
				s.fail(c, fmt.Errorf("panic: %v", r))
			}
			c.Abort()
		}
	}()
	c.Next()
}

// accessLog logs each request at debug level; below it, the request costs
// nothing of the log (its attributes are never built).
func (s *Server) accessLog(c *gin.Context) {
	if !s.log.Enabled(c.Request.Context(), slog.LevelDebug) {
		c.Next()
		return
	}
	start := time.Now()
	c.Next()
	s.log.Debug("request", "request_id", requestID(c), "method", c.Request.Method, "route", c.FullPath(),
		"status", c.Writer.Status(), "ms", float64(time.Since(start).Microseconds())/1000, "key", keyOf(c).ID)
}

// bodyGuard refuses compressed bodies (a gzip bomb is never inflated) and
// bounds every body, so that no handler reads more than limit bytes.
func (s *Server) bodyGuard(limit int64) gin.HandlerFunc {
	return func(c *gin.Context) {
		if enc := strings.TrimSpace(c.GetHeader("Content-Encoding")); enc != "" && !strings.EqualFold(enc, "identity") {
			s.fail(c, errf(http.StatusUnsupportedMediaType, CodeUnsupportedEncode, "Content-Encoding %q is not accepted; send the body uncompressed", trunc(enc, 32)))
			return
		}
		if c.Request.ContentLength > limit {
			s.fail(c, errf(http.StatusRequestEntityTooLarge, CodeBodyTooLarge, "request body of %d bytes exceeds the limit of %d bytes", c.Request.ContentLength, limit))
			return
		}
		if c.Request.Body != nil {
			c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, limit)
		}
		c.Next()
	}
}

func trunc(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// authenticate resolves the bearer key (or the console session's key) and
// checks it grants scope. The tenant of the request is the key's.
func (s *Server) authenticate(scope string) gin.HandlerFunc {
	return func(c *gin.Context) {
		ip := peerIP(c.Request)
		if wait, ok := s.authFails.peek(ip, time.Now()); !ok {
			s.tooMany(c, wait, "too many failed authentications from your address")
			return
		}
		key, err := s.requestKey(c.Request)
		var ae *apiError
		switch {
		case errors.As(err, &ae):
			s.authFails.allow(ip, time.Now())
			s.fail(c, err)
			return
		case errors.Is(err, state.ErrNotFound), errors.Is(err, state.ErrRevoked):
			s.authFails.allow(ip, time.Now())
			s.fail(c, errf(http.StatusUnauthorized, CodeUnauthorized, "invalid or revoked API key"))
			return
		case err != nil:
			s.fail(c, err)
			return
		}
		if !key.Has(scope) {
			s.fail(c, errf(http.StatusForbidden, CodeForbidden, "this API key lacks the %q scope", scope))
			return
		}
		if key.Publishable() && !s.publishableAllowed(c, key) {
			return
		}
		c.Set(ctxKey, key)
		if wait, ok := s.limiter.allow(key.ID, time.Now()); !ok {
			s.tooMany(c, wait, "rate limit exceeded")
			return
		}
		c.Next()
	}
}

// tooMany answers 429 with a Retry-After of wait (at least a second).
func (s *Server) tooMany(c *gin.Context, wait time.Duration, why string) {
	secs := max(int(math.Ceil(wait.Seconds())), 1)
	c.Header("Retry-After", strconv.Itoa(secs))
	s.fail(c, errf(http.StatusTooManyRequests, CodeRateLimited, "%s; retry after %d s", why, secs))
}

// peerIP is the address of the TCP peer: forwarded headers are not
// trusted, since anyone can send them.
func peerIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

func (s *Server) lookupKey(ctx context.Context, raw string) (state.Key, error) {
	if k, ok := s.auth.get(raw, time.Now()); ok {
		return k, nil
	}
	k, err := s.d.Keys.Authenticate(ctx, raw)
	if err != nil {
		return k, err
	}
	s.auth.put(raw, k, time.Now())
	return k, nil
}

// authCache remembers successful key lookups briefly, so that the answer
// path does not hit the state database for every request.
type authCache struct {
	ttl time.Duration
	mu  sync.Mutex
	m   map[string]authEntry
}

type authEntry struct {
	k   state.Key
	exp time.Time
}

func newAuthCache(ttl time.Duration) *authCache {
	return &authCache{ttl: ttl, m: map[string]authEntry{}}
}

func (a *authCache) get(raw string, now time.Time) (state.Key, bool) {
	if a.ttl <= 0 {
		return state.Key{}, false
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	e, ok := a.m[raw]
	if !ok || now.After(e.exp) {
		return state.Key{}, false
	}
	return e.k, true
}

func (a *authCache) put(raw string, k state.Key, now time.Time) {
	if a.ttl <= 0 {
		return
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if len(a.m) > 10000 {
		for r, e := range a.m {
			if now.After(e.exp) {
				delete(a.m, r)
			}
		}
	}
	a.m[raw] = authEntry{k: k, exp: now.Add(a.ttl)}
}

// limiter is a token bucket per key (an API key id, or a peer address for
// failed authentications).
type limiter struct {
	rate  float64
	burst float64
	mu    sync.Mutex
	b     map[string]*bucket
}

type bucket struct {
	tokens float64
	last   time.Time
}

func newLimiter(rate float64, burst int) *limiter {
	return &limiter{rate: rate, burst: float64(burst), b: map[string]*bucket{}}
}

// maxBuckets bounds the buckets kept; beyond it, full buckets (keys idle
// long enough to have refilled) are forgotten, which changes nothing.
const maxBuckets = 10000

// allow takes a token for key; when none is left it returns how long until one is.
func (l *limiter) allow(key string, now time.Time) (time.Duration, bool) {
	return l.take(key, now, true)
}

// peek reports whether key has a token left, without taking it.
func (l *limiter) peek(key string, now time.Time) (time.Duration, bool) {
	return l.take(key, now, false)
}

func (l *limiter) take(key string, now time.Time, consume bool) (time.Duration, bool) {
	if l.rate < 0 {
		return 0, true
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	b, ok := l.b[key]
	if !ok {
		if !consume {
			return 0, true
		}
		if len(l.b) >= maxBuckets {
			l.prune(now)
		}
		b = &bucket{tokens: l.burst, last: now}
		l.b[key] = b
	}
	b.tokens = min(l.burst, b.tokens+now.Sub(b.last).Seconds()*l.rate)
	b.last = now
	if b.tokens >= 1 {
		if consume {
			b.tokens--
		}
		return 0, true
	}
	return time.Duration((1 - b.tokens) / l.rate * float64(time.Second)), false
}

func (l *limiter) prune(now time.Time) {
	for k, b := range l.b {
		if b.tokens+now.Sub(b.last).Seconds()*l.rate >= l.burst {
			delete(l.b, k)
		}
	}
}
