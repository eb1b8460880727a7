// Package state owns answerdesk's application state: escalation tickets and
// their delivery outbox, the local ticket queue, conversations, the answer
// log that feedback refers to, feedback, API keys and ingest jobs.
//
// The default backend is one SQLite file (modernc.org/sqlite, pure Go, WAL
// journal, busy timeout). Callers depend on the Store interface so that a
// PostgreSQL backend can be added for several replicas sharing one state.
// A ticket and its outbox rows are written in one transaction, and personal
// data in the stored copy of a ticket, in conversation turns, in the answer
// log and in feedback comments is redacted with ingest/redact.
// Tickets commit before CreateTicket returns; the answer log and
// conversation turns are group-committed by a background writer (reads
// flush it first), so that answering never waits on a write of its own.
//
// state imports answer (for the shared contracts) and ingest/redact; it must
// not import api, delivery or cmd.
package state
