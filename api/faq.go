package api

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/answerdesk/answerdesk/answer"
	"github.com/answerdesk/answerdesk/answer/state"
	"github.com/answerdesk/answerdesk/ingest"
	"github.com/answerdesk/answerdesk/retrieval"
	"github.com/gin-gonic/gin"
)

// FAQCandidates keeps the FAQ candidates made from corrections and solved
// tickets (state.FAQStore implements it).
type FAQCandidates interface {
	Candidates(ctx context.Context, f state.CandidateFilter) ([]state.FAQCandidate, error)
	Candidate(ctx context.Context, tenant string, id int64) (state.FAQCandidate, error)
	Decide(ctx context.Context, tenant string, id int64, status, actor, documentID string) (state.FAQCandidate, error)
}

// TicketCandidates makes solved tickets FAQ candidates (state.FAQStore
// implements it).
type TicketCandidates interface {
	AddTicketCandidate(ctx context.Context, t answer.Ticket) (bool, error)
}

// TicketReplies appends agents' messages to tickets (state.TicketStore
// implements it).
type TicketReplies interface {
	AppendToTicket(ctx context.Context, tenant, id string, msgs ...answer.Message) error
}

// FeedbackReader reads feedback back (state.FeedbackStore implements it).
type FeedbackReader interface {
	Feedback(ctx context.Context, f state.FeedbackFilter) ([]state.Feedback, error)
}

// SourceIngester ingests one source synchronously (ingest.Pipeline
// implements it): approved FAQ candidates go through it.
type SourceIngester interface {
	IngestSource(ctx context.Context, src ingest.Source, o ingest.Options) (ingest.Summary, error)
}

var (
	_ FAQCandidates    = (*state.FAQStore)(nil)
	_ TicketCandidates = (*state.FAQStore)(nil)
	_ FeedbackReader   = (*state.FeedbackStore)(nil)
	_ SourceIngester   = (*ingest.Pipeline)(nil)
)

// maxCorrection bounds a feedback correction, in characters.
const maxCorrection = 8000

// faqSource is the FAQ source of an approved candidate: one JSON entry
// whose document id, "faq-candidates/<id>#c<id>", is stable, so that
// approving again re-ingests it as unchanged.
func faqSource(c state.FAQCandidate) (ingest.Source, string, error) {
	b, err := json.Marshal([]map[string]string{{"id": "c" + strconv.FormatInt(c.ID, 10), "question": c.Question, "answer": c.Answer, "lang": c.Lang}})
	if err != nil {
		return ingest.Source{}, "", err
	}
	id := "faq-candidates/" + strconv.FormatInt(c.ID, 10)
	src := ingest.Source{Path: id + ".json", ID: id, Kind: retrieval.KindFAQ, Lang: c.Lang, Size: int64(len(b)),
		Open: func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil }}
	return src, id + "#c" + strconv.FormatInt(c.ID, 10), nil
}

func candidateID(c *gin.Context) (int64, error) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, errf(http.StatusNotFound, CodeNotFound, "no such FAQ candidate")
	}
	return id, nil
}

func (s *Server) faqReady(c *gin.Context) bool {
	if s.d.FAQ == nil {
		s.fail(c, errf(http.StatusServiceUnavailable, CodeUnavailable, "FAQ candidates are not configured"))
		return false
	}
	return true
}

// listCandidates lists the key's tenant's FAQ candidates, newest first.
func (s *Server) listCandidates(c *gin.Context) {
	if !s.faqReady(c) {
		return
	}
	limit, err := queryLimit(c, state.DefaultLimit, 500)
	if err != nil {
		s.fail(c, err)
		return
	}
	status := c.Query("status")
	if status != "" && !state.ValidCandidateStatus(status) {
		s.fail(c, errf(http.StatusBadRequest, CodeInvalidField, "status must be pending, approved or rejected"))
		return
	}
	before, err := queryBefore(c, "a candidate")
	if err != nil {
		s.fail(c, err)
		return
	}
	cs, err := s.d.FAQ.Candidates(c.Request.Context(), state.CandidateFilter{Tenant: keyOf(c).Tenant, Status: status, Before: before, Limit: limit})
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, NewFAQCandidateList(cs, limit))
}

// ApproveCandidate ingests tenant's candidate id as an FAQ entry of the
// tenant through ing, then marks it approved by actor; it returns the
// candidate and the ingest outcome ("added", "updated" or "unchanged").
// The entry's id is stable: approving again re-ingests it unchanged. A
// rejected candidate is a conflict. (POST /v1/faq-candidates/{id}/approve
// and `answerdesk faq approve`.)
func ApproveCandidate(ctx context.Context, faq FAQCandidates, ing SourceIngester, tenant string, id int64, actor string) (state.FAQCandidate, string, error) {
	cand, err := faq.Candidate(ctx, tenant, id)
	if err != nil {
		return cand, "", err
	}
	if cand.Status == state.CandidateRejected {
		return cand, "", errf(http.StatusConflict, CodeConflict, "the candidate was rejected")
	}
	src, docID, err := faqSource(cand)
	if err != nil {
		return cand, "", err
	}
	sum, err := ing.IngestSource(ctx, src, ingest.Options{Tenant: tenant, Kind: retrieval.KindFAQ, Lang: cand.Lang})
	if err == nil && len(sum.Failed) > 0 {
		err = sum.Failed[0].Err
	}
	if err != nil {
		return cand, "", fmt.Errorf("ingest FAQ candidate %d: %w", id, err)
	}
	if cand, err = faq.Decide(ctx, tenant, id, state.CandidateApproved, actor, docID); err != nil {
		return cand, "", err
	}
	result := "unchanged"
	switch {
	case sum.Added > 0:
		result = "added"
	case sum.Updated > 0:
		result = "updated"
	}
	return cand, result, nil
}

// approveCandidate ingests a candidate as an FAQ entry of the tenant, then
// marks it approved. The entry's id is stable: approving again re-ingests
// it, which the pipeline reports as unchanged.
func (s *Server) approveCandidate(c *gin.Context) {
	if !s.faqReady(c) {
		return
	}
	if s.d.FAQIngest == nil {
		s.fail(c, errf(http.StatusServiceUnavailable, CodeUnavailable, "ingestion is not configured"))
		return
	}
	id, err := candidateID(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	k := keyOf(c)
	cand, result, err := ApproveCandidate(c.Request.Context(), s.d.FAQ, s.d.FAQIngest, k.Tenant, id, state.ActorKey(k.ID))
	if err != nil {
		s.fail(c, err)
		return
	}
	docID := cand.DocumentID
	s.audit(c, state.AuditFAQApprove, strconv.FormatInt(id, 10), result+" "+docID)
	c.JSON(http.StatusOK, FAQDecision{Candidate: NewFAQCandidate(cand), Ingest: result})
}

// rejectCandidate marks a pending candidate rejected.
func (s *Server) rejectCandidate(c *gin.Context) {
	if !s.faqReady(c) {
		return
	}
	id, err := candidateID(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	k := keyOf(c)
	cand, err := s.d.FAQ.Decide(c.Request.Context(), k.Tenant, id, state.CandidateRejected, state.ActorKey(k.ID), "")
	if err != nil {
		s.fail(c, err)
		return
	}
	s.audit(c, state.AuditFAQReject, strconv.FormatInt(id, 10), "")
	c.JSON(http.StatusOK, FAQDecision{Candidate: NewFAQCandidate(cand)})
}

// listFeedback reads the key's tenant's feedback back, newest first.
func (s *Server) listFeedback(c *gin.Context) {
	if s.d.FeedbackLog == nil {
		s.fail(c, errf(http.StatusServiceUnavailable, CodeUnavailable, "reading feedback is not configured"))
		return
	}
	limit, err := queryLimit(c, state.DefaultLimit, 500)
	if err != nil {
		s.fail(c, err)
		return
	}
	before, err := queryBefore(c, "a feedback")
	if err != nil {
		s.fail(c, err)
		return
	}
	f, err := FeedbackFilter(keyOf(c).Tenant, c.Query("answer_id"), c.Query("thumbs"), c.Query("from"), c.Query("to"), before, limit)
	if err != nil {
		s.fail(c, err)
		return
	}
	fs, err := s.d.FeedbackLog.Feedback(c.Request.Context(), f)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, NewFeedbackList(fs, limit))
}

// FAQCandidate is a question and its right answer waiting for approval.
type FAQCandidate struct {
	ID         int64      `json:"id"`
	Source     string     `json:"source"`    // "correction" or "ticket"
	SourceID   string     `json:"source_id"` // the feedback or ticket id
	Question   string     `json:"question"`
	Answer     string     `json:"answer"`
	Lang       string     `json:"lang,omitempty"`
	Status     string     `json:"status"`
	Created    time.Time  `json:"created"`
	Decided    *time.Time `json:"decided,omitempty"`
	DecidedBy  string     `json:"decided_by,omitempty"`
	DocumentID string     `json:"document_id,omitempty"`
}

// NewFAQCandidate converts a candidate to its wire form.
func NewFAQCandidate(c state.FAQCandidate) FAQCandidate {
	out := FAQCandidate{ID: c.ID, Source: c.Source, SourceID: c.SourceID, Question: c.Question, Answer: c.Answer, Lang: c.Lang,
		Status: c.Status, Created: c.Created, DecidedBy: c.DecidedBy, DocumentID: c.DocumentID}
	if !c.Decided.IsZero() {
		d := c.Decided
		out.Decided = &d
	}
	return out
}

// FAQCandidateList is a page of candidates; Next, when set, is the before
// of the next page.
type FAQCandidateList struct {
	Candidates []FAQCandidate `json:"candidates"`
	Next       int64          `json:"next,omitempty"`
}

// NewFAQCandidateList converts a page of candidates read with limit: a
// full page has a next one (none when limit is 0).
func NewFAQCandidateList(cs []state.FAQCandidate, limit int) FAQCandidateList {
	out := FAQCandidateList{Candidates: []FAQCandidate{}}
	for _, x := range cs {
		out.Candidates = append(out.Candidates, NewFAQCandidate(x))
	}
	if limit > 0 && len(cs) == limit {
		out.Next = cs[len(cs)-1].ID
	}
	return out
}

// FAQDecision is the outcome of approving or rejecting a candidate:
// Ingest is "added", "updated" or "unchanged" for an approval.
type FAQDecision struct {
	Candidate FAQCandidate `json:"candidate"`
	Ingest    string       `json:"ingest,omitempty"`
}

// FeedbackFilter checks the filters of a feedback listing given as text
// (GET /v1/feedback and `answerdesk feedback list`): answerID an answer id
// or "", thumbs "up", "down" or "", from and to times or dates or "".
func FeedbackFilter(tenant, answerID, thumbs, from, to string, before int64, limit int) (state.FeedbackFilter, error) {
	f := state.FeedbackFilter{Tenant: tenant, AnswerID: answerID, Before: before, Limit: limit}
	if answerID != "" && !validID(answerID) {
		return f, errf(http.StatusBadRequest, CodeInvalidField, "answer_id is not an answer id")
	}
	var err error
	if f.Thumbs, err = thumbsValue(thumbs); err != nil {
		return f, err
	}
	if f.From, err = ParseTime(from); err != nil {
		return f, err
	}
	if f.To, err = ParseTime(to); err != nil {
		return f, err
	}
	return f, nil
}

// thumbsValue reads thumbs: "up" is 1, "down" -1, "" 0.
func thumbsValue(s string) (int, error) {
	switch s {
	case "":
		return 0, nil
	case "up":
		return 1, nil
	case "down":
		return -1, nil
	}
	return 0, errf(http.StatusBadRequest, CodeInvalidField, `thumbs must be "up" or "down"`)
}

// NewFeedbackList converts a page of feedback read with limit to its wire
// form: a full page names the next one.
func NewFeedbackList(fs []state.Feedback, limit int) FeedbackList {
	out := FeedbackList{Feedback: []FeedbackEntry{}}
	for _, x := range fs {
		e := FeedbackEntry{ID: x.ID, AnswerID: x.AnswerID, Rating: x.Rating, Comment: x.Comment, Correction: x.Correction, Created: x.Created}
		switch x.Thumbs {
		case 1:
			e.Thumbs = "up"
		case -1:
			e.Thumbs = "down"
		}
		out.Feedback = append(out.Feedback, e)
	}
	if len(fs) == limit {
		out.Next = fs[len(fs)-1].ID
	}
	return out
}

// FeedbackEntry is recorded feedback.
type FeedbackEntry struct {
	ID         int64     `json:"id"`
	AnswerID   string    `json:"answer_id"`
	Thumbs     string    `json:"thumbs,omitempty"`
	Rating     int       `json:"rating,omitempty"`
	Comment    string    `json:"comment,omitempty"`
	Correction string    `json:"correction,omitempty"`
	Created    time.Time `json:"created"`
}

// FeedbackList is a page of feedback; Next, when set, is the before of
// the next page.
type FeedbackList struct {
	Feedback []FeedbackEntry `json:"feedback"`
	Next     int64           `json:"next,omitempty"`
}
