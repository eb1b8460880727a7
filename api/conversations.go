package api

import (
	"context"
	"net/http"
	"time"

	"github.com/answerdesk/answerdesk/answer"
	"github.com/answerdesk/answerdesk/answer/state"
	"github.com/gin-gonic/gin"
)

// Conversations reads the answer log and transcripts for review
// (state.ConversationStore implements it).
type Conversations interface {
	RecentAnswers(ctx context.Context, tenant string, limit int, before string) ([]state.LoggedAnswer, error)
	Turns(ctx context.Context, tenant, conversationID string) ([]answer.Message, error)
}

var _ Conversations = (*state.ConversationStore)(nil)

// LoggedAnswer is one answer of the log, as reviewed in the console.
type LoggedAnswer struct {
	ID             string    `json:"id"`
	ConversationID string    `json:"conversation_id"`
	Question       string    `json:"question"`
	Decision       string    `json:"decision"`
	Reason         string    `json:"reason,omitempty"`
	Confidence     float64   `json:"confidence"`
	TicketID       string    `json:"ticket_id,omitempty"`
	Created        time.Time `json:"created"`
}

// AnswerLogPage is a page of logged answers, newest first; Next is the
// "before" of the next page.
type AnswerLogPage struct {
	Answers []LoggedAnswer `json:"answers"`
	Next    string         `json:"next,omitempty"`
}

// Conversation is a conversation's transcript (personal data redacted).
type Conversation struct {
	ID    string    `json:"id"`
	Turns []Message `json:"turns"`
}

func (s *Server) conversations() (Conversations, error) {
	if s.d.Conversations == nil {
		return nil, errf(http.StatusServiceUnavailable, CodeUnavailable, "conversation review is not configured")
	}
	return s.d.Conversations, nil
}

// listConversations lists the tenant's latest answers, each with its
// conversation id.
func (s *Server) listConversations(c *gin.Context) {
	cv, err := s.conversations()
	if err != nil {
		s.fail(c, err)
		return
	}
	limit, err := queryLimit(c, state.DefaultLimit, 500)
	if err != nil {
		s.fail(c, err)
		return
	}
	before := c.Query("before")
	if before != "" && !validID(before) {
		s.fail(c, errf(http.StatusBadRequest, CodeInvalidField, "before is not an answer id"))
		return
	}
	as, err := cv.RecentAnswers(c.Request.Context(), keyOf(c).Tenant, limit, before)
	if err != nil {
		s.fail(c, err)
		return
	}
	out := AnswerLogPage{Answers: []LoggedAnswer{}}
	for _, a := range as {
		out.Answers = append(out.Answers, LoggedAnswer{ID: a.ID, ConversationID: a.ConversationID, Question: a.Question, Decision: a.Decision,
			Reason: a.Reason, Confidence: a.Confidence, TicketID: a.TicketID, Created: a.Created})
	}
	if len(as) == limit {
		out.Next = as[len(as)-1].ID
	}
	c.JSON(http.StatusOK, out)
}

// getConversation returns a conversation's transcript.
func (s *Server) getConversation(c *gin.Context) {
	cv, err := s.conversations()
	if err != nil {
		s.fail(c, err)
		return
	}
	id := c.Param("id")
	if !validID(id) {
		s.fail(c, errf(http.StatusNotFound, CodeNotFound, "no such conversation"))
		return
	}
	turns, err := cv.Turns(c.Request.Context(), keyOf(c).Tenant, id)
	if err != nil {
		s.fail(c, err)
		return
	}
	if len(turns) == 0 {
		s.fail(c, errf(http.StatusNotFound, CodeNotFound, "no such conversation"))
		return
	}
	out := Conversation{ID: id, Turns: []Message{}}
	for _, m := range turns {
		out.Turns = append(out.Turns, Message{Role: m.Role, Text: m.Text, At: m.At})
	}
	c.JSON(http.StatusOK, out)
}
