// Package qdrant is the Qdrant backend of retrieval.Store: the scale-out path,
// where several stateless answerdesk replicas share one Qdrant cluster.
//
// It is the only package that imports github.com/qdrant/go-client. It talks
// gRPC, keeps no state of its own beyond the connection, and ranks like the
// embedded store: chunks are indexed as sparse vectors of BM25 term weights
// from retrieval.DefaultAnalyzer in a sparse vector with Qdrant's IDF
// modifier, so a sparse query scores Σ IDF(t)·BM25TF(t) exactly like the
// embedded index; dense vectors (when an embedding provider is configured)
// go into a named cosine vector, and hybrid queries gather both lists'
// candidates through the Query API and fuse them like the embedded store
// (retrieval.DefaultFusion).
//
// # Layout
//
// A deployment uses two collections: NAME holds one point per chunk (the
// only points that carry vectors, so that Qdrant's IDF statistics count
// chunks, as BM25 does) and NAME_docs holds one "document record" point per
// document plus one metadata point (collection-wide chunk count, summed chunk
// length for the BM25 average, dense model). Point ids are UUIDv5 of the
// tenant and the chunk or document id, so re-ingesting overwrites in place.
// With Config.TenantCollections every tenant has such a pair of its own.
//
// # Atomicity
//
// Qdrant has no multi-operation transactions: each upsert or delete is
// applied atomically per point and in order per shard, nothing more.
// ReplaceDocument therefore writes in an order that is safe to interrupt:
// (1) upsert the new chunks, tagged with a fresh generation, (2) delete the
// document's chunks of any other generation, (3) upsert the document record
// (hash, chunk count). A search running concurrently may see a mix of old
// and new chunks of the document being replaced, but never a document with
// no chunks. A crash or error between the steps leaves the old record with
// the old content hash, so re-running ingestion (which skips only documents
// whose hash is unchanged) repeats the replacement and converges. See
// docs/qdrant.md.
//
// # BM25 length normalization
//
// The average chunk length is baked into the sparse values when a chunk is
// written (the embedded store renormalizes at query time). By default it is
// the collection's running average, kept in the metadata point; Reweight
// rewrites every vector with the current average when it has moved.
//
// retrieval/qdrant/qdranttest holds an in-process gRPC server with the same
// semantics for the subset used here, for tests.
package qdrant
