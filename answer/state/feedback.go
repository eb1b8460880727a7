package state

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/answerdesk/answerdesk/answer"
	"github.com/answerdesk/answerdesk/ingest/redact"
)

// FeedbackStore keeps customers' feedback on logged answers.
type FeedbackStore struct {
	db      *DB
	answers *ConversationStore
}

// NewFeedbackStore returns the feedback store of db; feedback must refer
// to an answer of answers' log.
func NewFeedbackStore(db *DB, answers *ConversationStore) *FeedbackStore {
	return &FeedbackStore{db: db, answers: answers}
}

const feedbackSchemaV1 = `
CREATE TABLE IF NOT EXISTS feedback (
	id INTEGER PRIMARY KEY AUTOINCREMENT,
	tenant TEXT NOT NULL,
	answer_id TEXT NOT NULL,
	thumbs INTEGER NOT NULL,
	rating INTEGER NOT NULL,
	comment TEXT NOT NULL,
	created INTEGER NOT NULL
);
`

// AddFeedback records feedback (comment redacted) on an answer of the
// same tenant. A correction (the right answer, from an agent) also makes
// the answer's question an FAQ candidate, in the same transaction.
func (s *FeedbackStore) AddFeedback(ctx context.Context, f Feedback) (Feedback, error) {
	switch {
	case f.Thumbs < -1 || f.Thumbs > 1:
		return f, fmt.Errorf("feedback: %w: thumbs must be -1, 0 or 1", ErrInvalid)
	case f.Rating < 0 || f.Rating > 5:
		return f, fmt.Errorf("feedback: %w: rating must be 1..5", ErrInvalid)
	case f.Thumbs == 0 && f.Rating == 0 && strings.TrimSpace(f.Comment) == "" && strings.TrimSpace(f.Correction) == "":
		return f, fmt.Errorf("feedback: %w: give thumbs, a rating, a comment or a correction", ErrInvalid)
	}
	a, err := s.answers.Answer(ctx, f.Tenant, f.AnswerID)
	if err != nil {
		return f, fmt.Errorf("feedback: %w", err)
	}
	f.Created = s.db.now().UTC()
	err = s.db.inTx(ctx, func(tx sqlTx) error {
		err := tx.QueryRowContext(ctx, `INSERT INTO feedback(tenant, answer_id, thumbs, rating, comment, correction, created) VALUES (?,?,?,?,?,?,?)
			RETURNING id`, f.Tenant, f.AnswerID, f.Thumbs, f.Rating, redact.Text(f.Comment), f.Correction, ts(f.Created)).Scan(&f.ID)
		if err != nil {
			return err
		}
		if strings.TrimSpace(f.Correction) != "" && strings.TrimSpace(a.Question) != "" {
			if _, err := addCandidate(ctx, tx, correctionCandidate(f, a), f.Created); err != nil {
				return err
			}
		}
		if err := tx.lockRollups(ctx); err != nil {
			return err
		}
		return rollFeedback(txExec{ctx, tx}, f, a, s.db.deflection)
	})
	if err != nil {
		return f, fmt.Errorf("feedback: %w", err)
	}
	return f, nil
}

// RateLastAnswer records thumbs (+1 or -1) on the last answered question of
// a conversation: the customer's "that helped" or "that did not help"
// typed in the chat. ErrNotFound when the conversation has no answer.
func (s *FeedbackStore) RateLastAnswer(ctx context.Context, tenant, conversationID string, thumbs int) error {
	if err := s.db.flush(ctx); err != nil {
		return fmt.Errorf("rate last answer: %w", err)
	}
	var id string
	err := s.db.db.QueryRowContext(ctx, `SELECT id FROM answers WHERE tenant=? AND conversation_id=? AND decision=?
		ORDER BY created DESC LIMIT 1`, tenant, conversationID, string(answer.Answered)).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("rate last answer of %q: %w", conversationID, ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("rate last answer of %q: %w", conversationID, err)
	}
	_, err = s.AddFeedback(ctx, Feedback{Tenant: tenant, AnswerID: id, Thumbs: thumbs})
	return err
}

// PruneFeedback deletes feedback given before before. What it counted in
// the analytics rollups stays counted, and FAQ candidates made from its
// corrections stay. Feedback has no index by time: its ids grow with it,
// so each batch finds the oldest rows first, and the last one scans the
// table once.
func (s *FeedbackStore) PruneFeedback(ctx context.Context, before time.Time) (int, error) {
	rowid := s.db.b.rowid()
	n, err := s.db.deleteBatches(ctx, `DELETE FROM feedback WHERE `+rowid+` IN (SELECT `+rowid+` FROM feedback WHERE created<? LIMIT ?)`, ts(before))
	if err != nil {
		return n, fmt.Errorf("prune feedback: %w", err)
	}
	return n, nil
}
