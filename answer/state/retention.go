package state

import (
	"context"
	"fmt"
	"time"
)

// Retention bounds what grows with traffic. A zero duration keeps rows
// forever. Tickets, dead-lettered deliveries, feedback, keys and jobs are
// never pruned: they are records someone acts on.
type Retention struct {
	// AnswerLog: entries of the answer log, which feedback refers to [90 days].
	AnswerLog time.Duration
	// Turns: conversation turns, which follow-ups read [30 days].
	Turns time.Duration
	// Delivered: outbox rows delivered successfully [7 days].
	Delivered time.Duration
}

// DefaultRetention is the retention when none is configured.
func DefaultRetention() Retention {
	return Retention{AnswerLog: 90 * 24 * time.Hour, Turns: 30 * 24 * time.Hour, Delivered: 7 * 24 * time.Hour}
}

// Pruned counts the rows one pass deleted.
type Pruned struct {
	Answers, Turns, Delivered int
	// FreedPages is the number of pages returned to the file system.
	FreedPages int
}

// Janitor enforces a Retention: it deletes expired rows through the stores
// that own them, in small batches so that writers are never held up for
// long, then returns the freed pages to the file system (incremental
// vacuum), so that state.db stays flat under steady traffic.
type Janitor struct {
	db     *DB
	convs  *ConversationStore
	outbox *Outbox
	r      Retention
}

// NewJanitor returns a janitor of db's stores keeping r.
func NewJanitor(db *DB, convs *ConversationStore, outbox *Outbox, r Retention) *Janitor {
	return &Janitor{db: db, convs: convs, outbox: outbox, r: r}
}

// Prune runs one pass at now.
func (j *Janitor) Prune(ctx context.Context, now time.Time) (Pruned, error) {
	var p Pruned
	var err error
	if j.r.AnswerLog > 0 {
		if p.Answers, err = j.convs.PruneAnswers(ctx, now.Add(-j.r.AnswerLog)); err != nil {
			return p, err
		}
	}
	if j.r.Turns > 0 {
		if p.Turns, err = j.convs.PruneTurns(ctx, now.Add(-j.r.Turns)); err != nil {
			return p, err
		}
	}
	if j.r.Delivered > 0 {
		if p.Delivered, err = j.outbox.PruneDelivered(ctx, now.Add(-j.r.Delivered)); err != nil {
			return p, err
		}
	}
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
