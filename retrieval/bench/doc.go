// Package bench measures answerdesk's retrieval on a large real corpus: the
// machine's man pages (gzip'd roff under /usr/share/man) stripped to plain
// text and split into passages, with each page's one-line NAME description
// as a query whose answer is that page.
//
// The corpus builder (LoadCorpus) and the clocks the benchmarks report
// (ProcessCPU, ThreadCPU, LoadAvg) are ordinary code so that the bleve peer
// in retrieval/bench/peer, a module of its own, measures the very same
// corpus the same way.
// The measurements are go test benchmarks in this package (see README.md and
// docs/benchmarks.md); the corpus is cached outside the repository.
//
// bench imports retrieval, retrieval/embedded and retrieval/dense, and is
// imported by nothing but the peer.
package bench
