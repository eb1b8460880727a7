// Package state owns answerdesk's application state, one store per
// concern on a shared database handle (DB):
//
//   - TicketStore: escalation tickets, which are the local ticket queue,
//     with their delivery outbox; a ticket and its outbox rows are written in one
//     transaction, and a Notifier wakes the delivery worker;
//   - ConversationStore: conversation turns and the answer log that
//     feedback refers to, group-committed by a background writer (reads
//     flush it first), so that answering never waits on a write of its own;
//   - FeedbackStore, KeyStore (API keys, hashed) and JobStore (ingest jobs).
//
// The backend is one SQLite file (modernc.org/sqlite, pure Go, WAL
// journal, busy timeout) whose schema is versioned (PRAGMA user_version)
// and migrated on open, or a PostgreSQL database (pgx) shared by replicas,
// versioned in schema_migrations and migrated under an advisory lock. Each
// store owns its tables and one SQL for both; the backend type spells what
// differs (placeholders, row locks, row ids, JSON). Consumers declare the
// small interfaces they use. Personal data is redacted with
// ingest/redact in conversation turns, in the answer log and in feedback
// comments; tickets arrive redacted by the engine. Tickets commit before
// CreateTicket returns.
//
// state imports answer (for the shared contracts), ingest (the job types)
// and ingest/redact; it must not import api, delivery or cmd.
package state
