package state

import (
	"context"
	"crypto/rand"
	"database/sql"
	"database/sql/driver"
	"encoding/hex"
	"errors"
	"fmt"
	mrand "math/rand/v2"
	"os"
	"path/filepath"
	"sync"
	"time"

	"modernc.org/sqlite" // database/sql driver "sqlite"
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
	// JobLease is how long an ingest job stays queued or running without
	// its process renewing it (every third of it) before another process
	// fails it as "replica stopped" (default DefaultJobLease).
	JobLease time.Duration
}

// DB is the database handle the per-concern stores share: one SQLite file
// (WAL journal, busy timeout, commits synced as tryTx says) or a PostgreSQL database, this process's
// write lock (SQLite), the prepared statements, the group-commit writer and
// the checkpointer (SQLite). It is safe for concurrent use. Each store owns
// its tables and SQL; DB owns none.
type DB struct {
	db sqlDB
	b  backend
	// wmu serializes this process's writes to SQLite: it has one writer at
	// a time, and waiting on a mutex is far cheaper than the driver's
	// busy-timeout polling when many requests write at once. Other
	// processes (the CLI) still meet the busy timeout. PostgreSQL takes
	// concurrent writers and locks rows, so there it is not taken.
	wmu   sync.Mutex
	now   func() time.Time
	onErr func(error)
	// deflection is Options.DeflectionWindow.
	deflection time.Duration
	// jobLease is Options.JobLease.
	jobLease time.Duration
	stmts    sync.Map // query → *sql.Stmt

	queueMu     sync.RWMutex // guards sending on queue against Close
	queueClosed bool
	queue       chan queued
	bgDone      chan struct{}
	stop        chan struct{} // closed by Close: ends every's runs (the checkpoints, job leases)
	tickers     sync.WaitGroup
	closeOnce   sync.Once
	closeErr    error
}

// Open opens the state database at path and migrates its schema to this
// binary's version: a PostgreSQL database when path is a postgres:// or
// postgresql:// URL (see OpenPostgres), otherwise an SQLite file, created
// when absent.
func Open(ctx context.Context, path string, o Options) (*DB, error) {
	if IsPostgresURL(path) {
		return OpenPostgres(ctx, path, o)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, fmt.Errorf("open state %s: %w", path, err)
	}
	// journal_size_limit truncates the write-ahead log after a checkpoint,
	// so that a burst does not leave a large file behind.
	dsn := "file:" + path + "?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=journal_size_limit(8388608)&_pragma=synchronous(NORMAL)&_pragma=foreign_keys(ON)&_pragma=secure_delete(ON)&_pragma=wal_autocheckpoint(0)&_txlock=immediate"
	sdb, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("open state %s: %w", path, err)
	}
	sdb.SetMaxOpenConns(4)
	if err := migrateBusy(ctx, sdb); err != nil {
		sdb.Close()
		return nil, fmt.Errorf("open state %s: %w", path, err)
	}
	db := newDB(sdb, backendSQLite, o)
	if err := incrementalVacuum(ctx, db); err != nil {
		sdb.Close()
		return nil, fmt.Errorf("open state %s: %w", path, err)
	}
	if err := failExpiredJobs(ctx, db); err != nil {
		sdb.Close()
		return nil, fmt.Errorf("open state %s: %w", path, err)
	}
	db.startBackground()
	return db, nil
}

// migrateBusy is migrate, run again while SQLite reports the file busy.
// Processes opening a new database at once race to switch it to WAL
// (the DSN's journal_mode): SQLite does not wait on its busy timeout for
// that switch, and the loser's first transaction fails with SQLITE_BUSY
// although the file is usable a moment later.
func migrateBusy(ctx context.Context, sdb *sql.DB) error {
	const tries = 50
	for i := 1; ; i++ {
		err := migrate(ctx, sdb)
		var se *sqlite.Error
		if err == nil || i == tries || !errors.As(err, &se) || se.Code()&0xff != sqliteBusy {
			return err
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(time.Duration(10+mrand.IntN(40)) * time.Millisecond):
		}
	}
}

// sqliteBusy is SQLite's primary result code SQLITE_BUSY.
const sqliteBusy = 5

func newDB(sdb *sql.DB, b backend, o Options) *DB {
	db := &DB{db: sqlDB{DB: sdb, b: b}, b: b, now: o.Now, onErr: o.OnError, deflection: o.DeflectionWindow}
	if db.now == nil {
		db.now = time.Now
	}
	if db.deflection <= 0 {
		db.deflection = DefaultDeflectionWindow
	}
	db.jobLease = o.JobLease
	if db.jobLease <= 0 {
		db.jobLease = DefaultJobLease
	}
	return db
}

// lockWrites takes this process's write lock where the backend has one
// writer at a time; the returned function releases it.
func (db *DB) lockWrites() func() {
	if db.b != backendSQLite {
		return func() {}
	}
	db.wmu.Lock()
	return db.wmu.Unlock
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
	defer db.lockWrites()()
	return st.ExecContext(ctx, args...)
}

// inTx runs f in one transaction under the write lock, committing when f
// returns nil. On PostgreSQL a transaction aborted by a deadlock or a
// serialization conflict runs again (f must allow that: it starts from
// scratch each time).
func (db *DB) inTx(ctx context.Context, f func(tx sqlTx) error) error {
	return db.inTxSynced(ctx, false, f)
}

// inTxSynced is inTx whose commit, when synced, is on disk before it
// returns (see tryTx).
func (db *DB) inTxSynced(ctx context.Context, synced bool, f func(tx sqlTx) error) error {
	defer db.lockWrites()()
	for attempt := 1; ; attempt++ {
		err := db.tryTx(ctx, synced, f)
		if err == nil || attempt == maxTxAttempts || !db.b.retryable(err, false) {
			return err
		}
	}
}

// tryTx runs f in one transaction, committing when f returns nil.
//
// SQLite runs with synchronous=NORMAL: a commit is in the write-ahead log
// but synced to disk only by the next checkpoint (within a second, see
// checkpoint), so that the many commits of the answer log and its
// conversations cost no sync each; a power loss (not a crash of the
// process) can lose the last second of them. A synced commit — one that
// carries a ticket or an outbox row, which must never be lost once the
// customer was told a person will answer — runs on a connection switched
// to synchronous=FULL for it, which syncs the log at the commit.
// PostgreSQL syncs every commit (synchronous_commit).
func (db *DB) tryTx(ctx context.Context, synced bool, f func(tx sqlTx) error) error {
	if !synced || db.b != backendSQLite {
		return db.runTx(ctx, db.db.DB.BeginTx, f)
	}
	conn, err := db.db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `PRAGMA synchronous=FULL`); err != nil {
		return fmt.Errorf("synced commit: %w", err)
	}
	defer func() {
		if _, err := conn.ExecContext(context.WithoutCancel(ctx), `PRAGMA synchronous=NORMAL`); err != nil {
			// The connection is dropped rather than left syncing every commit.
			conn.Raw(func(any) error { return driver.ErrBadConn })
		}
	}()
	return db.runTx(ctx, conn.BeginTx, f)
}

// runTx runs f in a transaction begun by begin.
func (db *DB) runTx(ctx context.Context, begin func(context.Context, *sql.TxOptions) (*sql.Tx, error), f func(tx sqlTx) error) error {
	t, err := begin(ctx, nil)
	if err != nil {
		return err
	}
	tx := sqlTx{Tx: t, b: db.b}
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
func (db *DB) txExec(ctx context.Context, tx sqlTx, q string, args ...any) (sql.Result, error) {
	st, err := db.stmt(ctx, q)
	if err != nil {
		return nil, err
	}
	return tx.StmtContext(ctx, st).ExecContext(ctx, args...)
}

// newID returns prefix and 24 hex digits: the creation time at in Unix
// milliseconds (6 bytes, big-endian) and 6 random bytes. Ids of rows
// created one after the other sort together, so that inserting them into
// a primary key or unique index touches its last page instead of a random
// one: a group commit of many tickets writes a few index pages instead of
// one per ticket.
func newID(prefix string, at time.Time) string {
	var b [12]byte
	ms := uint64(at.UnixMilli())
	for i := 5; i >= 0; i-- {
		b[i] = byte(ms)
		ms >>= 8
	}
	if _, err := rand.Read(b[6:]); err != nil {
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
