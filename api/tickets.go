package api

import (
	"context"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/answerdesk/answerdesk/answer"
	"github.com/answerdesk/answerdesk/answer/state"
	"github.com/gin-gonic/gin"
)

// listTickets lists the key's tenant's tickets, newest first.
func (s *Server) listTickets(c *gin.Context) {
	limit, err := queryLimit(c, state.DefaultLimit, 500)
	if err != nil {
		s.fail(c, err)
		return
	}
	status := c.Query("status")
	if status != "" && !state.ValidStatus(status) {
		s.fail(c, errf(http.StatusBadRequest, CodeInvalidField, "status must be open, pending, solved or closed"))
		return
	}
	before := c.Query("before")
	if before != "" && !validID(before) {
		s.fail(c, errf(http.StatusBadRequest, CodeInvalidField, "before is not a ticket id"))
		return
	}
	ts, err := s.d.Tickets.Tickets(c.Request.Context(), state.TicketFilter{Tenant: keyOf(c).Tenant, Status: status, Limit: limit, Before: before})
	if err != nil {
		s.fail(c, err)
		return
	}
	out := TicketList{Tickets: []Ticket{}}
	for _, t := range ts {
		out.Tickets = append(out.Tickets, newTicket(t))
	}
	if len(ts) == limit {
		out.Next = ts[len(ts)-1].ID
	}
	c.JSON(http.StatusOK, out)
}

func (s *Server) getTicket(c *gin.Context) {
	id := c.Param("id")
	if !validID(id) {
		s.fail(c, errf(http.StatusNotFound, CodeNotFound, "no such ticket"))
		return
	}
	t, err := s.d.Tickets.Ticket(c.Request.Context(), keyOf(c).Tenant, id)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, newTicket(t))
}

// patchTicket changes a ticket's status.
func (s *Server) patchTicket(c *gin.Context) {
	var p TicketPatch
	if err := s.bindJSON(c, &p); err != nil {
		s.fail(c, err)
		return
	}
	if !state.ValidStatus(p.Status) {
		s.fail(c, errf(http.StatusBadRequest, CodeInvalidField, "status must be open, pending, solved or closed"))
		return
	}
	id := c.Param("id")
	if !validID(id) {
		s.fail(c, errf(http.StatusNotFound, CodeNotFound, "no such ticket"))
		return
	}
	if p.Resolution != "" {
		switch {
		case s.d.TicketReplies == nil:
			s.fail(c, errf(http.StatusServiceUnavailable, CodeUnavailable, "ticket replies are not configured"))
			return
		case strings.TrimSpace(p.Resolution) == "" || utf8.RuneCountInString(p.Resolution) > maxCorrection:
			s.fail(c, errf(http.StatusBadRequest, CodeInvalidField, "resolution must be 1-%d characters with visible text", maxCorrection))
			return
		}
		msg := answer.Message{Role: answer.RoleAgent, Text: strings.TrimSpace(p.Resolution)}
		if err := s.d.TicketReplies.AppendToTicket(c.Request.Context(), keyOf(c).Tenant, id, msg); err != nil {
			s.fail(c, err)
			return
		}
	}
	t, err := s.d.Tickets.SetTicketStatus(c.Request.Context(), keyOf(c).Tenant, id, p.Status)
	if err != nil {
		s.fail(c, err)
		return
	}
	s.audit(c, state.AuditTicketUpdate, id, "status "+p.Status)
	if s.d.TicketCandidates != nil {
		// A failure is logged: the status has changed either way.
		if _, err := s.d.TicketCandidates.AddTicketCandidate(context.WithoutCancel(c.Request.Context()), t); err != nil {
			s.log.Error("faq candidate of ticket", "request_id", requestID(c), "ticket", id, "err", err)
		}
	}
	c.JSON(http.StatusOK, newTicket(t))
}

func (s *Server) healthz(c *gin.Context) {
	c.JSON(http.StatusOK, Health{Status: "ok", Version: s.d.Version})
}

// readyz reports whether the state database and the index answer.
func (s *Server) readyz(c *gin.Context) {
	ctx, cancel := context.WithTimeout(c.Request.Context(), 2*time.Second)
	defer cancel()
	if s.draining.Load() {
		c.JSON(http.StatusServiceUnavailable, Health{Status: "draining", Version: s.d.Version})
		return
	}
	if err := s.d.Health.Ping(ctx); err != nil {
		s.log.Warn("readyz: state", "err", err)
		c.JSON(http.StatusServiceUnavailable, Health{Status: "state unavailable", Version: s.d.Version})
		return
	}
	if s.d.Docs != nil {
		if _, err := s.d.Docs.Stats(ctx); err != nil {
			s.log.Warn("readyz: index", "err", err)
			c.JSON(http.StatusServiceUnavailable, Health{Status: "index unavailable", Version: s.d.Version})
			return
		}
	}
	c.JSON(http.StatusOK, Health{Status: "ready", Version: s.d.Version})
}

//go:embed openapi.json
var openapiFS embed.FS

func (s *Server) openapi(c *gin.Context) {
	c.Data(http.StatusOK, "application/json", s.openapiDoc)
}

// openapiDocument is the embedded OpenAPI document with the question's
// bounds set from the engine's limits (answer.Config.MaxMessage and
// MaxQuestion), the one owner of that rule.
func openapiDocument(maxQuestion, maxMessage int) ([]byte, error) {
	b, err := openapiFS.ReadFile("openapi.json")
	if err != nil {
		return nil, err
	}
	var doc map[string]any
	if err := json.Unmarshal(b, &doc); err != nil {
		return nil, err
	}
	q, ok := lookup(doc, "components", "schemas", "AnswerRequest", "properties", "question")
	if !ok {
		return nil, errors.New("openapi.json: no AnswerRequest.question")
	}
	q["maxLength"] = maxMessage
	q["description"] = questionDescription(maxQuestion, maxMessage)
	return json.MarshalIndent(doc, "", " ")
}

// questionDescription is AnswerRequest.question's description for the
// engine's limits.
func questionDescription(maxQuestion, maxMessage int) string {
	return fmt.Sprintf("The customer's message: at most %d characters (not bytes) as sent, and at most %d once an email's quoted thread, signature, salutation and valediction are cut (the engine reads that part; the ticket keeps the whole message); valid UTF-8, with at least one visible character.", maxMessage, maxQuestion)
}

// lookup walks nested JSON objects along path.
func lookup(v map[string]any, path ...string) (map[string]any, bool) {
	for _, k := range path {
		next, ok := v[k].(map[string]any)
		if !ok {
			return nil, false
		}
		v = next
	}
	return v, true
}

func (s *Server) noRoute(c *gin.Context) {
	s.fail(c, errf(http.StatusNotFound, CodeNotFound, "no such route"))
}

func (s *Server) noMethod(c *gin.Context) {
	s.fail(c, errf(http.StatusMethodNotAllowed, CodeMethodNotAllowed, "method not allowed on this route"))
}
