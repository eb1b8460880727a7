// Package retrieval owns what answerdesk can find: the text analyzer shared by
// every backend, the Store contract (documents, chunks, sparse and dense
// search, filters), and its conformance suite in retrieval/storetest.
//
// Backends live in subpackages: retrieval/embedded (the default: SQLite plus an
// in-memory BM25 index) and retrieval/qdrant. retrieval imports no other
// answerdesk package; ingest, answer, eval and api import it.
package retrieval
