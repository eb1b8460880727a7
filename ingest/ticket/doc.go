// Package ticket loads past support tickets as knowledge: every solved
// ticket becomes one document whose single Entry block is the customer's
// problem and the agent's resolution, with personal data redacted by
// ingest/redact before anything leaves the loader.
//
// Two formats are read:
//
// The answerdesk ticket JSONL format, one ticket per line:
//
//	{"id": "T-1001", "subject": "Hub offline after router change",
//	 "status": "solved", "tags": ["wifi"], "lang": "en",
//	 "created_at": "2026-03-01T10:00:00Z",
//	 "messages": [
//	   {"role": "customer", "author": "Ann", "time": "2026-03-01T10:00:00Z", "body": "…"},
//	   {"role": "agent", "author": "Bob", "time": "2026-03-01T11:00:00Z", "body": "…"},
//	   {"role": "note", "body": "internal, never indexed"}]}
//
// Roles are "customer" (also "end-user", "requester", "user") and "agent"
// (also "admin", "support"); "note" and messages with "public": false are
// internal and skipped. Status "solved" or "closed" is indexed; anything
// else is skipped and counted as a loss.
//
// Zendesk's ticket export JSON: an object {"tickets": [...], "users": [...]}
// (the users side-load, when present, gives authors' roles), a JSON array of
// tickets, or Zendesk's newline-delimited full export. A ticket has id,
// subject, description, status, tags, requester_id and comments
// [{author_id, body or plain_body, public, created_at}]; a comment is the
// customer's when its author is the requester (or an end-user), else the
// agent's.
//
// The problem is the customer's messages before the first agent reply (the
// subject and description when there are no comments); the resolution is the
// agent's last public reply. A solved ticket without an agent reply is
// skipped with a loss.
//
// ticket imports ingest, ingest/redact and retrieval.
package ticket
