package api

import (
	"context"
	"errors"
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

// TicketReader reads a tenant's tickets (state.TicketStore implements it).
type TicketReader interface {
	Ticket(ctx context.Context, tenant, id string) (answer.Ticket, error)
	Tickets(ctx context.Context, f state.TicketFilter) ([]answer.Ticket, error)
}

// Drafter drafts an answer (answer.Engine implements it).
type Drafter interface {
	Answer(ctx context.Context, req answer.Request) (answer.Answer, error)
}

// SimilarSolved returns ticket id of tenant and the solved tickets of the
// tenant most like it (GET /v1/tickets/{id}/similar and `answerdesk
// assist similar`).
func SimilarSolved(ctx context.Context, tickets TicketReader, tenant, id string) (answer.Ticket, []SimilarTicket, error) {
	if !validID(id) {
		return answer.Ticket{}, nil, errf(http.StatusNotFound, CodeNotFound, "no such ticket")
	}
	t, err := tickets.Ticket(ctx, tenant, id)
	if err != nil {
		return t, nil, err
	}
	pool, err := tickets.Tickets(ctx, state.TicketFilter{Tenant: tenant, Status: state.StatusSolved, Limit: similarPool})
	if err != nil {
		return t, nil, err
	}
	out := []SimilarTicket{}
	for _, m := range answer.Similar(t, pool, similarTop) {
		out = append(out, SimilarTicket{ID: m.Ticket.ID, Subject: m.Ticket.Subject, Lang: m.Ticket.Lang,
			Resolution: lastAgentReply(m.Ticket), Score: m.Score})
	}
	return t, out, nil
}

func lastAgentReply(t answer.Ticket) string {
	for i := len(t.Transcript) - 1; i >= 0; i-- {
		if m := t.Transcript[i]; m.Role == answer.RoleAgent && strings.TrimSpace(m.Text) != "" {
			return m.Text
		}
	}
	return ""
}

// SuggestReply drafts a reply to ticket t's latest customer message with
// engine (answer.Request.Draft: nothing is written), in the ticket's
// language, with the similar solved tickets beside it (POST
// /v1/tickets/{id}/suggest and `answerdesk assist suggest`). The message
// is cut to maxMessage characters, the engine's limit on a message as sent
// (answer.DefaultConfig's when 0), so that an email's own text is read
// wherever it stands in its thread; one whose own text is longer than the
// engine reads is cut to maxQuestion.
func SuggestReply(ctx context.Context, engine Drafter, t answer.Ticket, similar []SimilarTicket, maxQuestion, maxMessage int) (Suggestion, error) {
	question := t.Subject
	for _, m := range t.Transcript {
		if m.Role == answer.RoleCustomer && strings.TrimSpace(m.Text) != "" {
			question = m.Text
		}
	}
	if strings.TrimSpace(question) == "" {
		return Suggestion{}, errf(http.StatusConflict, CodeConflict, "the ticket has no customer message to reply to")
	}
	if maxQuestion <= 0 {
		maxQuestion = answer.DefaultConfig().MaxQuestion
	}
	if maxMessage <= 0 {
		maxMessage = answer.DefaultConfig().MaxMessage
	}
	ask := func(limit int) (answer.Answer, error) {
		q := question
		if r := []rune(q); len(r) > limit {
			q = string(r[:limit])
		}
		return engine.Answer(ctx, answer.Request{Tenant: t.Tenant, Question: q, Lang: t.Lang, Channel: "assist", Draft: true})
	}
	a, err := ask(max(maxMessage, maxQuestion))
	if errors.Is(err, answer.ErrQuestionTooLong) {
		a, err = ask(maxQuestion)
	}
	if err != nil {
		return Suggestion{}, err
	}
	out := Suggestion{TicketID: t.ID, Suggested: a.Decision == answer.Answered, Reason: string(a.Reason), Lang: a.Lang,
		Confidence: a.Confidence, Threshold: a.Threshold, Similar: similar}
	if out.Suggested {
		out.Reply, out.Citations = a.Text, citations(a.Citations)
	} else {
		out.Attempted, out.Citations = a.Attempted, citations(a.AttemptedCitations)
	}
	return out, nil
}

// similarTickets lists the solved tickets of the tenant most like the
// ticket.
func (s *Server) similarTickets(c *gin.Context) {
	t, similar, err := SimilarSolved(c.Request.Context(), s.d.Tickets, keyOf(c).Tenant, c.Param("id"))
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, SimilarTickets{TicketID: t.ID, Similar: similar})
}

// suggestReply drafts a reply to the ticket's latest customer message.
func (s *Server) suggestReply(c *gin.Context) {
	t, similar, err := SimilarSolved(c.Request.Context(), s.d.Tickets, keyOf(c).Tenant, c.Param("id"))
	if err != nil {
		s.fail(c, err)
		return
	}
	ctx, cancel := context.WithTimeout(c.Request.Context(), s.lim.AnswerTimeout)
	defer cancel()
	out, err := SuggestReply(ctx, s.d.Engine, t, similar, s.d.MaxQuestion, s.d.MaxMessage)
	if err != nil {
		s.fail(c, s.answerErr(c, err))
		return
	}
	c.JSON(http.StatusOK, out)
}
