package state

import (
	"context"
	"database/sql"
	"fmt"
)

// The schema is versioned with SQLite's user_version: migration i (from 1)
// takes a database from version i-1 to i. Databases written before
// versioning have version 0 and the version-1 tables, which migration 1
// creates only when absent. Each migration's SQL lives with the store
// that owns the tables. Migrations only ever get appended.
type migration struct {
	name string
	up   func(ctx context.Context, tx *sql.Tx) error
}

func migrations() []migration {
	return []migration{
		{"initial schema", execSQL(ticketsSchemaV1, conversationsSchemaV1, feedbackSchemaV1, keysSchemaV1, jobsSchemaV1)},
		{"tickets as columns of an explicit row", migrateTicketsV2},
		{"origins of publishable keys", execSQL(keysSchemaV3)},
		{"outbox lease owners; retention indexes", execSQL(outboxOwnerV4, conversationsRetentionV4)},
		{"answer log: language, intent, and a (tenant, created) index", execSQL(answersSchemaV5)},
		{"analytics: hourly rollups of the answer log and feedback", execSQL(analyticsSchemaV6)},
		{"audit log of administrative actions", execSQL(auditSchemaV7)},
		{"answer log: customer id, for export and erasure", execSQL(customersSchemaV8)},
		{"human handoff: tickets by conversation; outbox events and revisions", execSQL(handoffV9)},
		{"feedback corrections and FAQ candidates", execSQL(faqSchemaV10)},
		{"console sessions", execSQL(sessionsSchemaV11)},
		{"ingest job leases", execSQL(jobsLeaseV12)},
		{"the tickets are the local queue; due outbox rows indexed alone", execSQL(localQueueV13)},
		{"answers indexed by customer only when they have one", execSQL(customerAnswersV14)},
		{"answer log pruned tenant by tenant, not indexed by time alone", execSQL(answersByTimeV15)},
	}
}

// SchemaVersion is the schema version this binary writes.
func SchemaVersion() int { return len(migrations()) }

func execSQL(stmts ...string) func(context.Context, *sql.Tx) error {
	return func(ctx context.Context, tx *sql.Tx) error {
		for _, s := range stmts {
			if _, err := tx.ExecContext(ctx, s); err != nil {
				return err
			}
		}
		return nil
	}
}

// pending reports whether a database at schema version v lacks some of
// the n migrations of this binary; one from a newer binary is an error.
func pending(v, n int) (bool, error) {
	if v > n {
		return false, fmt.Errorf("schema version %d is newer than this binary's %d: upgrade answerdesk", v, n)
	}
	return v < n, nil
}

// migrate brings db to SchemaVersion in one transaction (an immediate
// one: two processes opening an old database migrate it once).
func migrate(ctx context.Context, db *sql.DB) error {
	ms := migrations()
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("schema: %w", err)
	}
	defer tx.Rollback()
	var v int
	if err := tx.QueryRowContext(ctx, `PRAGMA user_version`).Scan(&v); err != nil {
		return fmt.Errorf("schema: %w", err)
	}
	if todo, err := pending(v, len(ms)); !todo || err != nil {
		return err
	}
	for i := v; i < len(ms); i++ {
		if err := ms[i].up(ctx, tx); err != nil {
			return fmt.Errorf("schema migration %d (%s): %w", i+1, ms[i].name, err)
		}
	}
	// PRAGMA takes no parameters; len(ms) is a number of ours.
	if _, err := tx.ExecContext(ctx, fmt.Sprintf(`PRAGMA user_version = %d`, len(ms))); err != nil {
		return fmt.Errorf("schema: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("schema: commit: %w", err)
	}
	return nil
}
