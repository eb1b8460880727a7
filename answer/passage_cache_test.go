package answer

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"strconv"
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
	size := analyze(manPageHit(0)).size + keyOf(manPageHit(0)).size()
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
		if c.get(keyOf(manPageHit(i))) == nil {
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
	if small.get(keyOf(big)) != nil || small.bytes != 0 {
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

// TestPassageKeyOfContent: a passage's key is its chunk id and content:
// the same for the same id, title, heading and text, another when any of
// them differs, by a byte anywhere in texts of every length and byte.
func TestPassageKeyOfContent(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	texts := []string{"", "\x00", "a", "Привет, мир", "多少钱", string([]byte{0xff, 0xfe, 0x80})}
	for range 500 {
		b := make([]byte, r.IntN(600))
		for i := range b {
			b[i] = byte(r.Uint32())
		}
		texts = append(texts, string(b))
	}
	for i, text := range texts {
		h := retrieval.Hit{Chunk: retrieval.Chunk{ID: strconv.Itoa(i), Title: texts[(i+1)%len(texts)], Heading: texts[(i+7)%len(texts)], Text: text}}
		k := keyOf(h)
		if again := keyOf(h); again != k || k.id != h.ID {
			t.Fatalf("keyOf(%q) = %v, then %v", h.ID, k, again)
		}
		other := func(name string, change func(h *retrieval.Hit)) {
			o := h
			change(&o)
			if keyOf(o) == k {
				t.Errorf("passage %d with another %s: the same key", i, name)
			}
		}
		other("id", func(o *retrieval.Hit) { o.ID += "x" })
		other("title", func(o *retrieval.Hit) { o.Title += "x" })
		other("heading", func(o *retrieval.Hit) { o.Heading = "x" + o.Heading })
		if len(text) > 0 {
			at := r.IntN(len(text))
			other("byte of the text", func(o *retrieval.Hit) {
				b := []byte(o.Text)
				b[at] ^= 1 << r.IntN(8)
				o.Text = string(b)
			})
		}
	}
}
