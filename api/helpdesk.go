package api

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/answerdesk/answerdesk/answer"
	"github.com/answerdesk/answerdesk/answer/delivery"
	"github.com/answerdesk/answerdesk/answer/state"
	"github.com/gin-gonic/gin"
)

// HandBacks ends a handover when the helpdesk solves or closes the ticket
// (state.TicketStore implements it).
type HandBacks interface {
	HandBack(ctx context.Context, id, status string) (answer.Ticket, bool, error)
}

var _ HandBacks = (*state.TicketStore)(nil)

// HelpdeskSecrets sign the inbound helpdesk webhooks of POST
// /v1/helpdesk/events; the route answers 404 when both are empty.
type HelpdeskSecrets struct {
	// Zendesk is the signing secret of a Zendesk webhook
	// (X-Zendesk-Webhook-Signature).
	Zendesk []byte
	// Generic signs a helpdesk's callback the way answerdesk signs its own
	// webhooks (X-Answerdesk-Signature, X-Answerdesk-Timestamp).
	Generic []byte
	// Tolerance is how far a signature's timestamp may be from now [5m].
	Tolerance time.Duration
}

// Hand-back results of a helpdesk event.
const (
	HelpdeskHandedBack = "handed_back" // the conversation is the bot's again
	HelpdeskUnchanged  = "unchanged"   // it already was: a repeated event
	HelpdeskIgnored    = "ignored"     // the event does not end a handover
)

// maxEventBody bounds an inbound helpdesk event: Zendesk's ticket event
// payloads are a few kilobytes.
const maxEventBody = 256 << 10

// postHelpdeskEvent takes a signed status change from the helpdesk: a
// ticket solved or closed there hands its conversation back to the bot.
// The request is authenticated by its signature, not by an API key, and
// finds the ticket by its answerdesk id whatever its tenant.
func (s *Server) postHelpdeskEvent(c *gin.Context) {
	sec := s.d.Helpdesk
	if s.d.HandBacks == nil || (len(sec.Zendesk) == 0 && len(sec.Generic) == 0) {
		s.fail(c, errf(http.StatusNotFound, CodeNotFound, "inbound helpdesk events are not configured"))
		return
	}
	ip := peerIP(c.Request)
	if wait, ok := s.authFails.peek(ip, time.Now()); !ok {
		s.tooMany(c, wait, "too many failed authentications from your address")
		return
	}
	body, err := io.ReadAll(c.Request.Body)
	if err != nil {
		s.fail(c, err)
		return
	}
	source, err := s.verifyHelpdesk(c.Request.Header, body)
	if err != nil {
		s.authFails.allow(ip, time.Now())
		s.log.Warn("helpdesk event refused", "request_id", requestID(c), "err", err)
		s.fail(c, errf(http.StatusUnauthorized, CodeUnauthorized, "missing, bad or stale webhook signature"))
		return
	}
	ev, err := parseHelpdeskEvent(source, body)
	if err != nil {
		s.fail(c, err)
		return
	}
	out := HelpdeskEventResult{TicketID: ev.ticketID, Status: ev.status}
	switch {
	case ev.ticketID == "":
		out.Result, out.Reason = HelpdeskIgnored, "the ticket has no answerdesk id (external_id)"
		c.JSON(http.StatusOK, out)
		return
	case ev.status != state.StatusSolved && ev.status != state.StatusClosed:
		out.Result, out.Reason = HelpdeskIgnored, "only solved and closed end a handover"
		c.JSON(http.StatusOK, out)
		return
	case !validID(ev.ticketID):
		s.fail(c, errf(http.StatusNotFound, CodeNotFound, "no answerdesk ticket %q", trunc(ev.ticketID, 64)))
		return
	}
	t, changed, err := s.d.HandBacks.HandBack(c.Request.Context(), ev.ticketID, ev.status)
	if errors.Is(err, state.ErrNotFound) {
		s.fail(c, errf(http.StatusNotFound, CodeNotFound, "no answerdesk ticket %q", ev.ticketID))
		return
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	out.Status, out.Result = t.Status, HelpdeskUnchanged
	if changed {
		out.Result = HelpdeskHandedBack
		if s.d.Audit != nil {
			if _, err := s.d.Audit.Record(context.WithoutCancel(c.Request.Context()), state.AuditEntry{Tenant: t.Tenant, Actor: "helpdesk:" + source,
				Action: state.AuditTicketUpdate, Target: t.ID, Detail: "status " + t.Status}); err != nil {
				s.log.Error("audit", "request_id", requestID(c), "action", state.AuditTicketUpdate, "err", err)
			}
		}
	}
	c.JSON(http.StatusOK, out)
}

// verifyHelpdesk checks the signature of an inbound event and returns its
// source: "zendesk" or "webhook".
func (s *Server) verifyHelpdesk(h http.Header, body []byte) (string, error) {
	sec := s.d.Helpdesk
	tol := sec.Tolerance
	if tol <= 0 {
		tol = 5 * time.Minute
	}
	now := time.Now()
	switch {
	case h.Get(delivery.HeaderZendeskSignature) != "" && len(sec.Zendesk) > 0:
		return "zendesk", delivery.VerifyZendesk(sec.Zendesk, h.Get(delivery.HeaderZendeskTimestamp), h.Get(delivery.HeaderZendeskSignature), body, now, tol)
	case h.Get(delivery.HeaderSignature) != "" && len(sec.Generic) > 0:
		return "webhook", delivery.Verify(sec.Generic, h.Get(delivery.HeaderTimestamp), h.Get(delivery.HeaderSignature), body, now, tol)
	}
	return "", errors.New("no signature this server verifies")
}

type helpdeskEvent struct{ ticketID, status string }

// parseHelpdeskEvent reads the answerdesk ticket id and the new status.
//
// From Zendesk it takes either the event-subscribed webhook of
// zen:event-type:ticket.status_changed — {"type", "detail":
// {"external_id", "status", …}, "event": {"current", "previous"}}
// (https://developer.zendesk.com/api-reference/webhooks/event-types/ticket-events/)
// — or a trigger's webhook with the body docs/operations.md gives:
// {"external_id": "{{ticket.external_id}}", "status": "{{ticket.status}}"}.
// The external_id is the answerdesk ticket id the Zendesk sink set.
//
// From a generic helpdesk: {"ticket_id": "<answerdesk id>", "status": "solved"}.
func parseHelpdeskEvent(source string, body []byte) (helpdeskEvent, error) {
	var p HelpdeskEvent
	if err := json.Unmarshal(body, &p); err != nil {
		// Fields of another type (a numeric ticket_id from a Zendesk
		// template) are skipped: only a body that is no JSON object fails.
		var ute *json.UnmarshalTypeError
		if !errors.As(err, &ute) || source != "zendesk" {
			return helpdeskEvent{}, errf(http.StatusBadRequest, CodeBadJSON, "the event is not the JSON object this route reads: %v", err)
		}
	}
	if p.Detail == nil {
		p.Detail = &HelpdeskEventDetail{}
	}
	if p.Event == nil {
		p.Event = &HelpdeskStatusChange{}
	}
	var ev helpdeskEvent
	switch source {
	case "zendesk":
		ev.ticketID = firstNonEmpty(p.Detail.ExternalID, p.ExternalID)
		ev.status = firstNonEmpty(p.Event.Current, p.Detail.Status, p.Status)
		if strings.HasPrefix(p.Type, "zen:event-type:") && p.Type != "zen:event-type:ticket.status_changed" {
			ev.status = "" // another event about the ticket: not a status change
		}
	default:
		if strings.TrimSpace(p.TicketID) == "" {
			return ev, errf(http.StatusBadRequest, CodeInvalidField, "ticket_id (the answerdesk ticket id) is required")
		}
		ev.ticketID, ev.status = p.TicketID, p.Status
	}
	ev.ticketID = strings.TrimSpace(ev.ticketID)
	// Zendesk's event payloads say "SOLVED", its trigger placeholders "Solved".
	ev.status = strings.ToLower(strings.TrimSpace(ev.status))
	return ev, nil
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if strings.TrimSpace(s) != "" {
			return s
		}
	}
	return ""
}

// HelpdeskEvent is the body of POST /v1/helpdesk/events. A generic
// helpdesk sends ticket_id and status; Zendesk sends either its
// ticket.status_changed event (type, detail, event) or a trigger's body
// with external_id and status. Other fields are ignored.
type HelpdeskEvent struct {
	TicketID   string                `json:"ticket_id,omitempty"`
	ExternalID string                `json:"external_id,omitempty"`
	Status     string                `json:"status,omitempty"`
	Type       string                `json:"type,omitempty"`
	Detail     *HelpdeskEventDetail  `json:"detail,omitempty"`
	Event      *HelpdeskStatusChange `json:"event,omitempty"`
}

// HelpdeskEventDetail is the ticket of a Zendesk event.
type HelpdeskEventDetail struct {
	ExternalID string `json:"external_id,omitempty"`
	Status     string `json:"status,omitempty"`
}

// HelpdeskStatusChange is a Zendesk status change: "OPEN" → "SOLVED".
type HelpdeskStatusChange struct {
	Current  string `json:"current,omitempty"`
	Previous string `json:"previous,omitempty"`
}

// HelpdeskEventResult is the response to an inbound helpdesk event.
type HelpdeskEventResult struct {
	TicketID string `json:"ticket_id,omitempty"`
	// Status is the ticket's status in answerdesk after the event (the
	// event's status when it was ignored).
	Status string `json:"status,omitempty"`
	// Result is "handed_back", "unchanged" or "ignored".
	Result string `json:"result"`
	Reason string `json:"reason,omitempty"`
}
