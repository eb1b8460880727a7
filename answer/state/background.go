package state

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/answerdesk/answerdesk/ingest/redact"
)

// Writes that the answer path must not wait for (the answer log and
// conversation turns) are queued and committed by one goroutine in
// batches (group commit, without a linger: see writer); the reads that must see them flush first, so
// that a process always reads its own writes. What is still queued when
// the process crashes is lost: the log entry of an answer (only feedback
// on it would notice) or the last turns of a conversation (a follow-up
// would lack context). Tickets and their outbox are never left queued:
// CreateTicket joins the group commit (see durable) and returns once its
// group has committed, so the tickets of concurrent escalations share one
// commit with each other and with the queued writes; a group carrying a
// ticket is synced to disk at its commit (see tryTx), the others by the
// next checkpoint.
//
// Checkpoints of the write-ahead log run in the background too: with
// SQLite's automatic checkpoint, the commit that crosses the threshold
// copies the log into the database and syncs it, stalling every writer
// behind it.

// errClosed: a write was queued after Close.
var errClosed = errors.New("state database closed")

// A queued write runs inside a batch's transaction; flush, when set,
// is closed once every write queued before it is committed; done, when
// set, marks a durable write (see durable) and receives its outcome once
// its group has committed or failed.
type queued struct {
	write func(b *batch) error
	flush chan struct{}
	done  chan error
}

// batch is the transaction a group of queued writes shares.
type batch struct {
	ctx   context.Context
	db    *DB
	tx    sqlTx
	stmts map[string]*sql.Stmt
	red   map[string]string
	// counts are the increments of counter rows, added up until the
	// batch's writes are done (see count), and undeflected the answers
	// marked not deflected by answer_rollup row (see undeflect).
	counts      map[countKey]int64
	undeflected map[rollupHour]int64
}

// rollupHour is a tenant's hour in the rollups.
type rollupHour struct {
	tenant string
	hour   int64
}

// countKey is one counter row: its upsert q, whose arguments are the
// tenant, the time bucket (an hour or a day), then the row's keys (one or
// two strings, or a number), then the increment. Typed, not []any, so
// that counting an answer boxes nothing: only the rows are, when written.
type countKey struct {
	q, tenant string
	at        int64
	keys      [2]string
	nkeys     int
	num       float64 // the key when nkeys is 0
}

// args are k's upsert arguments with the increment n.
func (k countKey) args(n int64) []any {
	args := append(make([]any, 0, 5), k.tenant, k.at)
	if k.nkeys == 0 {
		args = append(args, k.num)
	}
	for _, s := range k.keys[:k.nkeys] {
		args = append(args, s)
	}
	return append(args, n)
}

// count adds one to the counter row k. The rows are written by
// flushCounts, once each however many writes of the batch counted them:
// only for counters that nothing else in a batch reads or updates, but
// for the deflection marks of answer_rollup, written after them
// (undeflect).
func (b *batch) count(k countKey) {
	if b.counts == nil {
		b.counts = map[countKey]int64{}
	}
	b.counts[k]++
}

// undeflect counts an answered answer of tenant's hour as not deflected,
// in its answer_rollup row once the batch's counters are written: the
// row may be one of them.
func (b *batch) undeflect(tenant string, hour int64) error {
	if b.undeflected == nil {
		b.undeflected = map[rollupHour]int64{}
	}
	b.undeflected[rollupHour{tenant, hour}]++
	return nil
}

func (b *batch) backend() backend { return b.db.b }

// flushCounts writes the batch's counters, then its deflection marks.
func (b *batch) flushCounts() error {
	for k, n := range b.counts {
		if _, err := b.execResult(k.q, k.args(n)...); err != nil {
			return fmt.Errorf("counters: %w", err)
		}
	}
	clear(b.counts)
	for k, n := range b.undeflected {
		if _, err := b.execResult(undeflectRollup, n, k.tenant, k.hour); err != nil {
			return fmt.Errorf("deflection rollup: %w", err)
		}
	}
	clear(b.undeflected)
	return nil
}

// exec runs q in the batch's transaction.
func (b *batch) exec(q string, args ...any) error {
	_, err := b.execResult(q, args...)
	return err
}

// execResult is exec returning the statement's result.
func (b *batch) execResult(q string, args ...any) (sql.Result, error) {
	st, err := b.stmt(q)
	if err != nil {
		return nil, err
	}
	return st.ExecContext(b.ctx, args...)
}

// query runs a statement returning rows (RETURNING) in the batch's
// transaction.
func (b *batch) query(q string, args ...any) (*sql.Rows, error) {
	st, err := b.stmt(q)
	if err != nil {
		return nil, err
	}
	return st.QueryContext(b.ctx, args...)
}

// stmt is q prepared once (DB.stmt) and bound to the batch's transaction
// once per batch.
func (b *batch) stmt(q string) (*sql.Stmt, error) {
	if st, ok := b.stmts[q]; ok {
		return st, nil
	}
	prep, err := b.db.stmt(b.ctx, q)
	if err != nil {
		return nil, err
	}
	st := b.tx.StmtContext(b.ctx, prep)
	b.stmts[q] = st
	return st, nil
}

// redactOnce is b.redact(s), or redacted when the caller has redacted s
// already ("" when not).
func (b *batch) redactOnce(s, redacted string) string {
	if redacted != "" {
		return redacted
	}
	return b.redact(s)
}

// redact masks personal data in s, once per distinct text and batch: the
// question is both the customer's turn and the answer log's question.
func (b *batch) redact(s string) string {
	if r, ok := b.red[s]; ok {
		return r
	}
	r := redact.Text(s)
	b.red[s] = r
	return r
}

const (
	queueSize = 4096
	// batchSize bounds the writes one commit takes.
	batchSize = 512
)

func (db *DB) startBackground() {
	db.queue = make(chan queued, queueSize)
	db.bgDone = make(chan struct{})
	db.stop = make(chan struct{})
	go db.writer()
	if db.b == backendSQLite {
		// Every second, instead of SQLite's automatic checkpoint inside
		// whichever commit crosses the threshold (a ticket's, on the
		// answer path).
		db.every(time.Second, db.checkpoint)
	}
}

// later queues write for the group-commit writer.
func (db *DB) later(ctx context.Context, write func(b *batch) error) error {
	return db.enqueue(ctx, queued{write: write})
}

// durable runs write in the group-commit writer's next transaction and
// returns once that has committed: a write the caller must see durable
// before it goes on (a ticket) shares the commit of whatever is queued
// with it instead of committing alone. When it fails, the group's
// transaction is rolled back and runs again without it, so that its
// failure is returned here while the rest of its group commits (a
// savepoint per write would journal every page it touches); like every
// queued write it must be able to run again from scratch. Once
// queued, the outcome is awaited whatever ctx does (the write may
// already be committed); ctx ending before write starts makes it fail
// without writing.
func (db *DB) durable(ctx context.Context, write func(b *batch) error) error {
	done := make(chan error, 1)
	if err := db.enqueue(ctx, queued{write: func(b *batch) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		return write(b)
	}, done: done}); err != nil {
		return err
	}
	return <-done
}

// enqueue puts it on the writer's queue.
func (db *DB) enqueue(ctx context.Context, it queued) error {
	db.queueMu.RLock()
	defer db.queueMu.RUnlock()
	if db.queueClosed {
		return errClosed
	}
	select {
	case db.queue <- it:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// flush waits until every write queued before the call is committed.
func (db *DB) flush(ctx context.Context) error {
	done := make(chan struct{})
	db.queueMu.RLock()
	defer db.queueMu.RUnlock()
	if db.queueClosed {
		return nil
	}
	select {
	case db.queue <- queued{flush: done}:
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

// writer commits the queue in groups, with no timer: it takes every
// write queued so far (up to batchSize), commits them in one transaction,
// and while that commit runs new writes queue for the next one. A lone
// write is committed at once; under load each commit carries what arrived
// during the previous one, so commits per answer fall as load rises.
func (db *DB) writer() {
	defer close(db.bgDone)
	group := make([]queued, 0, batchSize)
	for it := range db.queue {
		group = append(group[:0], it)
	drain:
		for len(group) < batchSize {
			select {
			case it, ok := <-db.queue:
				if !ok {
					break drain
				}
				group = append(group, it)
			default:
				break drain
			}
		}
		if err := db.commit(group); err != nil && db.onErr != nil {
			db.onErr(err)
		}
		for _, it := range group {
			if it.flush != nil {
				close(it.flush)
			}
		}
		clear(group) // the next group must not pin these writes
	}
}

// commit runs a group's writes in one transaction. A failing durable
// write is taken out of the group, gets its error, and the rest runs
// again; a failing queued write rolls back the group, whose durable
// writes then run again alone, so that a bad queued write does not lose
// a ticket. Each durable write gets its outcome. On PostgreSQL a group
// aborted by a deadlock with another replica's group (both count in the
// same rollup rows) or by a turn numbered at once by another replica runs
// again.
func (db *DB) commit(group []queued) error {
	n, durables := 0, 0
	for _, it := range group {
		if it.write != nil {
			n++
		}
		if it.done != nil {
			durables++
		}
	}
	if n == 0 {
		return nil
	}
	group, err := db.commitWithout(group)
	if err != nil && durables > 0 && durables < n {
		var alone []queued
		for _, it := range group {
			if it.done != nil {
				alone = append(alone, it)
			}
		}
		var derr error
		group, derr = db.commitWithout(alone)
		for _, it := range group {
			it.done <- derr
		}
	} else {
		for _, it := range group {
			if it.done != nil {
				it.done <- err
			}
		}
	}
	if err != nil {
		return fmt.Errorf("queued writes: %w", err)
	}
	return nil
}

// commitWithout commits group, taking out each durable write that fails
// (it gets its error) and running the rest again; it returns what was
// left of the group and the error of the last attempt (nil when it
// committed).
func (db *DB) commitWithout(group []queued) ([]queued, error) {
	for {
		err := db.commitGroup(group)
		var failed *durableFailure
		if !errors.As(err, &failed) {
			return group, err
		}
		group[failed.i].done <- failed.err
		rest := make([]queued, 0, len(group)-1)
		group = append(append(rest, group[:failed.i]...), group[failed.i+1:]...)
	}
}

// durableFailure is the error of group[i], a durable write.
type durableFailure struct {
	i   int
	err error
}

func (f *durableFailure) Error() string { return f.err.Error() }

// commitGroup runs group's writes in one transaction.
func (db *DB) commitGroup(group []queued) error {
	ctx := context.Background()
	write := func(tx sqlTx) error {
		if err := tx.lockRollups(ctx); err != nil {
			return err
		}
		b := &batch{ctx: ctx, db: db, tx: tx, stmts: map[string]*sql.Stmt{}, red: map[string]string{}}
		for i, it := range group {
			if it.write == nil {
				continue
			}
			if err := it.write(b); err != nil {
				if it.done != nil && !db.b.retryable(err, true) {
					return &durableFailure{i: i, err: err}
				}
				return err
			}
		}
		return b.flushCounts()
	}
	// A group carrying a durable write (a ticket and its outbox rows) is
	// synced at its commit; the others wait for the next checkpoint.
	synced := slices.ContainsFunc(group, func(it queued) bool { return it.done != nil })
	unlock := db.lockWrites()
	defer unlock()
	var err error
	for attempt := 1; attempt <= maxTxAttempts; attempt++ {
		if err = db.tryTx(ctx, synced, write); !db.b.retryable(err, true) {
			break
		}
	}
	return err
}

// every runs f every interval in the background until Close, which waits
// for a run in progress; f's errors go to Options.OnError. Stores use it
// for periodic upkeep of their own tables.
func (db *DB) every(interval time.Duration, f func(ctx context.Context) error) {
	db.tickers.Add(1)
	go func() {
		defer db.tickers.Done()
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			select {
			case <-db.stop:
				return
			case <-t.C:
				if err := f(context.Background()); err != nil && db.onErr != nil {
					db.onErr(err)
				}
			}
		}
	}()
}

// checkpoint copies the log into the database and restarts it. It holds
// the write lock, so that a steady stream of writes cannot starve it (a
// passive checkpoint under constant writes lets the log grow without
// bound); the pause for this process's writers is one second's worth of
// pages.
func (db *DB) checkpoint(ctx context.Context) error {
	defer db.lockWrites()()
	if _, err := db.db.ExecContext(ctx, `PRAGMA wal_checkpoint(RESTART)`); err != nil {
		return fmt.Errorf("checkpoint: %w", err)
	}
	return nil
}

// checkpointTruncate copies the whole log into the database and truncates
// it to zero bytes; it fails when a reader kept it from completing. On
// PostgreSQL it vacuums the tables erasure touches instead, so that the
// deleted row versions leave their pages (PostgreSQL has no secure_delete:
// what VACUUM frees is overwritten as the pages are reused).
func (db *DB) checkpointTruncate(ctx context.Context) error {
	if db.b == backendPostgres {
		if _, err := db.db.ExecContext(ctx, `VACUUM turns, answers, feedback, tickets, faq_candidates`); err != nil {
			return fmt.Errorf("vacuum: %w", err)
		}
		return nil
	}
	defer db.lockWrites()()
	var busy, logPages, done int
	if err := db.db.QueryRowContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`).Scan(&busy, &logPages, &done); err != nil {
		return fmt.Errorf("checkpoint: %w", err)
	}
	if busy != 0 {
		return errors.New("checkpoint: readers kept the log from being truncated")
	}
	return nil
}

// Close commits the queued writes, checkpoints and closes the database.
func (db *DB) Close() error {
	db.closeOnce.Do(func() {
		close(db.stop)
		db.tickers.Wait()
		db.queueMu.Lock()
		db.queueClosed = true
		close(db.queue)
		db.queueMu.Unlock()
		<-db.bgDone
		db.stmts.Range(func(_, st any) bool { st.(*sql.Stmt).Close(); return true })
		if db.b == backendSQLite {
			db.db.Exec(`PRAGMA wal_checkpoint(TRUNCATE)`)
		}
		db.closeErr = db.db.Close()
	})
	return db.closeErr
}
