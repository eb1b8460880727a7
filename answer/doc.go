// Package answer owns the answer path: triage (language, sentiment, human
// requests, must-escalate topics), retrieval through a Retriever, an extractive
// or generated answer with [n] citations, verification, a calibrated
// confidence, and escalation to a ticket.
//
// answer imports retrieval (and the leaf ingest/redact for personal data); it
// never imports api, eval or cmd. Tickets are persisted through the TicketWriter
// it declares; answer/ticket implements it on SQLite with an outbox.
package answer
