package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/mail"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/answerdesk/answerdesk/answer"
	"github.com/answerdesk/answerdesk/answer/state"
	"github.com/gin-gonic/gin"
)

const (
	maxIDLen       = 128
	maxLangLen     = 16
	maxCustomer    = 20
	maxCustomerKey = 64
	maxCustomerVal = 512
	// maxCustomerName bounds customer.name, in characters.
	maxCustomerName = 200
)

// validID accepts the ids the API hands out and client-chosen conversation
// ids: 1..128 of letters, digits, '-', '_', '.', ':'.
func validID(s string) bool {
	if s == "" || len(s) > maxIDLen {
		return false
	}
	for _, r := range s {
		if !(r < utf8.RuneSelf && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_.:", r))) {
			return false
		}
	}
	return true
}

func (s *Server) validateAnswer(r *AnswerRequest) error {
	// The question itself is the engine's to check (answer.Config.CheckQuestion).
	switch {
	case r.ConversationID != "" && !validID(r.ConversationID):
		return errf(http.StatusBadRequest, CodeInvalidField, "conversation_id must be 1-%d letters, digits, '-', '_', '.' or ':'", maxIDLen)
	case len(r.Lang) > maxLangLen || strings.IndexFunc(r.Lang, func(r rune) bool { return !(unicode.IsLetter(r) || r == '-') || r >= utf8.RuneSelf }) >= 0:
		return errf(http.StatusBadRequest, CodeInvalidField, "lang must be a language tag such as en, ru or zh")
	}
	return validateCustomer(r.Customer)
}

// validateCustomer checks the customer contact: it reaches the helpdesk
// unredacted, so it must be what it says (an e-mail address is one) and
// plain single-line text, bounded.
func validateCustomer(c map[string]string) error {
	if len(c) > maxCustomer {
		return errf(http.StatusBadRequest, CodeInvalidField, "customer holds more than %d fields", maxCustomer)
	}
	for k, v := range c {
		if k == "" || len(k) > maxCustomerKey || strings.IndexFunc(k, func(r rune) bool {
			return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_')
		}) >= 0 {
			return errf(http.StatusBadRequest, CodeInvalidField, "customer keys must be 1-%d of a-z, 0-9 and '_'", maxCustomerKey)
		}
		if len(v) > maxCustomerVal || !utf8.ValidString(v) || strings.IndexFunc(v, unicode.IsControl) >= 0 {
			return errf(http.StatusBadRequest, CodeInvalidField, "customer.%s must be valid UTF-8 of at most %d bytes without control characters", k, maxCustomerVal)
		}
	}
	if id, ok := c["id"]; ok && (strings.TrimSpace(id) == "" || len(id) > maxIDLen) {
		return errf(http.StatusBadRequest, CodeInvalidField, "customer.id must be 1-%d bytes", maxIDLen)
	}
	if e, ok := c["email"]; ok {
		if a, err := mail.ParseAddress(e); err != nil || a.Address != e || a.Name != "" {
			return errf(http.StatusBadRequest, CodeInvalidField, "customer.email must be a bare e-mail address such as jane@example.com")
		}
	}
	if n, ok := c["name"]; ok && (strings.TrimSpace(n) == "" || utf8.RuneCountInString(n) > maxCustomerName) {
		return errf(http.StatusBadRequest, CodeInvalidField, "customer.name must be 1-%d characters", maxCustomerName)
	}
	return nil
}

func wantsStream(c *gin.Context, r AnswerRequest) bool {
	if r.Stream {
		return true
	}
	for _, a := range strings.Split(c.GetHeader("Accept"), ",") {
		mt, _, _ := strings.Cut(strings.TrimSpace(a), ";")
		if strings.EqualFold(strings.TrimSpace(mt), "text/event-stream") {
			return true
		}
	}
	return false
}

// postAnswer answers a question, as JSON or as server-sent events.
func (s *Server) postAnswer(c *gin.Context) {
	var req AnswerRequest
	if err := s.bindJSON(c, &req); err != nil {
		s.fail(c, err)
		return
	}
	if err := s.validateAnswer(&req); err != nil {
		s.fail(c, err)
		return
	}
	key := keyOf(c)
	areq := answer.Request{Tenant: key.Tenant, Question: req.Question, ConversationID: req.ConversationID,
		Lang: strings.ToLower(req.Lang), Customer: req.Customer, Channel: "api"}
	ctx, cancel := context.WithTimeout(c.Request.Context(), s.lim.AnswerTimeout)
	defer cancel()
	if wantsStream(c, req) {
		s.streamAnswer(ctx, c, areq)
		return
	}
	a, err := s.d.Engine.Answer(ctx, areq)
	if err != nil {
		s.fail(c, s.answerErr(c, err))
		return
	}
	s.logAnswer(ctx, c, key.Tenant, a)
	if c.Request.Context().Err() != nil {
		s.log.Info("client left before the answer; it is recorded", "request_id", requestID(c), "answer", a.ID, "ticket", a.TicketID)
	}
	r := NewAnswerResponse(a)
	writeAnswer(c, &r)
}

// statusClientClosed is the status recorded (nobody reads it) when the
// client closed the connection before the answer: nginx's 499.
const statusClientClosed = 499

// answerErr separates a client that went away from an engine failure. A
// client that left is not a server error: it is logged as such, and the
// engine has already written the ticket of an escalation it had decided.
func (s *Server) answerErr(c *gin.Context, err error) error {
	if errors.Is(err, context.Canceled) && c.Request.Context().Err() != nil {
		s.log.Info("client left before the answer", "request_id", requestID(c), "route", c.FullPath())
		return errf(statusClientClosed, CodeClientClosed, "the client closed the connection")
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return errf(http.StatusGatewayTimeout, CodeTimeout, "the answer took too long")
	}
	return err
}

// logAnswer records the answer so that feedback can refer to it. A failure
// is logged, not returned: the customer still gets the answer.
func (s *Server) logAnswer(ctx context.Context, c *gin.Context, tenant string, a answer.Answer) {
	s.metrics.answered(a)
	if a.Decision == answer.Replied {
		return // small talk: not a question for the log, the analytics or feedback
	}
	if err := s.d.Answers.LogAnswer(context.WithoutCancel(ctx), tenant, a); err != nil {
		s.log.Error("log answer", "request_id", requestID(c), "answer", a.ID, "err", err)
	}
}

// streamAnswer writes the answer as server-sent events: "status" events as
// stages start, "delta" events with the answer text, then one "final" event
// with the whole AnswerResponse (or an "error" event).
func (s *Server) streamAnswer(ctx context.Context, c *gin.Context, req answer.Request) {
	w := c.Writer
	h := w.Header()
	h.Set("Content-Type", "text/event-stream; charset=utf-8")
	h.Set("Cache-Control", "no-cache")
	h.Set("Connection", "keep-alive")
	h.Set("X-Accel-Buffering", "no")
	rc := http.NewResponseController(w)
	// The stream manages its own write deadline: the server's WriteTimeout
	// is for ordinary requests.
	_ = rc.SetWriteDeadline(time.Now().Add(s.lim.AnswerTimeout + 5*time.Second))
	// The status goes out with the first event: a request the engine
	// refuses before it starts (an invalid question) gets a plain JSON
	// error like a non-streamed one; any other failure is an error event.
	started := false
	send := func(event string, v any) {
		if !started {
			started = true
			w.WriteHeader(http.StatusOK)
		}
		b, err := json.Marshal(v)
		if err != nil {
			return
		}
		fmt.Fprintf(w, "event: %s\ndata: %s\n\n", event, b)
		_ = rc.Flush()
	}
	a, err := s.d.Engine.Stream(ctx, req, func(ev answer.Event) {
		switch ev.Type {
		case answer.EventStatus:
			send("status", StreamStatus{Stage: ev.Stage})
		case answer.EventDelta:
			send("delta", StreamDelta{Text: ev.Delta})
		}
	})
	if err != nil && !started && errors.Is(err, answer.ErrInvalidRequest) {
		for _, k := range []string{"Content-Type", "Cache-Control", "Connection", "X-Accel-Buffering"} {
			h.Del(k)
		}
		s.fail(c, s.answerErr(c, err))
		return
	}
	if err != nil {
		status, code, msg := classify(s.answerErr(c, err))
		if status >= 500 {
			s.log.Error("stream failed", "request_id", requestID(c), "status", status, "err", err)
		}
		send("error", ErrorResponse{Error: ErrorBody{Code: code, Message: msg, RequestID: requestID(c)}})
		return
	}
	s.logAnswer(ctx, c, req.Tenant, a)
	send("final", NewAnswerResponse(a))
}

// postFeedback records thumbs, a rating or a comment on an answer of the
// key's tenant.
func (s *Server) postFeedback(c *gin.Context) {
	var req FeedbackRequest
	if err := s.bindJSON(c, &req); err != nil {
		s.fail(c, err)
		return
	}
	f := state.Feedback{Tenant: keyOf(c).Tenant, AnswerID: req.AnswerID, Rating: req.Rating, Comment: req.Comment, Correction: req.Correction}
	var err error
	if f.Thumbs, err = thumbsValue(req.Thumbs); err != nil {
		s.fail(c, err)
		return
	}
	switch {
	case !validID(req.AnswerID):
		s.fail(c, errf(http.StatusBadRequest, CodeInvalidField, "answer_id is required"))
		return
	case req.Rating < 0 || req.Rating > 5:
		s.fail(c, errf(http.StatusBadRequest, CodeInvalidField, "rating must be 1 to 5"))
		return
	case utf8.RuneCountInString(req.Comment) > s.lim.MaxComment:
		s.fail(c, errf(http.StatusBadRequest, CodeInvalidField, "comment longer than %d characters", s.lim.MaxComment))
		return
	case req.Correction != "" && keyOf(c).Publishable():
		s.fail(c, errf(http.StatusForbidden, CodeForbidden, "a correction needs a secret key: it comes from an agent, not the widget"))
		return
	case req.Correction != "" && (strings.TrimSpace(req.Correction) == "" || !utf8.ValidString(req.Correction) || utf8.RuneCountInString(req.Correction) > maxCorrection):
		s.fail(c, errf(http.StatusBadRequest, CodeInvalidField, "correction must be 1-%d characters of valid UTF-8 with visible text", maxCorrection))
		return
	case f.Thumbs == 0 && f.Rating == 0 && strings.TrimSpace(f.Comment) == "" && f.Correction == "":
		s.fail(c, errf(http.StatusBadRequest, CodeInvalidField, "give thumbs, a rating, a comment or a correction"))
		return
	}
	got, err := s.d.Feedback.AddFeedback(c.Request.Context(), f)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, FeedbackResponse{ID: got.ID, AnswerID: got.AnswerID, Created: got.Created})
}
