package api

import (
	"context"
	"net/http"
	"strings"

	"github.com/answerdesk/answerdesk/answer"
	"github.com/answerdesk/answerdesk/answer/state"
	"github.com/gin-gonic/gin"
)

// Agent assist: for a ticket, the most similar solved tickets of the
// tenant and a suggested reply drafted by the answer engine.

const (
	// similarTop is how many similar tickets are returned.
	similarTop = 5
	// similarPool bounds the solved tickets compared, the newest first.
	similarPool = 1000
)

// SimilarTicket is a solved ticket like another, with the agent's reply.
type SimilarTicket struct {
	ID         string  `json:"id"`
	Subject    string  `json:"subject"`
	Lang       string  `json:"lang,omitempty"`
	Resolution string  `json:"resolution,omitempty"` // the agent's last reply
	Score      float64 `json:"score"`                // cosine in [0, 1]
}

// SimilarTickets is the body of GET /v1/tickets/{id}/similar.
type SimilarTickets struct {
	TicketID string          `json:"ticket_id"`
	Similar  []SimilarTicket `json:"similar"`
}

// Suggestion is the body of POST /v1/tickets/{id}/suggest: a reply for the
// agent, or none (Reason says why) with the Attempted text.
type Suggestion struct {
	TicketID   string          `json:"ticket_id"`
	Suggested  bool            `json:"suggested"`
	Reason     string          `json:"reason,omitempty"`
	Reply      string          `json:"reply,omitempty"`
	Attempted  string          `json:"attempted,omitempty"`
	Lang       string          `json:"lang"`
	Confidence float64         `json:"confidence"`
	Threshold  float64         `json:"threshold"`
	Citations  []Citation      `json:"citations"`
	Similar    []SimilarTicket `json:"similar"`
}

// assistTicket loads the ticket of the route and the solved tickets most
// like it.
func (s *Server) assistTicket(c *gin.Context) (answer.Ticket, []SimilarTicket, bool) {
	id := c.Param("id")
	if !validID(id) {
		s.fail(c, errf(http.StatusNotFound, CodeNotFound, "no such ticket"))
		return answer.Ticket{}, nil, false
	}
	ctx, tenant := c.Request.Context(), keyOf(c).Tenant
	t, err := s.d.Tickets.Ticket(ctx, tenant, id)
	if err != nil {
		s.fail(c, err)
		return t, nil, false
	}
	pool, err := s.d.Tickets.Tickets(ctx, state.TicketFilter{Tenant: tenant, Status: state.StatusSolved, Limit: similarPool})
	if err != nil {
		s.fail(c, err)
		return t, nil, false
	}
	out := []SimilarTicket{}
	for _, m := range answer.Similar(t, pool, similarTop) {
		out = append(out, SimilarTicket{ID: m.Ticket.ID, Subject: m.Ticket.Subject, Lang: m.Ticket.Lang,
			Resolution: lastAgentReply(m.Ticket), Score: m.Score})
	}
	return t, out, true
}

func lastAgentReply(t answer.Ticket) string {
	for i := len(t.Transcript) - 1; i >= 0; i-- {
		if m := t.Transcript[i]; m.Role == answer.RoleAgent && strings.TrimSpace(m.Text) != "" {
			return m.Text
		}
	}
	return ""
}

// similarTickets lists the solved tickets of the tenant most like the
// ticket.
func (s *Server) similarTickets(c *gin.Context) {
	t, similar, ok := s.assistTicket(c)
	if !ok {
		return
	}
	c.JSON(http.StatusOK, SimilarTickets{TicketID: t.ID, Similar: similar})
}

// suggestReply drafts a reply to the ticket's latest customer message with
// the answer engine (answer.Request.Draft: nothing is written), in the
// ticket's language, with the similar solved tickets beside it.
func (s *Server) suggestReply(c *gin.Context) {
	t, similar, ok := s.assistTicket(c)
	if !ok {
		return
	}
	question := t.Subject
	for _, m := range t.Transcript {
		if m.Role == answer.RoleCustomer && strings.TrimSpace(m.Text) != "" {
			question = m.Text
		}
	}
	if strings.TrimSpace(question) == "" {
		s.fail(c, errf(http.StatusConflict, CodeConflict, "the ticket has no customer message to reply to"))
		return
	}
	max := s.d.MaxQuestion
	if max <= 0 {
		max = answer.DefaultConfig().MaxQuestion
	}
	if r := []rune(question); len(r) > max {
		question = string(r[:max])
	}
	ctx, cancel := context.WithTimeout(c.Request.Context(), s.lim.AnswerTimeout)
	defer cancel()
	a, err := s.d.Engine.Answer(ctx, answer.Request{Tenant: t.Tenant, Question: question, Lang: t.Lang, Channel: "assist", Draft: true})
	if err != nil {
		s.fail(c, s.answerErr(c, err))
		return
	}
	out := Suggestion{TicketID: t.ID, Suggested: a.Decision == answer.Answered, Reason: string(a.Reason), Lang: a.Lang,
		Confidence: a.Confidence, Threshold: a.Threshold, Similar: similar}
	if out.Suggested {
		out.Reply, out.Citations = a.Text, citations(a.Citations)
	} else {
		out.Attempted, out.Citations = a.Attempted, citations(a.AttemptedCitations)
	}
	c.JSON(http.StatusOK, out)
}
