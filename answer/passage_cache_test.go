package answer

import (
	"fmt"
	"runtime"
	"strings"
	"testing"

	"github.com/answerdesk/answerdesk/retrieval"
)

func manPageHit(i int) retrieval.Hit {
	return retrieval.Hit{Chunk: retrieval.Chunk{
		ID:      fmt.Sprintf("c%d", i),
		Title:   fmt.Sprintf("tool%d(1)", i),
		Heading: "OPTIONS",
		Text: fmt.Sprintf("-r, --recursive: copy directories recursively (pass %d). "+
			"-v, --verbose: explain what is being done. The default is to follow symbolic links on the command line.", i),
	}}
}

// TestPassageCacheBoundedByBytes: the shared cache of analyzed passages
// holds as many as its byte budget allows (more than the 8,192 a count
// bound kept), never more bytes than the budget, and a passage larger than
// the whole budget is analyzed for its request without being kept.
func TestPassageCacheBoundedByBytes(t *testing.T) {
	size := analyze(manPageHit(0)).size + len(passageKey(manPageHit(0)))
	const n = 10_000
	c := newPassageCache(n * (size + 64)) // some room: the ids' lengths differ
	for i := range n {
		h := manPageHit(i)
		ps := newPassages(c)
		if p := ps.get(h); len(p.sents) == 0 {
			t.Fatalf("passage %d: no sentences", i)
		}
	}
	if len(c.m) != n {
		t.Errorf("cache holds %d passages, want all %d within its budget", len(c.m), n)
	}
	for i := range n {
		if c.get(passageKey(manPageHit(i))) == nil {
			t.Fatalf("passage %d is not kept", i)
		}
	}
	for i := n; i < 3*n; i++ { // past the budget: it starts over and stays within it
		newPassages(c).get(manPageHit(i))
		if c.bytes > c.maxBytes {
			t.Fatalf("after passage %d: %d bytes kept, budget %d", i, c.bytes, c.maxBytes)
		}
	}
	small := newPassageCache(2 * size)
	big := manPageHit(-1)
	big.Text = strings.Repeat("A long sentence about copying files. ", 100)
	ps := newPassages(small)
	if p := ps.get(big); len(p.sents) == 0 {
		t.Fatal("the big passage has no sentences")
	}
	if small.get(passageKey(big)) != nil || small.bytes != 0 {
		t.Error("a passage larger than the budget was kept")
	}
}

// TestPassageFootprintIsTheHeap: the estimate the cache's budget counts
// stays within a factor of 1.5 of the heap a man-page-like passage holds
// with its question terms (the estimate counts them on first use).
func TestPassageFootprintIsTheHeap(t *testing.T) {
	const n = 2000
	hits := make([]retrieval.Hit, n)
	for i := range hits {
		hits[i] = manPageHit(i)
	}
	analyze(hits[0]).questionTerms(hits[0].Title) // warm the analyzer's caches
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	kept := make([]*passage, n)
	est := 0
	for i, h := range hits {
		kept[i] = analyze(h)
		kept[i].questionTerms(h.Title)
		est += kept[i].size
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	heap := float64(after.HeapAlloc) - float64(before.HeapAlloc)
	runtime.KeepAlive(kept)
	if r := float64(est) / heap; r < 1/1.5 || r > 1.5 {
		t.Errorf("estimate %d B, heap %.0f B for %d passages: ratio %.2f", est, heap, n, r)
	}
}

// BenchmarkAnalyzePassage is what a miss of the passage cache costs: one
// man-page passage analyzed.
func BenchmarkAnalyzePassage(b *testing.B) {
	h := manPageHit(1)
	b.ReportAllocs()
	for b.Loop() {
		analyze(h)
	}
}
