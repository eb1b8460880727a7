package state

import (
	"context"
	"fmt"
	"time"
)

// Retention bounds what grows with traffic. A zero duration keeps rows
// forever. Tickets are never pruned: they are the record of what a
// customer was promised, and support owns them. Keys and jobs are not
// pruned either.
type Retention struct {
	// AnswerLog: entries of the answer log, which feedback refers to [90 days].
	AnswerLog time.Duration
	// Turns: conversation turns, which follow-ups read [30 days].
	Turns time.Duration
	// Delivered: outbox rows delivered successfully [7 days].
	Delivered time.Duration
	// Dead: outbox rows dead-lettered (the delivery gave up), counted
	// from when they were [30 days]. The ticket stays and lists no
	// delivery to that sink.
	Dead time.Duration
	// Feedback: customers' feedback on answers [180 days]; the analytics
	// rollups keep counting it, and FAQ candidates made from corrections
	// stay.
	Feedback time.Duration
}

// DefaultRetention is the retention when none is configured.
func DefaultRetention() Retention {
	const day = 24 * time.Hour
	return Retention{AnswerLog: 90 * day, Turns: 30 * day, Delivered: 7 * day, Dead: 30 * day, Feedback: 180 * day}
}

// Pruned counts the rows one pass deleted.
type Pruned struct {
	Answers, Turns, Delivered, Dead, Feedback int
	// FreedPages is the number of pages returned to the file system.
	FreedPages int
}

// Janitor enforces a Retention: it deletes expired rows through the stores
// that own them, in small batches so that writers are never held up for
// long, then returns the freed pages to the file system (incremental
// vacuum), so that state.db stays flat under steady traffic.
type Janitor struct {
	db       *DB
	convs    *ConversationStore
	outbox   *Outbox
	feedback *FeedbackStore
	r        Retention
}

// NewJanitor returns a janitor of db's stores keeping r.
func NewJanitor(db *DB, convs *ConversationStore, outbox *Outbox, feedback *FeedbackStore, r Retention) *Janitor {
	return &Janitor{db: db, convs: convs, outbox: outbox, feedback: feedback, r: r}
}

// Prune runs one pass at now.
func (j *Janitor) Prune(ctx context.Context, now time.Time) (Pruned, error) {
	var p Pruned
	for _, step := range []struct {
		ttl   time.Duration
		prune func(context.Context, time.Time) (int, error)
		n     *int
	}{
		{j.r.AnswerLog, j.convs.PruneAnswers, &p.Answers},
		{j.r.Turns, j.convs.PruneTurns, &p.Turns},
		{j.r.Delivered, j.outbox.PruneDelivered, &p.Delivered},
		{j.r.Dead, j.outbox.PruneDead, &p.Dead},
		{j.r.Feedback, j.feedback.PruneFeedback, &p.Feedback},
	} {
		if step.ttl <= 0 {
			continue
		}
		var err error
		if *step.n, err = step.prune(ctx, now.Add(-step.ttl)); err != nil {
			return p, err
		}
	}
	var err error
	if p.FreedPages, err = j.db.vacuum(ctx); err != nil {
		return p, err
	}
	return p, nil
}

// Run prunes every interval until ctx ends, reporting errors to the DB's
// OnError.
func (j *Janitor) Run(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if _, err := j.Prune(ctx, j.db.now()); err != nil && ctx.Err() == nil && j.db.onErr != nil {
			j.db.onErr(fmt.Errorf("retention: %w", err))
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// pruneBatch bounds the rows one delete statement removes: each batch is
// its own short transaction under the write lock.
const pruneBatch = 2000

// deleteBatches runs q — a DELETE whose last parameter is the batch size
// — until it deletes nothing, and returns the rows deleted.
func (db *DB) deleteBatches(ctx context.Context, q string, args ...any) (int, error) {
	args = append(args, pruneBatch)
	total := 0
	for {
		res, err := db.exec(ctx, q, args...)
		if err != nil {
			return total, err
		}
		n, _ := res.RowsAffected()
		total += int(n)
		if n < pruneBatch {
			return total, nil
		}
	}
}

// vacuum returns the database's free pages to the file system and
// returns how many there were.
// PostgreSQL's autovacuum does that work there: vacuum returns 0.
func (db *DB) vacuum(ctx context.Context) (int, error) {
	if db.b != backendSQLite {
		return 0, nil
	}
	defer db.lockWrites()()
	var free int
	if err := db.db.QueryRowContext(ctx, `PRAGMA freelist_count`).Scan(&free); err != nil {
		return 0, fmt.Errorf("vacuum: %w", err)
	}
	if free == 0 {
		return 0, nil
	}
	// incremental_vacuum returns a row per page freed; the rows must be
	// read for the work to happen.
	rows, err := db.db.QueryContext(ctx, `PRAGMA incremental_vacuum`)
	if err != nil {
		return 0, fmt.Errorf("vacuum: %w", err)
	}
	for rows.Next() {
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, fmt.Errorf("vacuum: %w", err)
	}
	return free, nil
}

// incrementalVacuum makes sure db can return free pages to the file
// system. auto_vacuum takes effect only on an empty database or through a
// VACUUM, so a database without it (a new one, or one written by an older
// version) is rebuilt once; later opens find it set. (Setting it in the
// connection string instead would have every new connection try to write
// the header.)
func incrementalVacuum(ctx context.Context, db *DB) error {
	var mode int
	if err := db.db.QueryRowContext(ctx, `PRAGMA auto_vacuum`).Scan(&mode); err != nil {
		return err
	}
	const incremental = 2
	if mode == incremental {
		return nil
	}
	if _, err := db.db.ExecContext(ctx, `PRAGMA auto_vacuum = INCREMENTAL`); err != nil {
		return err
	}
	if _, err := db.db.ExecContext(ctx, `VACUUM`); err != nil {
		return fmt.Errorf("vacuum to incremental auto_vacuum: %w", err)
	}
	return nil
}
