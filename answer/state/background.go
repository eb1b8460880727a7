package state

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/answerdesk/answerdesk/answer"
	"github.com/answerdesk/answerdesk/ingest/redact"
)

// The answer log and conversation turns are written by one goroutine in
// batches (group commit), so that the answer path never waits for a write
// of its own: LogAnswer and Append queue, and the reads (Answer, Turns,
// AddFeedback) flush first, so that a process always reads its own
// writes. What is still queued when the process crashes is lost: the log
// entry of an answer (only feedback on it would notice) or the last turns
// of a conversation (a follow-up would lack context). Tickets and their
// outbox are never queued: CreateTicket commits before it returns.
//
// Checkpoints of the write-ahead log run in the background too: with
// SQLite's automatic checkpoint, the commit that crosses the threshold
// copies the log into the database and syncs it, stalling every writer
// behind it.

type logItem struct {
	tenant string
	a      answer.Answer
	conv   string           // set for turns
	turns  []answer.Message // turns to append to conv
	flush  chan struct{}    // a flush request when set
}

const logBatch = 512

func (s *DB) startBackground() {
	s.logCh = make(chan logItem, 4096)
	s.bgDone = make(chan struct{})
	s.stopCkpt = make(chan struct{})
	go s.logWriter()
	go s.checkpointer()
}

// logLinger is how long the writer waits for more entries before it
// commits a batch: each commit writes every page it touched to the log, so
// a commit per answer would cost more than the answer. A flush (a read
// that must see the writes) commits at once.
const logLinger = 10 * time.Millisecond

func (s *DB) logWriter() {
	defer close(s.bgDone)
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	for it := range s.logCh {
		batch := []logItem{it}
		flushed := it.flush != nil
		timer.Reset(logLinger)
	more:
		for len(batch) < logBatch && !flushed {
			select {
			case it, ok := <-s.logCh:
				if !ok {
					break more
				}
				batch = append(batch, it)
				flushed = it.flush != nil
			case <-timer.C:
				break more
			}
		}
		if !timer.Stop() {
			select {
			case <-timer.C:
			default:
			}
		}
		if err := s.writeAnswers(batch); err != nil && s.logErr != nil {
			s.logErr(err)
		}
		for _, it := range batch {
			if it.flush != nil {
				close(it.flush)
			}
		}
	}
}

func (s *DB) writeAnswers(batch []logItem) error {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	ctx := context.Background()
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("answer log: %w", err)
	}
	defer tx.Rollback()
	logStmt, err := s.stmt(ctx, `INSERT INTO answers(id, tenant, conversation_id, question, decision, reason, confidence, ticket_id, created)
		VALUES (?,?,?,?,?,?,?,?,?) ON CONFLICT(id) DO NOTHING`)
	if err != nil {
		return fmt.Errorf("answer log: %w", err)
	}
	stmt := tx.StmtContext(ctx, logStmt)
	// The next seq of a turn is computed inside the insert; the queue keeps
	// the order of Append calls.
	turnPrep, err := s.stmt(ctx, `INSERT INTO turns(tenant, conversation_id, seq, role, text, at)
		SELECT ?, ?, COALESCE(MAX(seq), 0) + 1, ?, ?, ? FROM turns WHERE tenant=? AND conversation_id=?`)
	if err != nil {
		return fmt.Errorf("answer log: %w", err)
	}
	turnStmt := tx.StmtContext(ctx, turnPrep)
	// The question is both the customer's turn and the answer log's
	// question: redact each distinct text once per batch.
	red := map[string]string{}
	redactOnce := func(s string) string {
		if r, ok := red[s]; ok {
			return r
		}
		r := redact.Text(s)
		red[s] = r
		return r
	}
	n := 0
	for _, it := range batch {
		if it.flush != nil {
			continue
		}
		if it.conv != "" {
			for _, m := range it.turns {
				text := m.Text
				if m.Role != "assistant" { // the assistant quotes the knowledge base, as tickets' citations do
					text = redactOnce(text)
				}
				if _, err := turnStmt.ExecContext(ctx, it.tenant, it.conv, m.Role, text, ts(m.At), it.tenant, it.conv); err != nil {
					return fmt.Errorf("append turns %s: %w", it.conv, err)
				}
			}
			n++
			continue
		}
		a := it.a
		if _, err := stmt.ExecContext(ctx, a.ID, it.tenant, a.ConversationID, redactOnce(a.Question), a.Decision, a.Reason,
			a.Confidence, a.TicketID, ts(a.Created)); err != nil {
			return fmt.Errorf("answer log %s: %w", a.ID, err)
		}
		n++
	}
	if n == 0 {
		return nil
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("answer log: commit: %w", err)
	}
	return nil
}

// LogAnswer queues an answer (question redacted when written) for the
// answer log, so that feedback can refer to it.
func (s *DB) LogAnswer(ctx context.Context, tenant string, a answer.Answer) error {
	if a.ID == "" {
		return fmt.Errorf("log answer: %w: empty id", ErrInvalid)
	}
	if a.Created.IsZero() {
		a.Created = s.now()
	}
	// Only what the log keeps: the queue must not pin whole answers.
	a = answer.Answer{ID: a.ID, ConversationID: a.ConversationID, Question: a.Question, Decision: a.Decision,
		Reason: a.Reason, Confidence: a.Confidence, TicketID: a.TicketID, Created: a.Created}
	s.logMu.RLock()
	defer s.logMu.RUnlock()
	if s.logClosed {
		return fmt.Errorf("log answer %s: state database closed", a.ID)
	}
	select {
	case s.logCh <- logItem{tenant: tenant, a: a}:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("log answer %s: %w", a.ID, ctx.Err())
	}
}

// Append queues turns for a conversation, creating it when new. Turns
// are stored with personal data redacted, like tickets.
func (s *DB) Append(ctx context.Context, tenant, conversationID string, turns ...answer.Message) error {
	if tenant == "" || conversationID == "" {
		return fmt.Errorf("append turns: %w: empty tenant or conversation id", ErrInvalid)
	}
	msgs := make([]answer.Message, len(turns))
	for i, m := range turns {
		if m.At.IsZero() {
			m.At = s.now()
		}
		msgs[i] = m
	}
	s.logMu.RLock()
	defer s.logMu.RUnlock()
	if s.logClosed {
		return fmt.Errorf("append turns: state database closed")
	}
	select {
	case s.logCh <- logItem{tenant: tenant, conv: conversationID, turns: msgs}:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("append turns: %w", ctx.Err())
	}
}

// flushLog waits until every answer queued before the call is written.
func (s *DB) flushLog(ctx context.Context) error {
	done := make(chan struct{})
	s.logMu.RLock()
	defer s.logMu.RUnlock()
	if s.logClosed {
		return nil
	}
	select {
	case s.logCh <- logItem{flush: done}:
	case <-ctx.Done():
		return ctx.Err()
	}
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// checkpointer copies the write-ahead log into the database every second,
// instead of SQLite's automatic checkpoint inside whichever commit crosses
// the threshold (a ticket's, on the answer path).
func (s *DB) checkpointer() {
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		select {
		case <-s.stopCkpt:
			return
		case <-t.C:
			s.checkpoint()
		}
	}
}

// checkpoint copies the log into the database and restarts it. It holds
// the write lock, so that a steady stream of writes cannot starve it (a
// passive checkpoint under constant writes lets the log grow without
// bound); the pause for this process's writers is one second's worth of
// pages.
func (s *DB) checkpoint() {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	if _, err := s.db.Exec(`PRAGMA wal_checkpoint(RESTART)`); err != nil && s.logErr != nil {
		s.logErr(fmt.Errorf("checkpoint: %w", err))
	}
}

// Close writes the queued answer log, checkpoints and closes the database.
func (s *DB) Close() error {
	s.closeOnce.Do(func() {
		close(s.stopCkpt)
		s.logMu.Lock()
		s.logClosed = true
		close(s.logCh)
		s.logMu.Unlock()
		<-s.bgDone
		s.stmts.Range(func(_, st any) bool { st.(*sql.Stmt).Close(); return true })
		s.db.Exec(`PRAGMA wal_checkpoint(TRUNCATE)`)
		s.closeErr = s.db.Close()
	})
	return s.closeErr
}
