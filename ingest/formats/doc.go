// Package formats assembles every loader answerdesk has, keyed by lowercase
// file extension: the core loaders of package ingest (Markdown, text, FAQ
// CSV/JSON, suite corpus JSONL) plus PDF, HTML, DOCX, ticket exports and zip
// archives of documents.
//
// Two extensions are shared between formats, resolved in this order:
//
//   - .jsonl is a ticket export when Source.Kind is "ticket", a suite corpus
//     when Kind is any other non-empty value, and otherwise decided by
//     content: a first line with "messages" (answerdesk tickets) or
//     "comments"/"requester_id" (Zendesk) is a ticket export, anything else
//     a corpus.
//   - .json is a ticket export when Kind is "ticket", or when Kind is empty
//     and the content is a Zendesk export (an object with "tickets", or an
//     array of tickets); otherwise an FAQ file.
//
// A .zip is opened with ingest/archive (validated before inflating) and each
// accepted entry is loaded by the loader of its extension; nested archives
// are not expanded. Entries that fail are reported as losses of the
// archive's first document.
//
// formats imports ingest and its subpackages, and nothing else of answerdesk.
package formats
