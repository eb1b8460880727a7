package embedded

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/answerdesk/answerdesk/retrieval"
	"github.com/google/go-cmp/cmp"
)

// accumulator is the exhaustive ranking's working memory, pooled as it was
// when it ranked every search (BenchmarkTopK measures against it).
type accumulator struct {
	acc     []float32
	touched []int32
}

var accPool = sync.Pool{New: func() any { return new(accumulator) }}

// exhaustive is the ranking without pruning, as the index computed it
// before MaxScore: every posting of every query term scored into a dense
// accumulator, term by term in the query's order, then a top-k heap over
// the touched chunks. It is the oracle the pruned ranking must equal.
func (x *index) exhaustive(terms []string, k int, accept func(int32) bool) []scored {
	sc := accPool.Get().(*accumulator)
	defer accPool.Put(sc)
	if len(sc.acc) < len(x.slots) {
		sc.acc = make([]float32, len(x.slots))
	}
	acc := sc.acc
	touched := sc.touched[:0]
	defer func() { sc.touched = touched }()
	n := x.live
	k1 := float32(retrieval.BM25K1 + 1)
	for _, t := range terms {
		id, ok := x.termIDs[t]
		if !ok || x.df[id] == 0 {
			continue
		}
		idf := float32(retrieval.IDF(int(x.df[id]), n))
		for _, p := range x.postings[id] {
			if acc[p.slot] == 0 {
				touched = append(touched, p.slot)
			}
			acc[p.slot] += idf * p.tf * k1 / (p.tf + x.norm[p.slot])
		}
	}
	h := make(topK, 0, k+1)
	for _, slot := range touched {
		s := acc[slot]
		acc[slot] = 0
		if s <= 0 || (len(h) == k && s < h[0].score) || !accept(slot) {
			continue
		}
		e := scored{slot: slot, score: s, id: x.slots[slot].chunk.ID}
		if len(h) < k {
			h = append(h, e)
			h.up(len(h) - 1)
		} else if better(e, h[0]) {
			h[0] = e
			h.down(0, len(h))
		}
	}
	for n := len(h) - 1; n > 0; n-- {
		h[0], h[n] = h[n], h[0]
		h.down(0, n)
	}
	return h
}

// checkIndex fails unless x is ready for the pruned ranking: every term's
// postings in strictly ascending slot order, and every live posting's
// contribution within its term's upper bound.
func checkIndex(tb testing.TB, x *index) {
	tb.Helper()
	k1 := float32(retrieval.BM25K1 + 1)
	for id, ps := range x.postings {
		if x.df[id] == 0 {
			continue
		}
		idf := retrieval.IDF(int(x.df[id]), x.live)
		ub := x.upperBound(int32(id), idf)
		for i, p := range ps {
			if i > 0 && p.slot <= ps[i-1].slot {
				tb.Fatalf("term %d: slot %d after %d", id, p.slot, ps[i-1].slot)
			}
			if !x.slots[p.slot].alive {
				continue
			}
			if c := contribution(float32(idf), p.tf, k1, x.norm[p.slot]); float64(c) > ub {
				tb.Fatalf("term %d slot %d: contribution %v above its bound %v", id, p.slot, c, ub)
			}
		}
	}
}

// randomCorpus draws words from a small Zipf-distributed vocabulary, so
// that lists are long, scores tie (repeated chunks) and a few terms are in
// most chunks.
type randomCorpus struct {
	r     *rand.Rand
	words []string
	zipf  *rand.Zipf
}

func newRandomCorpus(seed uint64, vocab int) *randomCorpus {
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	c := &randomCorpus{r: r, zipf: rand.NewZipf(r, 1.1, 2, uint64(vocab-1))}
	for i := range vocab {
		// Letters only, distinct after stemming: "qa", "qb", …, "qba", …
		w := "q"
		for n := i + 1; n > 0; n /= 26 {
			w += string(rune('a' + n%26))
		}
		c.words = append(c.words, w+"x")
	}
	return c
}

func (c *randomCorpus) text(min, max int) string {
	n := min + c.r.IntN(max-min+1)
	ws := make([]string, n)
	for i := range ws {
		ws[i] = c.words[c.zipf.Uint64()]
	}
	return strings.Join(ws, " ")
}

var (
	randomTenants = []string{"t1", "t2"}
	randomKinds   = []retrieval.Kind{retrieval.KindDoc, retrieval.KindFAQ, retrieval.KindTicket}
)

// document is a random document of 1–4 chunks; a few repeat one text, so
// that their scores tie and the chunk id decides.
func (c *randomCorpus) document(tenant, id string) retrieval.DocumentChunks {
	kind := randomKinds[c.r.IntN(len(randomKinds))]
	doc := retrieval.Document{ID: id, Tenant: tenant, Kind: kind, Title: id}
	var chunks []retrieval.Chunk
	same := c.r.IntN(5) == 0
	text := c.text(1, 30)
	for i := range 1 + c.r.IntN(4) {
		if !same {
			text = c.text(1, 30)
		}
		chunks = append(chunks, retrieval.Chunk{
			ID: fmt.Sprintf("%s#%d", id, i), DocumentID: id, Tenant: tenant, Kind: kind, Text: text,
			Meta: map[string]string{"group": fmt.Sprint(c.r.IntN(3))},
		})
	}
	return retrieval.DocumentChunks{Document: doc, Chunks: chunks}
}

// query is 1–8 of the corpus's words, sometimes one it does not hold,
// with a filter now and then.
func (c *randomCorpus) query() retrieval.Query {
	q := retrieval.Query{Tenant: randomTenants[c.r.IntN(len(randomTenants))]}
	var ws []string
	for range 1 + c.r.IntN(8) {
		if c.r.IntN(3) == 0 {
			ws = append(ws, c.words[c.r.IntN(len(c.words))]) // uniform: rare words too
		} else {
			ws = append(ws, c.words[c.zipf.Uint64()])
		}
	}
	if c.r.IntN(10) == 0 {
		ws = append(ws, "zzunknownzz")
	}
	q.Text = strings.Join(ws, " ")
	switch c.r.IntN(8) {
	case 0:
		q.Kinds = []retrieval.Kind{randomKinds[c.r.IntN(len(randomKinds))]}
	case 1:
		q.Meta = map[string][]string{"group": {"1"}}
	}
	return q
}

// comparePruned runs queries through the pruned ranking and the exhaustive
// one at several depths and fails on the first difference.
func comparePruned(t *testing.T, s *Store, c *randomCorpus, queries int) {
	t.Helper()
	s.mu.RLock()
	defer s.mu.RUnlock()
	x := s.idx
	checkIndex(t, x)
	for range queries {
		q := c.query()
		terms := distinct(q.TermsOf(s.an))
		ten, ok := x.tenants[q.Tenant]
		if !ok {
			continue
		}
		accept := func(slot int32) bool {
			sl := &x.slots[slot]
			return sl.alive && sl.tenant == ten &&
				(len(q.Kinds) == 0 || slices.Contains(q.Kinds, sl.chunk.Kind)) &&
				(len(q.Meta) == 0 || matchMeta(sl.chunk.Meta, q.Meta))
		}
		for _, k := range []int{1, 3, 10, retrieval.FusionDepth} {
			want := x.exhaustive(terms, k, accept)
			got := x.sparse(terms, k, accept)
			if diff := cmp.Diff(want, got, cmp.AllowUnexported(scored{})); diff != "" {
				t.Fatalf("query %q (tenant %s, kinds %v, meta %v), k=%d: pruned ranking differs (-exhaustive +pruned):\n%s",
					q.Text, q.Tenant, q.Kinds, q.Meta, k, diff)
			}
		}
	}
}

// TestPrunedRankingIsExhaustive compares the pruned ranking with scoring
// every posting, hit for hit and score for score, on random corpora: after
// adding, after deleting and replacing documents (stale bounds, dead
// postings), after a compaction whose freed slots are reused (postings
// appended out of slot order), and after reopening from the snapshot. The
// last corpus spans several windows of slots.
func TestPrunedRankingIsExhaustive(t *testing.T) {
	ctx := context.Background()
	for seed := range uint64(6) {
		docs, queries := 150, 150
		if seed == 5 {
			docs, queries = 3600, 40 // about 9,000 chunks: three windows
		}
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) {
			c := newRandomCorpus(seed, 40+int(seed)*40)
			dir := t.TempDir()
			s := openStore(t, dir)
			defer func() { s.Close() }()
			ids := map[string][]string{}
			put := func(tenant, id string) {
				t.Helper()
				dc := c.document(tenant, id)
				if err := s.ReplaceDocument(ctx, dc.Document, dc.Chunks); err != nil {
					t.Fatal(err)
				}
			}
			var batch []retrieval.DocumentChunks
			for i := range docs {
				ten := randomTenants[i%2]
				id := fmt.Sprintf("d%04d", i)
				batch = append(batch, c.document(ten, id))
				ids[ten] = append(ids[ten], id)
				if len(batch) == 500 || i == docs-1 {
					if err := s.ReplaceDocuments(ctx, batch); err != nil {
						t.Fatal(err)
					}
					batch = batch[:0]
				}
			}
			if s.idx.live < docs || (docs > 150 && len(s.idx.slots) <= 2*window) {
				t.Fatalf("fixture: %d chunks of %d documents in %d slots", s.idx.live, docs, len(s.idx.slots))
			}
			comparePruned(t, s, c, queries)

			// Deletes and updates: bounds now cover dead postings and the
			// average length moved.
			for range 40 {
				ten := randomTenants[c.r.IntN(2)]
				i := c.r.IntN(len(ids[ten]))
				id := ids[ten][i]
				if c.r.IntN(2) == 0 {
					if err := s.DeleteDocument(ctx, ten, id); err != nil {
						t.Fatal(err)
					}
					ids[ten] = slices.Delete(ids[ten], i, i+1)
				} else {
					put(ten, id)
				}
			}
			comparePruned(t, s, c, queries)

			// Compaction frees the dead slots; new chunks reuse them, below
			// the slots already in the postings.
			s.mu.Lock()
			s.idx.compact()
			free := len(s.idx.free)
			s.idx.settle()
			s.mu.Unlock()
			if free == 0 {
				t.Fatal("fixture: compaction freed no slot")
			}
			for i := range 24 {
				put(randomTenants[i%2], fmt.Sprintf("n%03d", i))
			}
			s.mu.RLock()
			reused := len(s.idx.free) < free
			s.mu.RUnlock()
			if !reused {
				t.Fatal("fixture: no freed slot reused")
			}
			comparePruned(t, s, c, queries)

			// One batch replacing many documents, then a reopen from the
			// snapshot (bounds computed at load).
			batch = batch[:0]
			for i := range 30 {
				batch = append(batch, c.document("t1", fmt.Sprintf("b%03d", i)))
			}
			if err := s.ReplaceDocuments(ctx, batch); err != nil {
				t.Fatal(err)
			}
			comparePruned(t, s, c, queries)
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
			s = openStore(t, dir)
			if !fromSnapshot(s) {
				t.Fatal("reopen rebuilt the index: want the snapshot")
			}
			comparePruned(t, s, c, queries)
		})
	}
}

// TestPrunedRankingTies: chunks of one text tie on score, and the chunk id
// breaks the tie, with the tying chunks in slots in the opposite order of
// their ids.
func TestPrunedRankingTies(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	defer s.Close()
	var docs []retrieval.DocumentChunks
	for i := 29; i >= 0; i-- {
		id := fmt.Sprintf("d%02d", i)
		text := "common words here"
		if i%3 == 0 {
			text = "rare term beside common words"
		}
		docs = append(docs, retrieval.DocumentChunks{
			Document: retrieval.Document{ID: id, Tenant: "t", Kind: retrieval.KindDoc, Title: id},
			Chunks:   []retrieval.Chunk{{ID: id, DocumentID: id, Tenant: "t", Kind: retrieval.KindDoc, Text: text}},
		})
	}
	if err := s.ReplaceDocuments(ctx, docs); err != nil {
		t.Fatal(err)
	}
	res, err := s.Search(ctx, retrieval.Query{Text: "rare common words", Tenant: "t", K: 5})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, h := range res.Hits {
		got = append(got, h.Chunk.ID)
	}
	// d00, d03, … hold the rare term and tie among themselves.
	if want := []string{"d00", "d03", "d06", "d09", "d12"}; !slices.Equal(want, got) {
		t.Errorf("hits %v, want %v", got, want)
	}
	c := &randomCorpus{r: rand.New(rand.NewPCG(1, 2)), words: []string{"rare", "term", "beside", "common", "words", "here"}}
	c.zipf = rand.NewZipf(c.r, 1.1, 2, uint64(len(c.words)-1))
	comparePruned(t, s, c, 200)
}
