package api

import (
	"context"
	"net/http"
	"time"

	"github.com/answerdesk/answerdesk/answer/state"
	"github.com/gin-gonic/gin"
)

// AuditLog records and lists administrative actions (state.AuditStore
// implements it).
type AuditLog interface {
	Record(ctx context.Context, e state.AuditEntry) (state.AuditEntry, error)
	Entries(ctx context.Context, f state.AuditFilter) ([]state.AuditEntry, error)
}

var _ AuditLog = (*state.AuditStore)(nil)

// AuditEntry is one administrative action.
type AuditEntry struct {
	ID     int64     `json:"id"`
	Actor  string    `json:"actor"`
	Action string    `json:"action"`
	Target string    `json:"target,omitempty"`
	Detail string    `json:"detail,omitempty"`
	At     time.Time `json:"at"`
}

// AuditList is a page of audit entries, newest first.
type AuditList struct {
	Entries []AuditEntry `json:"entries"`
	// Next, when set, is the before of the next page.
	Next int64 `json:"next,omitempty"`
}

// NewAuditList converts a page of audit entries read with limit to its
// wire form: a full page names the next one.
func NewAuditList(es []state.AuditEntry, limit int) AuditList {
	out := AuditList{Entries: []AuditEntry{}}
	for _, e := range es {
		out.Entries = append(out.Entries, AuditEntry{ID: e.ID, Actor: e.Actor, Action: e.Action, Target: e.Target, Detail: e.Detail, At: e.At})
	}
	if len(es) == limit {
		out.Next = es[len(es)-1].ID
	}
	return out
}

// audit records an administrative action of the request's key. The action
// has happened: a failure to record it is logged, with the request id.
func (s *Server) audit(c *gin.Context, action, target, detail string) {
	if s.d.Audit == nil {
		return
	}
	k := keyOf(c)
	if _, err := s.d.Audit.Record(context.WithoutCancel(c.Request.Context()), state.AuditEntry{Tenant: k.Tenant, Actor: state.ActorKey(k.ID),
		Action: action, Target: target, Detail: detail}); err != nil {
		s.log.Error("audit", "request_id", requestID(c), "action", action, "err", err)
	}
}

// listAudit lists the key's tenant's audit entries, newest first.
func (s *Server) listAudit(c *gin.Context) {
	if s.d.Audit == nil {
		s.fail(c, errf(http.StatusServiceUnavailable, CodeUnavailable, "the audit log is not configured"))
		return
	}
	limit, err := queryLimit(c, state.DefaultLimit, 500)
	if err != nil {
		s.fail(c, err)
		return
	}
	before, err := queryBefore(c, "an entry")
	if err != nil {
		s.fail(c, err)
		return
	}
	es, err := s.d.Audit.Entries(c.Request.Context(), state.AuditFilter{Tenant: keyOf(c).Tenant, Action: c.Query("action"), Before: before, Limit: limit})
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, NewAuditList(es, limit))
}
