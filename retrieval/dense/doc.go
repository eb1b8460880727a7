// Package dense owns exact dense-vector search: L2-normalized float32 vectors
// kept row by row in one contiguous slab, scanned in full with SIMD dot
// products (github.com/viterin/vek/vek32, AVX2+FMA on amd64 when the CPU has
// them, plain Go otherwise) and ranked by cosine through a bounded top-k heap.
//
// An exact scan reads every stored vector once per query, so its speed is
// bounded by memory bandwidth; retrieval/bench measures it against that bound.
//
// dense imports no other answerdesk package; retrieval/embedded uses it for the
// dense-vector slot of its chunks.
package dense
