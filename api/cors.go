package api

import (
	"context"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/answerdesk/answerdesk/answer/state"
	"github.com/gin-gonic/gin"
)

// Browsers call the customer routes (answer, feedback) from the pages that
// embed the widget. A CORS preflight carries no key, so it is answered from
// the origins of every active publishable key; the request itself is then
// checked against its own key's origins (checkPublishable).

const corsMaxAge = "600"

// cors adds the CORS response headers for an allowed Origin.
func (s *Server) cors(c *gin.Context) {
	c.Writer.Header().Add("Vary", "Origin")
	if origin := c.GetHeader("Origin"); origin != "" && s.originAllowed(c.Request.Context(), origin) {
		h := c.Writer.Header()
		h.Set("Access-Control-Allow-Origin", origin)
		h.Set("Access-Control-Expose-Headers", "X-Request-Id, Retry-After")
	}
	c.Next()
}

// preflight answers a CORS preflight: 204 with the allowed methods and
// headers for an origin a publishable key lists, 403 for any other.
func (s *Server) preflight(c *gin.Context) {
	origin := c.GetHeader("Origin")
	if origin == "" || !s.originAllowed(c.Request.Context(), origin) {
		s.fail(c, errf(http.StatusForbidden, CodeOriginRefused, "origin %q is not allowed: add it to a publishable key (keys create --publishable --origins)", trunc(origin, 100)))
		return
	}
	h := c.Writer.Header()
	h.Set("Access-Control-Allow-Origin", origin)
	h.Set("Access-Control-Allow-Methods", "POST")
	h.Set("Access-Control-Allow-Headers", "Authorization, Content-Type, Accept, X-Request-Id")
	h.Set("Access-Control-Max-Age", corsMaxAge)
	c.Status(http.StatusNoContent)
}

// publishableAllowed enforces what a publishable key may do beyond its
// scope: only from its origins, within its per-address rate limit. It
// answers the request itself when it refuses.
func (s *Server) publishableAllowed(c *gin.Context, k state.Key) bool {
	origin, err := state.NormalizeOrigin(c.GetHeader("Origin"))
	if err != nil || !slices.Contains(k.Origins, origin) {
		s.fail(c, errf(http.StatusForbidden, CodeOriginRefused, "this publishable key may only be used from its origins"))
		return false
	}
	if wait, ok := s.ipLimiter.allow(k.ID+"|"+peerIP(c.Request), time.Now()); !ok {
		s.tooMany(c, wait, "rate limit exceeded")
		return false
	}
	return true
}

// originAllowed asks the state store, through a short cache: preflights
// precede every widget request.
func (s *Server) originAllowed(ctx context.Context, origin string) bool {
	now := time.Now()
	if ok, hit := s.origins.get(origin, now); hit {
		return ok
	}
	ok, err := s.d.Keys.AllowsOrigin(ctx, origin)
	if err != nil {
		s.log.Warn("cors: allowed origins", "err", err)
		return false
	}
	s.origins.put(origin, ok, now)
	return ok
}

// originCache remembers origin decisions for ttl; a revoked key's origins
// stop being allowed within ttl.
type originCache struct {
	ttl time.Duration
	mu  sync.Mutex
	m   map[string]originEntry
}

type originEntry struct {
	ok  bool
	exp time.Time
}

func newOriginCache(ttl time.Duration) *originCache {
	return &originCache{ttl: ttl, m: map[string]originEntry{}}
}

func (o *originCache) get(origin string, now time.Time) (ok, hit bool) {
	if o.ttl <= 0 {
		return false, false
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	e, found := o.m[origin]
	if !found || now.After(e.exp) {
		return false, false
	}
	return e.ok, true
}

func (o *originCache) put(origin string, ok bool, now time.Time) {
	if o.ttl <= 0 || len(origin) > 256 {
		return
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	if len(o.m) > 10000 {
		clear(o.m)
	}
	o.m[origin] = originEntry{ok: ok, exp: now.Add(o.ttl)}
}
