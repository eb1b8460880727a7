package state

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
)

// backend is the database engine under a DB. The stores write one SQL for
// both; what differs is spelled here: placeholders, row locks, the
// physical row id and JSON access.
type backend int

const (
	backendSQLite backend = iota
	backendPostgres
)

func (b backend) String() string {
	if b == backendPostgres {
		return "postgres"
	}
	return "sqlite"
}

// rebind rewrites the ? placeholders of q as PostgreSQL's $1, $2, …,
// leaving quoted text alone; SQLite takes q as it is.
func (b backend) rebind(q string) string {
	if b != backendPostgres || !strings.Contains(q, "?") {
		return q
	}
	var sb strings.Builder
	sb.Grow(len(q) + 16)
	n := 0
	var quote byte
	for i := 0; i < len(q); i++ {
		c := q[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '\'' || c == '"':
			quote = c
		case c == '?':
			n++
			sb.WriteByte('$')
			sb.WriteString(strconv.Itoa(n))
			continue
		}
		sb.WriteByte(c)
	}
	return sb.String()
}

// rowid names the physical row id, for deletes in bounded batches.
func (b backend) rowid() string {
	if b == backendPostgres {
		return "ctid"
	}
	return "rowid"
}

// jsonText is the text of key in the JSON object held by column col.
func (b backend) jsonText(col, key string) string {
	if b == backendPostgres {
		return "(" + col + "::jsonb->>'" + key + "')"
	}
	return "json_extract(" + col + ", '$." + key + "')"
}

// lockRows is the clause a SELECT inside a read-then-write transaction
// ends with: PostgreSQL locks the selected rows of table (skipping those
// another transaction holds when skip is set); SQLite needs nothing, its
// transactions take the database's write lock when they begin.
func (b backend) lockRows(table string, skip bool) string {
	if b != backendPostgres {
		return ""
	}
	s := " FOR UPDATE OF " + table
	if skip {
		s += " SKIP LOCKED"
	}
	return s
}

// retryable reports whether a transaction that failed with err may simply
// run again: PostgreSQL aborts one of two transactions that deadlock, or
// that conflict under serializable isolation. With unique, a unique
// violation counts too (two replicas numbering the same conversation's
// turns at once: the second sees the first's row when it runs again).
func (b backend) retryable(err error, unique bool) bool {
	var pe *pgconn.PgError
	if b != backendPostgres || !errors.As(err, &pe) {
		return false
	}
	return pe.Code == "40001" || pe.Code == "40P01" || (unique && pe.Code == "23505")
}

// rollupLockKey is the advisory lock that transactions counting in the
// analytics rollups hold on PostgreSQL (see lockRollups).
const rollupLockKey = pgLockKey + 1

// lockRollups makes transactions that count in the analytics rollups
// (group commits of the answer log, feedback) take turns across replicas
// on PostgreSQL: they update the same few rows (a tenant's hour) in
// whatever order their writes came, and two of them at once deadlock
// (PostgreSQL then aborts one after a second). SQLite has one writer
// already.
func (t sqlTx) lockRollups(ctx context.Context) error {
	if t.b != backendPostgres {
		return nil
	}
	if _, err := t.Tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, int64(rollupLockKey)); err != nil {
		return fmt.Errorf("rollup lock: %w", err)
	}
	return nil
}

// maxTxAttempts bounds how often a retryable transaction runs.
const maxTxAttempts = 5

// sqlDB is the database handle with every statement's placeholders
// rebound for its backend.
type sqlDB struct {
	*sql.DB
	b backend
}

func (d sqlDB) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	return d.DB.ExecContext(ctx, d.b.rebind(q), args...)
}

func (d sqlDB) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	return d.DB.QueryContext(ctx, d.b.rebind(q), args...)
}

func (d sqlDB) QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	return d.DB.QueryRowContext(ctx, d.b.rebind(q), args...)
}

func (d sqlDB) PrepareContext(ctx context.Context, q string) (*sql.Stmt, error) {
	return d.DB.PrepareContext(ctx, d.b.rebind(q))
}

func (d sqlDB) Exec(q string, args ...any) (sql.Result, error) {
	return d.ExecContext(context.Background(), q, args...)
}

func (d sqlDB) Query(q string, args ...any) (*sql.Rows, error) {
	return d.QueryContext(context.Background(), q, args...)
}

func (d sqlDB) QueryRow(q string, args ...any) *sql.Row {
	return d.QueryRowContext(context.Background(), q, args...)
}

func (d sqlDB) BeginTx(ctx context.Context, o *sql.TxOptions) (sqlTx, error) {
	tx, err := d.DB.BeginTx(ctx, o)
	return sqlTx{Tx: tx, b: d.b}, err
}

// sqlTx is a transaction with every statement's placeholders rebound for
// its backend.
type sqlTx struct {
	*sql.Tx
	b backend
}

func (t sqlTx) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	return t.Tx.ExecContext(ctx, t.b.rebind(q), args...)
}

func (t sqlTx) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	return t.Tx.QueryContext(ctx, t.b.rebind(q), args...)
}

func (t sqlTx) QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	return t.Tx.QueryRowContext(ctx, t.b.rebind(q), args...)
}
