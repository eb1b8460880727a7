// Package answer owns the answer path: triage (language, sentiment, human
// requests, must-escalate topics, intent), follow-up rewriting, retrieval
// through a Retriever with the request's tenant, an extractive or generated
// answer with [n] citations, calibrated confidence from named features, and
// escalation to a ticket with transcript, attempted answer and sources.
//
// Engine is the entry point: New(Config, Deps), then Answer or Stream. The
// shipped confidence model is confidence.json, embedded in the binary
// (`answerdesk eval calibrate` writes a refitted one with the same schema).
// MemoryTickets and MemoryConversations are in-memory implementations of
// the persistence interfaces, for tests, evaluation and tools.
//
// answer imports retrieval (and the leaves ingest/redact for personal data
// and ingest/markup for plain-text tickets); it never imports api, eval or
// cmd. Tickets and conversations are persisted through the TicketWriter and
// Conversations interfaces it declares; answer/state implements them on
// SQLite with an outbox.
package answer
