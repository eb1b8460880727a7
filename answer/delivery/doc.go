// Package delivery drains the ticket outbox kept by answer/state: it claims
// due rows, hands each ticket to its sink (a signed webhook, a Zendesk
// account through its Tickets API — zendesktest is a local fake of that
// API for tests; the local queue
// is delivered by the transaction that stores the ticket, and the Queue sink
// only drains rows an older database left pending), and records the outcome — delivered, retried later with
// exponential backoff and jitter (or when the receiver's Retry-After says),
// or dead after a number of attempts.
//
// Delivery is at-least-once: the state lives in the database, a row claimed
// by a process that dies is claimed again when its lease expires, and every
// webhook carries the ticket id as its Idempotency-Key so that receivers can
// drop repeats.
//
// delivery imports answer and answer/state; it must not import api or cmd.
package delivery
