package api

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/answerdesk/answerdesk/answer/state"
	"github.com/gin-gonic/gin"
)

// KeyAdmin manages API keys (state.KeyStore implements it). Keys lists
// every tenant's keys; the API shows and revokes only the caller's.
type KeyAdmin interface {
	Keys(ctx context.Context) ([]state.Key, error)
	CreateKey(ctx context.Context, tenant, name string, scopes []string) (string, state.Key, error)
	CreatePublishableKey(ctx context.Context, tenant, name string, origins []string) (string, state.Key, error)
	RevokeKey(ctx context.Context, id string) error
}

var _ KeyAdmin = (*state.KeyStore)(nil)

// APIKey is a key as listed: never the key itself.
type APIKey struct {
	ID          string     `json:"id"`
	Prefix      string     `json:"prefix"`
	Name        string     `json:"name"`
	Scopes      []string   `json:"scopes"`
	Publishable bool       `json:"publishable"`
	Origins     []string   `json:"origins,omitempty"`
	Created     time.Time  `json:"created"`
	Revoked     *time.Time `json:"revoked,omitempty"`
}

// APIKeyList is the tenant's keys, oldest first.
type APIKeyList struct {
	Keys []APIKey `json:"keys"`
}

// KeyRequest is the body of POST /v1/keys: a secret key with scopes, or a
// publishable key with origins.
type KeyRequest struct {
	Name        string   `json:"name,omitempty"`
	Scopes      []string `json:"scopes,omitempty"`
	Publishable bool     `json:"publishable,omitempty"`
	Origins     []string `json:"origins,omitempty"`
}

// CreatedKey is a new key with its secret, shown this once.
type CreatedKey struct {
	Key    string `json:"key"`
	APIKey APIKey `json:"api_key"`
}

func newAPIKey(k state.Key) APIKey {
	return APIKey{ID: k.ID, Prefix: k.Prefix, Name: k.Name, Scopes: k.Scopes, Publishable: k.Publishable(),
		Origins: k.Origins, Created: k.Created, Revoked: timePtr(k.Revoked)}
}

func (s *Server) keyAdmin() (KeyAdmin, error) {
	if s.d.KeyAdmin == nil {
		return nil, errf(http.StatusServiceUnavailable, CodeUnavailable, "key management is not configured")
	}
	return s.d.KeyAdmin, nil
}

// tenantKeys lists the caller's tenant's keys.
func (s *Server) tenantKeys(ctx context.Context, ka KeyAdmin, tenant string) ([]state.Key, error) {
	all, err := ka.Keys(ctx)
	if err != nil {
		return nil, err
	}
	var out []state.Key
	for _, k := range all {
		if k.Tenant == tenant {
			out = append(out, k)
		}
	}
	return out, nil
}

func (s *Server) listKeys(c *gin.Context) {
	ka, err := s.keyAdmin()
	if err != nil {
		s.fail(c, err)
		return
	}
	keys, err := s.tenantKeys(c.Request.Context(), ka, keyOf(c).Tenant)
	if err != nil {
		s.fail(c, err)
		return
	}
	out := APIKeyList{Keys: []APIKey{}}
	for _, k := range keys {
		out.Keys = append(out.Keys, newAPIKey(k))
	}
	c.JSON(http.StatusOK, out)
}

func (s *Server) createKey(c *gin.Context) {
	ka, err := s.keyAdmin()
	if err != nil {
		s.fail(c, err)
		return
	}
	var req KeyRequest
	if err := s.bindJSON(c, &req); err != nil {
		s.fail(c, err)
		return
	}
	if len(req.Name) > 100 {
		s.fail(c, errf(http.StatusBadRequest, CodeInvalidField, "name longer than 100 bytes"))
		return
	}
	tenant := keyOf(c).Tenant
	var raw string
	var k state.Key
	switch {
	case req.Publishable && len(req.Scopes) > 0:
		s.fail(c, errf(http.StatusBadRequest, CodeInvalidField, "a publishable key has the ask scope only: drop scopes"))
		return
	case req.Publishable:
		raw, k, err = ka.CreatePublishableKey(c.Request.Context(), tenant, req.Name, req.Origins)
	case len(req.Origins) > 0:
		s.fail(c, errf(http.StatusBadRequest, CodeInvalidField, "origins are for publishable keys"))
		return
	default:
		var scopes []string
		if scopes, err = state.ParseScopes(strings.Join(req.Scopes, ",")); err == nil {
			raw, k, err = ka.CreateKey(c.Request.Context(), tenant, req.Name, scopes)
		}
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	s.audit(c, state.AuditKeyCreate, k.ID, k.AuditDetail())
	c.JSON(http.StatusCreated, CreatedKey{Key: raw, APIKey: newAPIKey(k)})
}

// revokeKey revokes a key of the caller's tenant by id.
func (s *Server) revokeKey(c *gin.Context) {
	ka, err := s.keyAdmin()
	if err != nil {
		s.fail(c, err)
		return
	}
	id := c.Param("id")
	keys, err := s.tenantKeys(c.Request.Context(), ka, keyOf(c).Tenant)
	if err != nil {
		s.fail(c, err)
		return
	}
	found := false
	for _, k := range keys {
		found = found || (k.ID == id && k.Revoked.IsZero())
	}
	if !found || !validID(id) {
		s.fail(c, errf(http.StatusNotFound, CodeNotFound, "no active key %q", trunc(id, 64)))
		return
	}
	if err := ka.RevokeKey(c.Request.Context(), id); err != nil && !errors.Is(err, state.ErrNotFound) {
		s.fail(c, err)
		return
	}
	s.auth.forget(id)
	s.audit(c, state.AuditKeyRevoke, id, "")
	c.Status(http.StatusNoContent)
}

// forget drops the cached lookups of key id, so that a key revoked through
// this server stops working at once.
func (a *authCache) forget(id string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	for raw, e := range a.m {
		if e.k.ID == id {
			delete(a.m, raw)
		}
	}
}
