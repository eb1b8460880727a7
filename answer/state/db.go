package state

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	_ "modernc.org/sqlite" // database/sql driver "sqlite"
)

// Options configure a DB.
type Options struct {
	// OnError, when set, receives errors of background work (queued
	// writes, checkpoints), which have no caller to return them to.
	OnError func(error)
	// Now returns the current time (time.Now when nil); tests inject a clock.
	Now func() time.Time
	// DeflectionWindow: an answer deflected its question unless an
	// escalation followed in its conversation, or negative feedback on it,
	// within this long (default 24 h). Analytics count it as answers and
	// feedback are written, so a change applies from then on.
	DeflectionWindow time.Duration
}

// DB is the database handle the per-concern stores share: one SQLite file
// (WAL journal, busy timeout), this process's write lock, the prepared
// statements, the group-commit writer and the checkpointer. It is safe for
// concurrent use. Each store owns its tables and SQL; DB owns none.
type DB struct {
	db *sql.DB
	// wmu serializes this process's writes: SQLite has one writer at a
	// time, and waiting on a mutex is far cheaper than the driver's
	// busy-timeout polling when many requests write at once. Other
	// processes (the CLI) still meet the busy timeout.
	wmu   sync.Mutex
	now   func() time.Time
	onErr func(error)
	// deflection is Options.DeflectionWindow.
	deflection time.Duration
	stmts      sync.Map // query → *sql.Stmt

	queueMu     sync.RWMutex // guards sending on queue against Close
	queueClosed bool
	queue       chan queued
	bgDone      chan struct{}
	stopCkpt    chan struct{}
	closeOnce   sync.Once
	closeErr    error
}

// Open opens (creating when absent) the state database at path and
// migrates its schema to this binary's version.
func Open(ctx context.Context, path string, o Options) (*DB, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, fmt.Errorf("open state %s: %w", path, err)
	}
	// journal_size_limit truncates the write-ahead log after a checkpoint,
	// so that a burst does not leave a large file behind.
	dsn := "file:" + path + "?_pragma=journal_mode(WAL)&_pragma=journal_size_limit(8388608)&_pragma=synchronous(NORMAL)&_pragma=busy_timeout(10000)&_pragma=foreign_keys(ON)&_pragma=secure_delete(ON)&_pragma=wal_autocheckpoint(0)&_txlock=immediate"
	sdb, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("open state %s: %w", path, err)
	}
	sdb.SetMaxOpenConns(4)
	if err := migrate(ctx, sdb); err != nil {
		sdb.Close()
		return nil, fmt.Errorf("open state %s: %w", path, err)
	}
	db := &DB{db: sdb, now: o.Now, onErr: o.OnError, deflection: o.DeflectionWindow}
	if db.now == nil {
		db.now = time.Now
	}
	if db.deflection <= 0 {
		db.deflection = DefaultDeflectionWindow
	}
	if err := incrementalVacuum(ctx, db); err != nil {
		sdb.Close()
		return nil, fmt.Errorf("open state %s: %w", path, err)
	}
	if err := failInterruptedJobs(ctx, db); err != nil {
		sdb.Close()
		return nil, fmt.Errorf("open state %s: %w", path, err)
	}
	db.startBackground()
	return db, nil
}

// Ping checks that the database answers.
func (db *DB) Ping(ctx context.Context) error {
	var one int
	if err := db.db.QueryRowContext(ctx, `SELECT 1`).Scan(&one); err != nil {
		return fmt.Errorf("state ping: %w", err)
	}
	return nil
}

// exec runs a write statement under the write lock.
func (db *DB) exec(ctx context.Context, q string, args ...any) (sql.Result, error) {
	st, err := db.stmt(ctx, q)
	if err != nil {
		return nil, err
	}
	db.wmu.Lock()
	defer db.wmu.Unlock()
	return st.ExecContext(ctx, args...)
}

// inTx runs f in one transaction under the write lock, committing when f
// returns nil.
func (db *DB) inTx(ctx context.Context, f func(tx *sql.Tx) error) error {
	db.wmu.Lock()
	defer db.wmu.Unlock()
	tx, err := db.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := f(tx); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// stmt returns the prepared statement for q, preparing it once: the
// driver otherwise parses every statement on every call.
func (db *DB) stmt(ctx context.Context, q string) (*sql.Stmt, error) {
	if st, ok := db.stmts.Load(q); ok {
		return st.(*sql.Stmt), nil
	}
	st, err := db.db.PrepareContext(ctx, q)
	if err != nil {
		return nil, err
	}
	if prev, loaded := db.stmts.LoadOrStore(q, st); loaded {
		st.Close()
		return prev.(*sql.Stmt), nil
	}
	return st, nil
}

// txExec runs q in tx with the statement prepared once.
func (db *DB) txExec(ctx context.Context, tx *sql.Tx, q string, args ...any) (sql.Result, error) {
	st, err := db.stmt(ctx, q)
	if err != nil {
		return nil, err
	}
	return tx.StmtContext(ctx, st).ExecContext(ctx, args...)
}

func newID(prefix string) string {
	var b [12]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	return prefix + hex.EncodeToString(b[:])
}

// ts and fromTS store times as Unix nanoseconds, the zero time as 0.
func ts(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixNano()
}

func fromTS(n int64) time.Time {
	if n == 0 {
		return time.Time{}
	}
	return time.Unix(0, n).UTC()
}
