package api

import (
	"context"
	"net/http"
	"time"
	"unicode/utf8"

	"github.com/answerdesk/answerdesk/answer/state"
	"github.com/gin-gonic/gin"
)

// Customers exports and erases a customer's data (state.CustomerStore
// implements it).
type Customers interface {
	Export(ctx context.Context, tenant, id string) (state.CustomerData, error)
	Erase(ctx context.Context, tenant, id string) (state.Erasure, error)
}

var _ Customers = (*state.CustomerStore)(nil)

// CustomerExport is everything stored about a customer: GET
// /v1/customers/{id}/export.
type CustomerExport struct {
	CustomerID    string               `json:"customer_id"`
	Answers       []ExportedAnswer     `json:"answers"`
	Conversations map[string][]Message `json:"conversations"`
	Feedback      []ExportedFeedback   `json:"feedback"`
	Tickets       []Ticket             `json:"tickets"`
	// FAQCandidates made from the customer's corrections or solved tickets.
	FAQCandidates []FAQCandidate `json:"faq_candidates"`
}

// ExportedAnswer is an answer-log entry of a customer (question redacted).
type ExportedAnswer struct {
	ID             string    `json:"id"`
	ConversationID string    `json:"conversation_id"`
	Question       string    `json:"question"`
	Decision       string    `json:"decision"`
	Reason         string    `json:"reason,omitempty"`
	Confidence     float64   `json:"confidence"`
	TicketID       string    `json:"ticket_id,omitempty"`
	Lang           string    `json:"lang,omitempty"`
	Intent         string    `json:"intent,omitempty"`
	Created        time.Time `json:"created"`
}

// ExportedFeedback is feedback on a customer's answer.
type ExportedFeedback struct {
	ID       int64  `json:"id"`
	AnswerID string `json:"answer_id"`
	Thumbs   int    `json:"thumbs"`
	Rating   int    `json:"rating"`
	Comment  string `json:"comment,omitempty"`
	// Correction is an agent's right answer to the customer's question.
	Correction string    `json:"correction,omitempty"`
	Created    time.Time `json:"created"`
}

// Erasure counts what DELETE /v1/customers/{id} removed.
type Erasure struct {
	Answers  int `json:"answers"`
	Turns    int `json:"turns"`
	Feedback int `json:"feedback"`
	Tickets  int `json:"tickets_anonymized"`
	// FAQCandidates made from the customer's feedback or tickets.
	FAQCandidates int `json:"faq_candidates"`
}

// NewCustomerExport converts a customer's data to its wire form.
func NewCustomerExport(id string, d state.CustomerData) CustomerExport {
	out := CustomerExport{CustomerID: id, Answers: []ExportedAnswer{}, Conversations: map[string][]Message{},
		Feedback: []ExportedFeedback{}, Tickets: []Ticket{}, FAQCandidates: []FAQCandidate{}}
	for _, a := range d.Answers {
		out.Answers = append(out.Answers, ExportedAnswer{ID: a.ID, ConversationID: a.ConversationID, Question: a.Question,
			Decision: a.Decision, Reason: a.Reason, Confidence: a.Confidence, TicketID: a.TicketID, Lang: a.Lang, Intent: a.Intent, Created: a.Created})
	}
	for c, ms := range d.Conversations {
		turns := []Message{}
		for _, m := range ms {
			turns = append(turns, Message{Role: m.Role, Text: m.Text, At: m.At})
		}
		out.Conversations[c] = turns
	}
	for _, f := range d.Feedback {
		out.Feedback = append(out.Feedback, ExportedFeedback{ID: f.ID, AnswerID: f.AnswerID, Thumbs: f.Thumbs, Rating: f.Rating, Comment: f.Comment,
			Correction: f.Correction, Created: f.Created})
	}
	for _, t := range d.Tickets {
		out.Tickets = append(out.Tickets, newTicket(t))
	}
	for _, c := range d.FAQCandidates {
		out.FAQCandidates = append(out.FAQCandidates, NewFAQCandidate(c))
	}
	return out
}

// NewErasure converts the counts of an erasure to their wire form.
func NewErasure(e state.Erasure) Erasure {
	return Erasure{Answers: e.Answers, Turns: e.Turns, Feedback: e.Feedback, Tickets: e.Tickets, FAQCandidates: e.FAQCandidates}
}

// CheckCustomerID reports whether id can name a customer: 1 to 256 bytes
// of UTF-8.
func CheckCustomerID(id string) error {
	if id == "" || len(id) > 256 || !utf8.ValidString(id) {
		return errf(http.StatusBadRequest, CodeInvalidField, "a customer id is 1 to 256 bytes of UTF-8")
	}
	return nil
}

// customerID reads the {id} of a customer route.
func (s *Server) customerID(c *gin.Context) (string, bool) {
	id := c.Param("id")
	if err := CheckCustomerID(id); err != nil {
		s.fail(c, err)
		return "", false
	}
	if s.d.Customers == nil {
		s.fail(c, errf(http.StatusServiceUnavailable, CodeUnavailable, "customer data is not configured"))
		return "", false
	}
	return id, true
}

// exportCustomer returns everything stored about a customer of the key's
// tenant.
func (s *Server) exportCustomer(c *gin.Context) {
	id, ok := s.customerID(c)
	if !ok {
		return
	}
	d, err := s.d.Customers.Export(c.Request.Context(), keyOf(c).Tenant, id)
	if err != nil {
		s.fail(c, err)
		return
	}
	s.audit(c, state.AuditCustomerExport, state.CustomerRef(id), "")
	c.JSON(http.StatusOK, NewCustomerExport(id, d))
}

// eraseCustomer erases a customer of the key's tenant.
func (s *Server) eraseCustomer(c *gin.Context) {
	id, ok := s.customerID(c)
	if !ok {
		return
	}
	e, err := s.d.Customers.Erase(c.Request.Context(), keyOf(c).Tenant, id)
	if err != nil {
		s.fail(c, err)
		return
	}
	s.audit(c, state.AuditCustomerErase, state.CustomerRef(id), "")
	c.JSON(http.StatusOK, NewErasure(e))
}
