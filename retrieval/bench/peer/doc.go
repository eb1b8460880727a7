// Package peer benchmarks answerdesk's embedded store against bleve
// (github.com/blevesearch/bleve/v2, BM25 scoring, English analyzer) on the
// same man-page corpus (retrieval/bench), in the same run: ingest
// throughput, top-10 query latency on one core, and hit@10, with our/bleve
// ratios.
//
// It is a module of its own so that bleve never enters answerdesk's go.mod.
// It has no code besides its benchmark: run it from this directory with
// go test -run '^$' -bench . -benchtime 1x (see docs/benchmarks.md).
package peer
