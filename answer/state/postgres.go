package state

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"strings"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver "pgx"
)

// IsPostgresURL reports whether path names a PostgreSQL database
// (postgres://… or postgresql://…) rather than an SQLite file.
func IsPostgresURL(path string) bool {
	return strings.HasPrefix(path, "postgres://") || strings.HasPrefix(path, "postgresql://")
}

// RedactURL is a database URL without its password, for errors and logs.
func RedactURL(path string) string {
	u, err := url.Parse(path)
	if err != nil {
		return "the database URL"
	}
	return u.Redacted()
}

// OpenPostgres opens the PostgreSQL database that dsn names (pgx, e.g.
// postgres://user:pass@host:5432/db?sslmode=disable; a search_path
// parameter selects a schema) and migrates its schema to this binary's
// version. Several processes (replicas) may share the database: each
// statement runs as soon as it is sent (no process-wide write lock), the
// outbox is claimed with FOR UPDATE SKIP LOCKED, and concurrent starts
// migrate once (an advisory lock). Ingest jobs whose lease expired are
// failed on open, as on SQLite (see JobStore).
func OpenPostgres(ctx context.Context, dsn string, o Options) (*DB, error) {
	name := RedactURL(dsn)
	sdb, err := sql.Open("pgx", dsn)
	if err != nil {
		return nil, fmt.Errorf("open state %s: %w", name, err)
	}
	sdb.SetMaxOpenConns(16)
	sdb.SetMaxIdleConns(16)
	sdb.SetConnMaxIdleTime(5 * time.Minute)
	if err := sdb.PingContext(ctx); err != nil {
		sdb.Close()
		return nil, fmt.Errorf("open state %s: connect: %w", name, err)
	}
	if err := migratePostgres(ctx, sdb); err != nil {
		sdb.Close()
		return nil, fmt.Errorf("open state %s: %w", name, err)
	}
	db := newDB(sdb, backendPostgres, o)
	if err := failExpiredJobs(ctx, db); err != nil {
		sdb.Close()
		return nil, fmt.Errorf("open state %s: %w", name, err)
	}
	db.startBackground()
	return db, nil
}

// pgMigrations are the PostgreSQL schema's versions, recorded one row each
// in schema_migrations. Version 1 is the SQLite schema of its version 10
// in PostgreSQL's types (integers are BIGINT: times are Unix nanoseconds).
// Migrations only ever get appended; a change to the SQLite schema gets
// its PostgreSQL twin here.
func pgMigrations() []string {
	return []string{pgSchemaV1, pgSessionsV2, pgJobsLeaseV3, localQueueV13, customerAnswersV14, answersByTimeV15}
}

// pgLockKey is the advisory lock that serializes migrations of one
// database (any 64-bit number no other application uses).
const pgLockKey = 0x616e737765726473 // "answerds"

// migratePostgres applies the migrations db lacks in one transaction,
// holding a transaction-scoped advisory lock so that replicas starting at
// once migrate once: the second waits, then finds the schema current.
func migratePostgres(ctx context.Context, db *sql.DB) error {
	ms := pgMigrations()
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("schema: %w", err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, int64(pgLockKey)); err != nil {
		return fmt.Errorf("schema: lock: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied TIMESTAMPTZ NOT NULL DEFAULT now())`); err != nil {
		return fmt.Errorf("schema: %w", err)
	}
	var v int
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&v); err != nil {
		return fmt.Errorf("schema: %w", err)
	}
	if todo, err := pending(v, len(ms)); !todo || err != nil {
		return err
	}
	for i := v; i < len(ms); i++ {
		if _, err := tx.ExecContext(ctx, ms[i]); err != nil {
			return fmt.Errorf("schema migration %d: %w", i+1, err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations(version, name) VALUES ($1, $2)`, i+1, pgMigrationName(i+1)); err != nil {
			return fmt.Errorf("schema migration %d: %w", i+1, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("schema: commit: %w", err)
	}
	return nil
}

func pgMigrationName(v int) string {
	switch v {
	case 1:
		return "initial schema (SQLite version 10)"
	case 2:
		return "console sessions (SQLite version 11)"
	case 3:
		return "ingest job leases (SQLite version 12)"
	case 4:
		return "the tickets are the local queue (SQLite version 13)"
	case 5:
		return "answers indexed by customer only when they have one (SQLite version 14)"
	case 6:
		return "answer log pruned tenant by tenant, not indexed by time alone (SQLite version 15)"
	}
	return fmt.Sprintf("migration %d", v)
}

const pgSchemaV1 = `
CREATE TABLE tickets (
	id TEXT PRIMARY KEY,
	tenant TEXT NOT NULL,
	status TEXT NOT NULL,
	created BIGINT NOT NULL,
	updated BIGINT NOT NULL,
	subject TEXT NOT NULL DEFAULT '',
	summary TEXT NOT NULL DEFAULT '',
	lang TEXT NOT NULL DEFAULT '',
	intent TEXT NOT NULL DEFAULT '',
	priority TEXT NOT NULL DEFAULT '',
	queue TEXT NOT NULL DEFAULT '',
	reason TEXT NOT NULL DEFAULT '',
	conversation_id TEXT NOT NULL DEFAULT '',
	customer TEXT NOT NULL DEFAULT 'null',
	transcript TEXT NOT NULL DEFAULT 'null',
	attempted TEXT NOT NULL DEFAULT '',
	citations TEXT NOT NULL DEFAULT 'null',
	confidence DOUBLE PRECISION NOT NULL DEFAULT 0
);
CREATE INDEX tickets_by_tenant ON tickets(tenant, created DESC, id DESC);
CREATE INDEX tickets_by_conversation ON tickets(tenant, conversation_id, created DESC);
CREATE TABLE outbox (
	ticket_id TEXT NOT NULL REFERENCES tickets(id),
	sink TEXT NOT NULL,
	state TEXT NOT NULL,
	attempts BIGINT NOT NULL DEFAULT 0,
	last_error TEXT NOT NULL DEFAULT '',
	next_at BIGINT NOT NULL,
	claimed_until BIGINT NOT NULL DEFAULT 0,
	delivered BIGINT NOT NULL DEFAULT 0,
	claimed_by TEXT NOT NULL DEFAULT '',
	event TEXT NOT NULL DEFAULT 'ticket.created',
	revision BIGINT NOT NULL DEFAULT 0,
	claimed_revision BIGINT NOT NULL DEFAULT 0,
	PRIMARY KEY (ticket_id, sink)
);
CREATE INDEX outbox_due ON outbox(state, next_at);
CREATE INDEX outbox_delivered ON outbox(state, delivered);
CREATE TABLE queue (
	seq BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
	ticket_id TEXT NOT NULL UNIQUE,
	tenant TEXT NOT NULL,
	enqueued BIGINT NOT NULL
);
CREATE TABLE turns (
	tenant TEXT NOT NULL,
	conversation_id TEXT NOT NULL,
	seq BIGINT NOT NULL,
	role TEXT NOT NULL,
	text TEXT NOT NULL,
	at BIGINT NOT NULL,
	PRIMARY KEY (tenant, conversation_id, seq)
);
CREATE INDEX turns_by_time ON turns(at);
CREATE TABLE answers (
	id TEXT PRIMARY KEY,
	tenant TEXT NOT NULL,
	conversation_id TEXT NOT NULL,
	question TEXT NOT NULL,
	decision TEXT NOT NULL,
	reason TEXT NOT NULL,
	confidence DOUBLE PRECISION NOT NULL,
	ticket_id TEXT NOT NULL,
	created BIGINT NOT NULL,
	lang TEXT NOT NULL DEFAULT '',
	intent TEXT NOT NULL DEFAULT '',
	queue TEXT NOT NULL DEFAULT '',
	undeflected BIGINT NOT NULL DEFAULT 0,
	customer_id TEXT NOT NULL DEFAULT ''
);
CREATE INDEX answers_by_time ON answers(created);
CREATE INDEX answers_tenant_created ON answers(tenant, created);
CREATE INDEX answers_tenant_conversation ON answers(tenant, conversation_id, created);
CREATE INDEX answers_tenant_reason ON answers(tenant, reason, created);
CREATE INDEX answers_tenant_customer ON answers(tenant, customer_id);
CREATE TABLE feedback (
	id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
	tenant TEXT NOT NULL,
	answer_id TEXT NOT NULL,
	thumbs BIGINT NOT NULL,
	rating BIGINT NOT NULL,
	comment TEXT NOT NULL,
	created BIGINT NOT NULL,
	correction TEXT NOT NULL DEFAULT ''
);
CREATE INDEX feedback_by_tenant ON feedback(tenant, created);
CREATE TABLE api_keys (
	id TEXT PRIMARY KEY,
	hash TEXT NOT NULL UNIQUE,
	prefix TEXT NOT NULL,
	tenant TEXT NOT NULL,
	scopes TEXT NOT NULL,
	name TEXT NOT NULL,
	created BIGINT NOT NULL,
	revoked BIGINT NOT NULL DEFAULT 0,
	origins TEXT NOT NULL DEFAULT ''
);
CREATE TABLE jobs (
	id TEXT PRIMARY KEY,
	tenant TEXT NOT NULL,
	state TEXT NOT NULL,
	files TEXT NOT NULL,
	result TEXT NOT NULL,
	error TEXT NOT NULL,
	created BIGINT NOT NULL,
	updated BIGINT NOT NULL
);
CREATE TABLE answer_rollup (
	tenant TEXT NOT NULL, hour BIGINT NOT NULL, decision TEXT NOT NULL,
	n BIGINT NOT NULL DEFAULT 0,
	undeflected BIGINT NOT NULL DEFAULT 0,
	PRIMARY KEY (tenant, hour, decision)
);
CREATE TABLE escalation_rollup (
	tenant TEXT NOT NULL, hour BIGINT NOT NULL, dim TEXT NOT NULL, value TEXT NOT NULL, n BIGINT NOT NULL,
	PRIMARY KEY (tenant, hour, dim, value)
);
CREATE TABLE latency_rollup (
	tenant TEXT NOT NULL, hour BIGINT NOT NULL, bucket DOUBLE PRECISION NOT NULL, n BIGINT NOT NULL,
	PRIMARY KEY (tenant, hour, bucket)
);
CREATE TABLE citation_rollup (
	tenant TEXT NOT NULL, day BIGINT NOT NULL, document_id TEXT NOT NULL, n BIGINT NOT NULL,
	PRIMARY KEY (tenant, day, document_id)
);
CREATE TABLE feedback_rollup (
	tenant TEXT NOT NULL, hour BIGINT NOT NULL,
	ratings BIGINT NOT NULL DEFAULT 0, satisfied BIGINT NOT NULL DEFAULT 0,
	up BIGINT NOT NULL DEFAULT 0, down BIGINT NOT NULL DEFAULT 0,
	PRIMARY KEY (tenant, hour)
);
CREATE TABLE audit (
	id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
	tenant TEXT NOT NULL,
	actor TEXT NOT NULL,
	action TEXT NOT NULL,
	target TEXT NOT NULL,
	detail TEXT NOT NULL,
	at BIGINT NOT NULL
);
CREATE INDEX audit_tenant ON audit(tenant, id);
CREATE TABLE faq_candidates (
	id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
	tenant TEXT NOT NULL,
	source TEXT NOT NULL,
	source_id TEXT NOT NULL,
	question TEXT NOT NULL,
	answer TEXT NOT NULL,
	lang TEXT NOT NULL,
	status TEXT NOT NULL,
	created BIGINT NOT NULL,
	decided BIGINT NOT NULL DEFAULT 0,
	decided_by TEXT NOT NULL DEFAULT '',
	document_id TEXT NOT NULL DEFAULT '',
	UNIQUE (tenant, source, source_id)
);
CREATE INDEX faq_candidates_by_status ON faq_candidates(tenant, status, id);
`
