// Package qdranttest is an in-process Qdrant gRPC server for tests: the
// subset of the Qdrant, Collections and Points services that
// retrieval/qdrant uses, with real semantics — it stores points and
// payloads, evaluates must/should/must_not filters on keyword, integer and
// boolean matches, deletes by id or filter, scrolls and counts, scores
// sparse vectors by dot product with Qdrant's IDF modifier computed from the
// stored points, dense vectors by cosine, and runs Query API prefetches with
// RRF fusion. Anything outside the subset answers codes.Unimplemented, so a
// test never passes by accident.
//
// It is test code, not a product feature: only tests import it.
package qdranttest
