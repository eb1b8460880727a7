// Package embedded is the default retrieval.Store: one data directory holding
// a SQLite database (modernc.org/sqlite, pure Go) as the durable copy, and an
// in-memory BM25 inverted index plus a dense-vector slab loaded from it at
// start.
//
// Every write is one SQLite transaction, applied to the in-memory index only
// after it commits: a crash leaves each document wholly old or wholly new, and
// the next Open rebuilds the index from what committed. Each write also
// logs the documents it touched in a change table, so that a store opened
// with Options.Watch (the server) applies writes made by other processes on
// the same directory (a CLI ingest or delete) within the watch interval.
package embedded
