package state

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/answerdesk/answerdesk/answer"
)

// ConversationStore keeps the turns of conversations and the answer log
// that feedback refers to. Both are written by the database's group-commit
// writer, so that answering never waits on a write of its own; the reads
// flush it first. Personal data is redacted in what is stored.
type ConversationStore struct{ db *DB }

var _ answer.Conversations = (*ConversationStore)(nil)

// NewConversationStore returns the conversation store of db.
func NewConversationStore(db *DB) *ConversationStore { return &ConversationStore{db: db} }

const conversationsSchemaV1 = `
CREATE TABLE IF NOT EXISTS turns (
	tenant TEXT NOT NULL,
	conversation_id TEXT NOT NULL,
	seq INTEGER NOT NULL,
	role TEXT NOT NULL,
	text TEXT NOT NULL,
	at INTEGER NOT NULL,
	PRIMARY KEY (tenant, conversation_id, seq)
);
CREATE TABLE IF NOT EXISTS answers (
	id TEXT PRIMARY KEY,
	tenant TEXT NOT NULL,
	conversation_id TEXT NOT NULL,
	question TEXT NOT NULL,
	decision TEXT NOT NULL,
	reason TEXT NOT NULL,
	confidence REAL NOT NULL,
	ticket_id TEXT NOT NULL,
	created INTEGER NOT NULL
);
`

// conversationsRetentionV4 indexes turns and logged answers by time, for
// retention.
const conversationsRetentionV4 = `
CREATE INDEX IF NOT EXISTS turns_by_time ON turns(at);
CREATE INDEX IF NOT EXISTS answers_by_time ON answers(created);
`

// PruneTurns deletes conversation turns written before before: a
// follow-up after that long starts afresh.
func (s *ConversationStore) PruneTurns(ctx context.Context, before time.Time) (int, error) {
	if err := s.db.flush(ctx); err != nil {
		return 0, fmt.Errorf("prune turns: %w", err)
	}
	rowid := s.db.b.rowid()
	n, err := s.db.deleteBatches(ctx, `DELETE FROM turns WHERE `+rowid+` IN (SELECT `+rowid+` FROM turns WHERE at<? LIMIT ?)`, ts(before))
	if err != nil {
		return n, fmt.Errorf("prune turns: %w", err)
	}
	return n, nil
}

// PruneAnswers deletes answer-log entries created before before; feedback
// on them can no longer be given (what was given stays).
func (s *ConversationStore) PruneAnswers(ctx context.Context, before time.Time) (int, error) {
	if err := s.db.flush(ctx); err != nil {
		return 0, fmt.Errorf("prune answer log: %w", err)
	}
	// Tenant by tenant, through the (tenant, created) index: the log has
	// no index by time alone, which every logged answer would write to
	// for the sake of this pass.
	rows, err := s.db.db.QueryContext(ctx, `WITH RECURSIVE t(tenant) AS (
			SELECT MIN(tenant) FROM answers
			UNION ALL SELECT (SELECT MIN(tenant) FROM answers WHERE tenant>t.tenant) FROM t WHERE t.tenant IS NOT NULL)
		SELECT tenant FROM t WHERE tenant IS NOT NULL`)
	if err != nil {
		return 0, fmt.Errorf("prune answer log: %w", err)
	}
	tenants, err := scanStrings(rows)
	if err != nil {
		return 0, fmt.Errorf("prune answer log: %w", err)
	}
	rowid, total := s.db.b.rowid(), 0
	for _, tenant := range tenants {
		n, err := s.db.deleteBatches(ctx, `DELETE FROM answers WHERE `+rowid+` IN (SELECT `+rowid+` FROM answers WHERE tenant=? AND created<? LIMIT ?)`, tenant, ts(before))
		total += n
		if err != nil {
			return total, fmt.Errorf("prune answer log: %w", err)
		}
	}
	return total, nil
}

// answersByTimeV15 drops the answer log's index by time alone: retention
// prunes it tenant by tenant through (tenant, created) (PruneAnswers), and
// the index was one more entry and B-tree page in the commit of every
// logged answer.
const answersByTimeV15 = `DROP INDEX IF EXISTS answers_by_time;`

const answersSchemaV5 = `
ALTER TABLE answers ADD COLUMN lang TEXT NOT NULL DEFAULT '';
ALTER TABLE answers ADD COLUMN intent TEXT NOT NULL DEFAULT '';
CREATE INDEX IF NOT EXISTS answers_tenant_created ON answers(tenant, created);
`

// LogAnswer queues an answer (question redacted when written) for the
// answer log, so that feedback can refer to it.
func (s *ConversationStore) LogAnswer(ctx context.Context, tenant string, a answer.Answer) error {
	if a.ID == "" {
		return fmt.Errorf("log answer: %w: empty id", ErrInvalid)
	}
	if a.Created.IsZero() {
		a.Created = s.db.now()
	}
	// Only what the log keeps: the queue must not pin whole answers.
	id, conv, question, decision, reason, conf, ticket, created := a.ID, a.ConversationID, a.Question, a.Decision, a.Reason, a.Confidence, a.TicketID, ts(a.Created)
	redacted := a.QuestionRedacted // "" when the engine did not redact it
	ev := newAnswerEvent(tenant, a)
	customer := a.CustomerID
	err := s.db.later(ctx, func(b *batch) error {
		res, err := b.execResult(`INSERT INTO answers(id, tenant, conversation_id, question, decision, reason, confidence, ticket_id, lang, intent, queue, customer_id, created)
			VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT(id) DO NOTHING`,
			id, tenant, conv, b.redactOnce(question, redacted), decision, reason, conf, ticket, ev.lang, ev.intent, ev.queue, customer, created)
		if err != nil {
			return fmt.Errorf("answer log %s: %w", id, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil // logged before: counted before
		}
		if err := ev.roll(b); err != nil {
			return fmt.Errorf("answer log %s: %w", id, err)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("log answer %s: %w", a.ID, err)
	}
	return nil
}

// Append queues turns for a conversation, creating it when new. Turns
// are stored with personal data redacted, like tickets.
func (s *ConversationStore) Append(ctx context.Context, tenant, conversationID string, turns ...answer.Message) error {
	if tenant == "" || conversationID == "" {
		return fmt.Errorf("append turns: %w: empty tenant or conversation id", ErrInvalid)
	}
	msgs := make([]answer.Message, len(turns))
	for i, m := range turns {
		if m.At.IsZero() {
			m.At = s.db.now()
		}
		msgs[i] = m
	}
	err := s.db.later(ctx, func(b *batch) error {
		for _, m := range msgs {
			text := m.Text
			if m.Role != answer.RoleAssistant { // the assistant quotes the knowledge base, as tickets' citations do
				text = b.redactOnce(text, m.Redacted)
			}
			// The next seq is computed inside the insert; the queue keeps
			// the order of Append calls. A VALUES row with the seq as a
			// subquery, not INSERT … SELECT FROM turns: SQLite copies a
			// SELECT that reads the table it inserts into to a temporary
			// table first.
			if err := b.exec(`INSERT INTO turns(tenant, conversation_id, seq, role, text, at)
				VALUES (?, ?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM turns WHERE tenant=? AND conversation_id=?), ?, ?, ?)`,
				tenant, conversationID, tenant, conversationID, m.Role, text, ts(m.At)); err != nil {
				return fmt.Errorf("append turns %s: %w", conversationID, err)
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("append turns: %w", err)
	}
	return nil
}

// Turns returns a conversation's turns, oldest first.
func (s *ConversationStore) Turns(ctx context.Context, tenant, conversationID string) ([]answer.Message, error) {
	if err := s.db.flush(ctx); err != nil {
		return nil, fmt.Errorf("conversation %q: %w", conversationID, err)
	}
	rows, err := s.db.db.QueryContext(ctx, `SELECT role, text, at FROM turns WHERE tenant=? AND conversation_id=? ORDER BY seq`, tenant, conversationID)
	if err != nil {
		return nil, fmt.Errorf("conversation %q: %w", conversationID, err)
	}
	defer rows.Close()
	var out []answer.Message
	for rows.Next() {
		var m answer.Message
		var at int64
		if err := rows.Scan(&m.Role, &m.Text, &at); err != nil {
			return nil, fmt.Errorf("conversation %q: %w", conversationID, err)
		}
		m.At = fromTS(at)
		out = append(out, m)
	}
	return out, rows.Err()
}

// Answer returns a logged answer of tenant.
func (s *ConversationStore) Answer(ctx context.Context, tenant, id string) (LoggedAnswer, error) {
	a := LoggedAnswer{ID: id, Tenant: tenant}
	if err := s.db.flush(ctx); err != nil {
		return a, fmt.Errorf("answer %q: %w", id, err)
	}
	var created int64
	err := s.db.db.QueryRowContext(ctx, `SELECT conversation_id, question, decision, reason, confidence, ticket_id, lang, intent, created FROM answers WHERE id=? AND tenant=?`, id, tenant).
		Scan(&a.ConversationID, &a.Question, &a.Decision, &a.Reason, &a.Confidence, &a.TicketID, &a.Lang, &a.Intent, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return a, fmt.Errorf("answer %q: %w", id, ErrNotFound)
	}
	if err != nil {
		return a, fmt.Errorf("answer %q: %w", id, err)
	}
	a.Created = fromTS(created)
	return a, nil
}

// UnansweredReasons are the escalation reasons that point at missing
// knowledge: nothing relevant was found, the answer was not confident
// enough, or a generated answer was not supported by its sources.
var UnansweredReasons = []string{string(answer.ReasonNoEvidence), string(answer.ReasonLowConfidence), string(answer.ReasonGroundingFailed)}

// Unanswered returns tenant's logged answers created in [from, to) that
// were escalated for one of UnansweredReasons, newest first, at most limit
// (a zero to means no upper bound).
func (s *ConversationStore) Unanswered(ctx context.Context, tenant string, from, to time.Time, limit int) ([]LoggedAnswer, error) {
	if limit <= 0 {
		return nil, fmt.Errorf("unanswered questions: %w: limit must be positive", ErrInvalid)
	}
	if err := s.db.flush(ctx); err != nil {
		return nil, fmt.Errorf("unanswered questions: %w", err)
	}
	upper := int64(math.MaxInt64)
	if !to.IsZero() {
		upper = ts(to)
	}
	rows, err := s.db.db.QueryContext(ctx, `SELECT id, conversation_id, question, decision, reason, confidence, ticket_id, lang, intent, created
		FROM answers WHERE tenant=? AND created>=? AND created<? AND decision=? AND reason IN (?,?,?)
		ORDER BY created DESC, id LIMIT ?`,
		tenant, ts(from), upper, answer.Escalated, UnansweredReasons[0], UnansweredReasons[1], UnansweredReasons[2], limit)
	if err != nil {
		return nil, fmt.Errorf("unanswered questions: %w", err)
	}
	defer rows.Close()
	var out []LoggedAnswer
	for rows.Next() {
		a := LoggedAnswer{Tenant: tenant}
		var created int64
		if err := rows.Scan(&a.ID, &a.ConversationID, &a.Question, &a.Decision, &a.Reason, &a.Confidence, &a.TicketID, &a.Lang, &a.Intent, &created); err != nil {
			return nil, fmt.Errorf("unanswered questions: %w", err)
		}
		a.Created = fromTS(created)
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("unanswered questions: %w", err)
	}
	return out, nil
}
