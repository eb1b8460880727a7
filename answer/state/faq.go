package state

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/answerdesk/answerdesk/answer"
	"github.com/answerdesk/answerdesk/ingest/redact"
)

// FAQ candidates are questions with a known right answer, waiting for an
// administrator: an agent's correction of an answer (POST /v1/feedback
// with a correction) or a solved ticket with an agent's reply. An
// approved candidate is ingested as an FAQ entry of its tenant.
type FAQStore struct{ db *DB }

// NewFAQStore returns the FAQ candidates of db.
func NewFAQStore(db *DB) *FAQStore { return &FAQStore{db: db} }

const faqSchemaV10 = `
ALTER TABLE feedback ADD COLUMN correction TEXT NOT NULL DEFAULT '';
CREATE INDEX IF NOT EXISTS feedback_by_tenant ON feedback(tenant, created);
CREATE TABLE IF NOT EXISTS faq_candidates (
	id INTEGER PRIMARY KEY AUTOINCREMENT,
	tenant TEXT NOT NULL,
	source TEXT NOT NULL,
	source_id TEXT NOT NULL,
	question TEXT NOT NULL,
	answer TEXT NOT NULL,
	lang TEXT NOT NULL,
	status TEXT NOT NULL,
	created INTEGER NOT NULL,
	decided INTEGER NOT NULL DEFAULT 0,
	decided_by TEXT NOT NULL DEFAULT '',
	document_id TEXT NOT NULL DEFAULT '',
	UNIQUE (tenant, source, source_id)
);
CREATE INDEX IF NOT EXISTS faq_candidates_by_status ON faq_candidates(tenant, status, id);
`

// Candidate sources and statuses.
const (
	SourceCorrection = "correction" // SourceID: the feedback id
	SourceTicket     = "ticket"     // SourceID: the ticket id

	CandidatePending  = "pending"
	CandidateApproved = "approved"
	CandidateRejected = "rejected"
)

// ValidCandidateStatus reports whether s is a candidate status.
func ValidCandidateStatus(s string) bool {
	return s == CandidatePending || s == CandidateApproved || s == CandidateRejected
}

// ErrConflict is a change that the current state of a record refuses
// (approving a rejected candidate).
var ErrConflict = errors.New("conflict")

// FAQCandidate is a question and its right answer, waiting for approval.
type FAQCandidate struct {
	ID         int64
	Tenant     string
	Source     string
	SourceID   string
	Question   string
	Answer     string
	Lang       string
	Status     string
	Created    time.Time
	Decided    time.Time // zero while pending
	DecidedBy  string    // the actor (ActorKey or ActorCLI)
	DocumentID string    // the FAQ entry of an approved candidate
}

const candidateColumns = `id, tenant, source, source_id, question, answer, lang, status, created, decided, decided_by, document_id`

func scanCandidate(sc interface{ Scan(...any) error }) (FAQCandidate, error) {
	var c FAQCandidate
	var created, decided int64
	err := sc.Scan(&c.ID, &c.Tenant, &c.Source, &c.SourceID, &c.Question, &c.Answer, &c.Lang, &c.Status, &created, &decided, &c.DecidedBy, &c.DocumentID)
	c.Created, c.Decided = fromTS(created), fromTS(decided)
	return c, err
}

// addCandidate inserts a pending candidate unless its source already has
// one; it reports whether it inserted.
func addCandidate(ctx context.Context, x interface {
	ExecContext(context.Context, string, ...any) (sql.Result, error)
}, c FAQCandidate, now time.Time) (bool, error) {
	res, err := x.ExecContext(ctx, `INSERT INTO faq_candidates(tenant, source, source_id, question, answer, lang, status, created)
		VALUES (?,?,?,?,?,?,?,?) ON CONFLICT(tenant, source, source_id) DO NOTHING`,
		c.Tenant, c.Source, c.SourceID, c.Question, c.Answer, c.Lang, CandidatePending, ts(now))
	if err != nil {
		return false, fmt.Errorf("faq candidate: %w", err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// AddTicketCandidate makes a solved ticket with an agent's reply a
// candidate: its subject (or the customer's first message) as the
// question and the agent's last reply as the answer, both redacted. A
// ticket that is not solved, has no agent reply or no question, or is
// already a candidate adds nothing (false).
func (s *FAQStore) AddTicketCandidate(ctx context.Context, t answer.Ticket) (bool, error) {
	if t.Status != StatusSolved {
		return false, nil
	}
	var q, a string
	for _, m := range t.Transcript {
		switch {
		case m.Role == answer.RoleAgent && strings.TrimSpace(m.Text) != "":
			a = m.Text
		case m.Role == answer.RoleCustomer && q == "" && strings.TrimSpace(m.Text) != "":
			q = m.Text
		}
	}
	if strings.TrimSpace(t.Subject) != "" {
		q = t.Subject
	}
	if strings.TrimSpace(q) == "" || strings.TrimSpace(a) == "" {
		return false, nil
	}
	c := FAQCandidate{Tenant: t.Tenant, Source: SourceTicket, SourceID: t.ID, Question: redact.Text(strings.TrimSpace(q)),
		Answer: redact.Text(strings.TrimSpace(a)), Lang: t.Lang}
	return addCandidate(ctx, s.db.db, c, s.db.now().UTC())
}

// Candidate returns one candidate of tenant.
func (s *FAQStore) Candidate(ctx context.Context, tenant string, id int64) (FAQCandidate, error) {
	c, err := scanCandidate(s.db.db.QueryRowContext(ctx, `SELECT `+candidateColumns+` FROM faq_candidates WHERE tenant=? AND id=?`, tenant, id))
	if errors.Is(err, sql.ErrNoRows) {
		return c, fmt.Errorf("faq candidate %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return c, fmt.Errorf("faq candidate %d: %w", id, err)
	}
	return c, nil
}

// CandidateFilter selects candidates of a tenant, newest first.
type CandidateFilter struct {
	Tenant string // required
	Status string // optional
	Before int64  // pagination: candidates with a smaller id
	Limit  int    // 0 = DefaultLimit
}

// Candidates lists a tenant's candidates, newest first.
func (s *FAQStore) Candidates(ctx context.Context, f CandidateFilter) ([]FAQCandidate, error) {
	switch {
	case f.Tenant == "":
		return nil, fmt.Errorf("faq candidates: %w: empty tenant", ErrInvalid)
	case f.Status != "" && !ValidCandidateStatus(f.Status):
		return nil, fmt.Errorf("faq candidates: %w: status %q", ErrInvalid, f.Status)
	}
	if f.Limit <= 0 {
		f.Limit = DefaultLimit
	}
	before := int64(math.MaxInt64)
	if f.Before > 0 {
		before = f.Before
	}
	rows, err := s.db.db.QueryContext(ctx, `SELECT `+candidateColumns+` FROM faq_candidates
		WHERE tenant=? AND id<? AND (?='' OR status=?) ORDER BY id DESC LIMIT ?`, f.Tenant, before, f.Status, f.Status, f.Limit)
	if err != nil {
		return nil, fmt.Errorf("faq candidates: %w", err)
	}
	defer rows.Close()
	out := []FAQCandidate{}
	for rows.Next() {
		c, err := scanCandidate(rows)
		if err != nil {
			return nil, fmt.Errorf("faq candidates: %w", err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("faq candidates: %w", err)
	}
	return out, nil
}

// Decide approves (with the ingested FAQ entry's document id) or rejects
// a candidate. Deciding again the same way keeps the first decision;
// approving a rejected candidate or rejecting an approved one is
// ErrConflict.
func (s *FAQStore) Decide(ctx context.Context, tenant string, id int64, status, actor, documentID string) (FAQCandidate, error) {
	if status != CandidateApproved && status != CandidateRejected {
		return FAQCandidate{}, fmt.Errorf("faq candidate %d: %w: decide %q", id, ErrInvalid, status)
	}
	var out FAQCandidate
	err := s.db.inTx(ctx, func(tx sqlTx) error {
		c, err := scanCandidate(tx.QueryRowContext(ctx, `SELECT `+candidateColumns+` FROM faq_candidates WHERE tenant=? AND id=?`+
			tx.b.lockRows("faq_candidates", false), tenant, id))
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		switch c.Status {
		case status:
			out = c
			return nil
		case CandidateApproved, CandidateRejected:
			return fmt.Errorf("%w: the candidate is %s", ErrConflict, c.Status)
		}
		c.Status, c.Decided, c.DecidedBy, c.DocumentID = status, s.db.now().UTC(), actor, documentID
		if _, err := s.db.txExec(ctx, tx, `UPDATE faq_candidates SET status=?, decided=?, decided_by=?, document_id=? WHERE id=?`,
			c.Status, ts(c.Decided), c.DecidedBy, c.DocumentID, c.ID); err != nil {
			return err
		}
		out = c
		return nil
	})
	if err != nil {
		return out, fmt.Errorf("faq candidate %d: %w", id, err)
	}
	return out, nil
}

// FeedbackFilter selects feedback of a tenant, newest first.
type FeedbackFilter struct {
	Tenant   string // required
	AnswerID string // optional
	Thumbs   int    // +1 or -1 for thumbs up or down only; 0 any
	From, To time.Time
	Before   int64 // pagination: feedback with a smaller id
	Limit    int   // 0 = DefaultLimit
}

// Feedback lists a tenant's feedback, newest first.
func (s *FeedbackStore) Feedback(ctx context.Context, f FeedbackFilter) ([]Feedback, error) {
	if f.Tenant == "" {
		return nil, fmt.Errorf("list feedback: %w: empty tenant", ErrInvalid)
	}
	if f.Limit <= 0 {
		f.Limit = DefaultLimit
	}
	before := int64(math.MaxInt64)
	if f.Before > 0 {
		before = f.Before
	}
	to := int64(math.MaxInt64)
	if !f.To.IsZero() {
		to = ts(f.To)
	}
	rows, err := s.db.db.QueryContext(ctx, `SELECT id, answer_id, thumbs, rating, comment, correction, created FROM feedback
		WHERE tenant=? AND id<? AND (?='' OR answer_id=?) AND (?=0 OR thumbs=?) AND created>=? AND created<?
		ORDER BY id DESC LIMIT ?`, f.Tenant, before, f.AnswerID, f.AnswerID, f.Thumbs, f.Thumbs, ts(f.From), to, f.Limit)
	if err != nil {
		return nil, fmt.Errorf("list feedback: %w", err)
	}
	defer rows.Close()
	out := []Feedback{}
	for rows.Next() {
		fb := Feedback{Tenant: f.Tenant}
		var created int64
		if err := rows.Scan(&fb.ID, &fb.AnswerID, &fb.Thumbs, &fb.Rating, &fb.Comment, &fb.Correction, &created); err != nil {
			return nil, fmt.Errorf("list feedback: %w", err)
		}
		fb.Created = fromTS(created)
		out = append(out, fb)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list feedback: %w", err)
	}
	return out, nil
}

// correctionCandidate is the candidate of feedback f with a correction
// on answer a.
func correctionCandidate(f Feedback, a LoggedAnswer) FAQCandidate {
	return FAQCandidate{Tenant: f.Tenant, Source: SourceCorrection, SourceID: strconv.FormatInt(f.ID, 10),
		Question: a.Question, Answer: strings.TrimSpace(f.Correction), Lang: a.Lang}
}
