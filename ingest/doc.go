// Package ingest turns sources (Markdown, text, FAQ files, suite corpora, and
// through subpackages PDF, HTML, DOCX and ticket exports) into documents and
// chunks, and writes them to a retrieval.Store idempotently.
//
// A Loader parses one file into Documents made of Sections and Blocks; the
// Chunker cuts them into retrieval.Chunks under a token budget; the Pipeline
// walks paths, skips unchanged documents by content hash, replaces changed ones
// atomically and prunes documents whose source is gone. A JobRunner
// receives uploads onto disk as they stream in (a Spool per upload) and
// runs them in the background, a bounded number at a time, recording each Job
// in a JobStore (the application state) and reporting per file why it failed
// without internals.
//
// ingest imports retrieval and its own subpackages, nothing else of answerdesk.
package ingest
