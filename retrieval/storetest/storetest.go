// Package storetest is the conformance suite every retrieval.Store backend
// runs in its tests: the embedded store, the Qdrant adapter over an
// in-process server, and a real Qdrant when one is configured.
package storetest

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"sort"
	"sync"
	"testing"

	"github.com/answerdesk/answerdesk/retrieval"
	"github.com/google/go-cmp/cmp"
)

// Run runs the suite. newStore returns an empty store; the suite closes it.
func Run(t *testing.T, newStore func(t *testing.T) retrieval.Store) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s retrieval.Store)
	}{
		{"ReplaceAndSearch", testReplaceAndSearch},
		{"ReplaceIsAtomicSwap", testReplaceIsAtomicSwap},
		{"ReingestIdempotent", testReingestIdempotent},
		{"DeleteDocument", testDeleteDocument},
		{"TenantIsolation", testTenantIsolation},
		{"Filters", testFilters},
		{"Multilingual", testMultilingual},
		{"DocumentListing", testDocumentListing},
		{"InvalidInput", testInvalidInput},
		{"RankingOrder", testRankingOrder},
		{"Dense", testDense},
		{"DenseModelMismatch", testDenseModelMismatch},
		{"Concurrent", testConcurrent},
		{"AnalyzedTerms", testAnalyzedTerms},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := newStore(t)
			defer s.Close()
			tc.fn(t, s)
		})
	}
}

// Doc builds a document and its chunks from texts, with ids the way ingest
// makes them.
func Doc(tenant, id string, kind retrieval.Kind, texts ...string) retrieval.DocumentChunks {
	d := retrieval.Document{ID: id, Tenant: tenant, Kind: kind, Title: "Title of " + id, Lang: "en", Hash: fmt.Sprint(texts), Source: "/src/" + id}
	var cs []retrieval.Chunk
	for i, tx := range texts {
		cs = append(cs, retrieval.Chunk{
			ID: fmt.Sprintf("%s/%s/%d", tenant, id, i), DocumentID: id, Tenant: tenant, Kind: kind,
			Title: d.Title, Text: tx, Lang: retrieval.DetectLang(tx), Position: i,
		})
	}
	return retrieval.DocumentChunks{Document: d, Chunks: cs}
}

func put(t *testing.T, s retrieval.Store, dc retrieval.DocumentChunks) {
	t.Helper()
	if err := s.ReplaceDocument(context.Background(), dc.Document, dc.Chunks); err != nil {
		t.Fatalf("ReplaceDocument(%s): %v", dc.Document.ID, err)
	}
}

func search(t *testing.T, s retrieval.Store, q retrieval.Query) retrieval.Result {
	t.Helper()
	res, err := s.Search(context.Background(), q)
	if err != nil {
		t.Fatalf("Search(%q): %v", q.Text, err)
	}
	return res
}

// ids returns the chunk ids of hits in order.
func ids(res retrieval.Result) []string {
	out := []string{}
	for _, h := range res.Hits {
		out = append(out, h.ID)
	}
	return out
}

func docIDs(res retrieval.Result) []string {
	out := []string{}
	for _, h := range res.Hits {
		out = append(out, h.DocumentID)
	}
	return out
}

func testReplaceAndSearch(t *testing.T, s retrieval.Store) {
	put(t, s, Doc("t1", "wifi", retrieval.KindDoc, "To reset the WiFi module hold the pairing button for ten seconds.", "The status light blinks blue while pairing."))
	put(t, s, Doc("t1", "billing", retrieval.KindDoc, "Invoices are sent by email on the first day of each month."))
	res := search(t, s, retrieval.Query{Text: "how do I reset wifi", Tenant: "t1"})
	if len(res.Hits) == 0 || res.Hits[0].ID != "t1/wifi/0" {
		t.Fatalf("top hit = %v, want t1/wifi/0", ids(res))
	}
	h := res.Hits[0]
	if h.DocumentID != "wifi" || h.Tenant != "t1" || h.Kind != retrieval.KindDoc || h.Title != "Title of wifi" || h.Text == "" {
		t.Errorf("hit fields not returned: %+v", h.Chunk)
	}
	if h.Score <= 0 || h.SparseScore <= 0 || h.SparseRank != 1 {
		t.Errorf("scores = %v sparse %v rank %d, want positive and rank 1", h.Score, h.SparseScore, h.SparseRank)
	}
	if res.SelfScore < h.SparseScore {
		t.Errorf("SelfScore %v below top score %v", res.SelfScore, h.SparseScore)
	}
	// IDF: every indexed term of the question, the rarer the higher; "how"
	// and "do" are stopwords, "reset" is in one chunk, "wifi" too.
	if len(res.IDF) != len(res.Terms) {
		t.Errorf("IDF %v does not cover the terms %v", res.IDF, res.Terms)
	}
	for _, term := range res.Terms {
		if !(res.IDF[term] > 0) {
			t.Errorf("IDF[%q] = %v, want positive", term, res.IDF[term])
		}
	}
	for _, other := range res.Hits {
		if other.DocumentID == "billing" {
			t.Errorf("billing chunk matched a wifi question: %v", ids(res))
		}
	}
	if res := search(t, s, retrieval.Query{Text: "zebra xylophone", Tenant: "t1"}); len(res.Hits) != 0 {
		t.Errorf("unrelated query returned %v", ids(res))
	}
}

func testReplaceIsAtomicSwap(t *testing.T, s retrieval.Store) {
	put(t, s, Doc("t1", "guide", retrieval.KindDoc, "old paragraph about thermostats", "old paragraph about sprinklers", "old paragraph about doorbells"))
	put(t, s, Doc("t1", "guide", retrieval.KindDoc, "new paragraph about thermostats"))
	if res := search(t, s, retrieval.Query{Text: "sprinklers doorbells", Tenant: "t1"}); len(res.Hits) != 0 {
		t.Errorf("old chunks still found after replace: %v", ids(res))
	}
	res := search(t, s, retrieval.Query{Text: "thermostats paragraph", Tenant: "t1"})
	if diff := cmp.Diff([]string{"t1/guide/0"}, ids(res)); diff != "" {
		t.Errorf("after replace (-want +got):\n%s", diff)
	}
	if res.Hits[0].Text != "new paragraph about thermostats" {
		t.Errorf("text = %q, want the new one", res.Hits[0].Text)
	}
	d, err := s.Document(context.Background(), "t1", "guide")
	if err != nil {
		t.Fatal(err)
	}
	if d.Chunks != 1 {
		t.Errorf("Document.Chunks = %d, want 1", d.Chunks)
	}
}

func testReingestIdempotent(t *testing.T, s retrieval.Store) {
	dc := Doc("t1", "faq1", retrieval.KindFAQ, "Q: Can I pay by invoice? A: Yes, for annual plans.")
	for i := 0; i < 3; i++ {
		put(t, s, dc)
	}
	res := search(t, s, retrieval.Query{Text: "pay by invoice", Tenant: "t1"})
	if diff := cmp.Diff([]string{"t1/faq1/0"}, ids(res)); diff != "" {
		t.Errorf("re-ingest duplicated chunks (-want +got):\n%s", diff)
	}
	st, err := s.Stats(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if st.Documents != 1 || st.Chunks != 1 {
		t.Errorf("Stats = %+v, want 1 document, 1 chunk", st)
	}
	d, err := s.Document(context.Background(), "t1", "faq1")
	if err != nil {
		t.Fatal(err)
	}
	if d.Hash != dc.Document.Hash || d.Source != dc.Document.Source || d.Kind != retrieval.KindFAQ {
		t.Errorf("Document = %+v, want hash %q source %q", d, dc.Document.Hash, dc.Document.Source)
	}
}

func testDeleteDocument(t *testing.T, s retrieval.Store) {
	ctx := context.Background()
	put(t, s, Doc("t1", "a", retrieval.KindDoc, "alpha router firmware update"))
	put(t, s, Doc("t1", "b", retrieval.KindDoc, "beta router firmware rollback"))
	if err := s.DeleteDocument(ctx, "t1", "a"); err != nil {
		t.Fatal(err)
	}
	res := search(t, s, retrieval.Query{Text: "router firmware", Tenant: "t1"})
	if diff := cmp.Diff([]string{"b"}, docIDs(res)); diff != "" {
		t.Errorf("after delete (-want +got):\n%s", diff)
	}
	if _, err := s.Document(ctx, "t1", "a"); !errors.Is(err, retrieval.ErrNotFound) {
		t.Errorf("Document(deleted) error = %v, want ErrNotFound", err)
	}
	if err := s.DeleteDocument(ctx, "t1", "a"); !errors.Is(err, retrieval.ErrNotFound) {
		t.Errorf("second delete error = %v, want ErrNotFound", err)
	}
	if err := s.DeleteDocument(ctx, "t2", "b"); !errors.Is(err, retrieval.ErrNotFound) {
		t.Errorf("delete across tenants error = %v, want ErrNotFound", err)
	}
	if res := search(t, s, retrieval.Query{Text: "beta rollback", Tenant: "t1"}); len(res.Hits) != 1 {
		t.Errorf("other tenant's delete removed t1's document: %v", ids(res))
	}
}

func testTenantIsolation(t *testing.T, s retrieval.Store) {
	ctx := context.Background()
	put(t, s, Doc("acme", "canary", retrieval.KindDoc, "the secret canary phrase is purple-walrus-42"))
	put(t, s, Doc("globex", "public", retrieval.KindDoc, "public note about walrus feeding"))
	res := search(t, s, retrieval.Query{Text: "secret canary purple walrus 42", Tenant: "globex", K: 100})
	for _, h := range res.Hits {
		if h.Tenant != "globex" {
			t.Fatalf("tenant globex saw %s of tenant %s", h.ID, h.Tenant)
		}
	}
	if _, err := s.Document(ctx, "globex", "canary"); !errors.Is(err, retrieval.ErrNotFound) {
		t.Errorf("Document across tenants error = %v, want ErrNotFound", err)
	}
	docs, err := s.Documents(ctx, retrieval.DocFilter{Tenant: "globex"})
	if err != nil {
		t.Fatal(err)
	}
	if len(docs) != 1 || docs[0].ID != "public" {
		t.Errorf("Documents(globex) = %+v, want only public", docs)
	}
	// Same document id in two tenants: two documents.
	put(t, s, Doc("globex", "canary", retrieval.KindDoc, "globex has its own canary about lighthouses"))
	res = search(t, s, retrieval.Query{Text: "purple walrus", Tenant: "acme"})
	if len(res.Hits) != 1 || res.Hits[0].Tenant != "acme" {
		t.Errorf("acme's canary lost after globex wrote the same id: %v", ids(res))
	}
	if res := search(t, s, retrieval.Query{Text: "purple walrus", Tenant: "nobody"}); len(res.Hits) != 0 {
		t.Errorf("unknown tenant saw %v", ids(res))
	}
}

func testFilters(t *testing.T, s retrieval.Store) {
	d := Doc("t1", "doc-v2", retrieval.KindDoc, "battery replacement guide for the hub")
	d.Document.Meta = map[string]string{"product": "hub", "version": "2"}
	for i := range d.Chunks {
		d.Chunks[i].Meta = d.Document.Meta
	}
	put(t, s, d)
	f := Doc("t1", "faq-battery", retrieval.KindFAQ, "Q: how long does the battery last? A: two years")
	f.Document.Meta = map[string]string{"product": "sensor"}
	f.Chunks[0].Meta = f.Document.Meta
	put(t, s, f)
	tests := []struct {
		name string
		q    retrieval.Query
		want []string
	}{
		{"no filter", retrieval.Query{Text: "battery"}, []string{"doc-v2", "faq-battery"}},
		{"kind faq", retrieval.Query{Text: "battery", Kinds: []retrieval.Kind{retrieval.KindFAQ}}, []string{"faq-battery"}},
		{"kind doc or ticket", retrieval.Query{Text: "battery", Kinds: []retrieval.Kind{retrieval.KindDoc, retrieval.KindTicket}}, []string{"doc-v2"}},
		{"meta product", retrieval.Query{Text: "battery", Meta: map[string][]string{"product": {"hub"}}}, []string{"doc-v2"}},
		{"meta any of", retrieval.Query{Text: "battery", Meta: map[string][]string{"product": {"hub", "sensor"}}}, []string{"doc-v2", "faq-battery"}},
		{"meta two keys", retrieval.Query{Text: "battery", Meta: map[string][]string{"product": {"hub"}, "version": {"3"}}}, []string{}},
		{"meta missing key", retrieval.Query{Text: "battery", Meta: map[string][]string{"color": {"red"}}}, []string{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.q.Tenant = "t1"
			got := docIDs(search(t, s, tc.q))
			sort.Strings(got)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func testMultilingual(t *testing.T, s retrieval.Store) {
	put(t, s, Doc("t1", "ru", retrieval.KindDoc, "Чтобы сбросить настройки роутера, удерживайте кнопку питания."))
	put(t, s, Doc("t1", "zh", retrieval.KindDoc, "要重置路由器，请按住电源按钮十秒钟。"))
	put(t, s, Doc("t1", "en", retrieval.KindDoc, "Invoices are emailed monthly."))
	tests := []struct{ q, want string }{
		{"как сбросить настройки роутеров", "ru"}, // different word forms: stemming
		{"如何重置路由器", "zh"},
		{"invoice emails", "en"},
	}
	for _, tc := range tests {
		res := search(t, s, retrieval.Query{Text: tc.q, Tenant: "t1"})
		if len(res.Hits) == 0 || res.Hits[0].DocumentID != tc.want {
			t.Errorf("Search(%q) = %v, want %s first", tc.q, docIDs(res), tc.want)
		}
	}
}

func testDocumentListing(t *testing.T, s retrieval.Store) {
	ctx := context.Background()
	for _, id := range []string{"c", "a", "b"} {
		dc := Doc("t1", id, retrieval.KindDoc, "text of "+id)
		dc.Document.Source = "/kb/" + id + ".md"
		put(t, s, dc)
	}
	put(t, s, Doc("t1", "f", retrieval.KindFAQ, "faq text"))
	all, err := s.Documents(ctx, retrieval.DocFilter{Tenant: "t1"})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, d := range all {
		got = append(got, d.ID)
	}
	if diff := cmp.Diff([]string{"a", "b", "c", "f"}, got); diff != "" {
		t.Errorf("Documents order (-want +got):\n%s", diff)
	}
	page, err := s.Documents(ctx, retrieval.DocFilter{Tenant: "t1", After: "a", Limit: 2})
	if err != nil {
		t.Fatal(err)
	}
	if len(page) != 2 || page[0].ID != "b" || page[1].ID != "c" {
		t.Errorf("page after a, limit 2 = %+v", page)
	}
	faqs, _ := s.Documents(ctx, retrieval.DocFilter{Tenant: "t1", Kind: retrieval.KindFAQ})
	if len(faqs) != 1 || faqs[0].ID != "f" {
		t.Errorf("kind filter = %+v", faqs)
	}
	kb, _ := s.Documents(ctx, retrieval.DocFilter{Tenant: "t1", Source: "/kb/"})
	if len(kb) != 3 {
		t.Errorf("source prefix filter = %d documents, want 3", len(kb))
	}
	if _, err := s.Documents(ctx, retrieval.DocFilter{}); !errors.Is(err, retrieval.ErrInvalid) {
		t.Errorf("Documents without tenant error = %v, want ErrInvalid", err)
	}
}

func testInvalidInput(t *testing.T, s retrieval.Store) {
	ctx := context.Background()
	good := Doc("t1", "good", retrieval.KindDoc, "a good document about lamps")
	put(t, s, good)
	bad := []struct {
		name string
		dc   retrieval.DocumentChunks
	}{
		{"empty id", Doc("t1", "", retrieval.KindDoc, "x")},
		{"empty tenant", Doc("", "x", retrieval.KindDoc, "x")},
		{"unknown kind", Doc("t1", "x", "manual", "x")},
		{"chunk of another document", func() retrieval.DocumentChunks {
			d := Doc("t1", "x", retrieval.KindDoc, "x")
			d.Chunks[0].DocumentID = "good"
			return d
		}()},
		{"chunk of another tenant", func() retrieval.DocumentChunks {
			d := Doc("t1", "x", retrieval.KindDoc, "x")
			d.Chunks[0].Tenant = "t2"
			return d
		}()},
		{"duplicate chunk id", func() retrieval.DocumentChunks {
			d := Doc("t1", "good", retrieval.KindDoc, "replacement one", "replacement two")
			d.Chunks[1].ID = d.Chunks[0].ID
			return d
		}()},
	}
	for _, tc := range bad {
		if err := s.ReplaceDocument(ctx, tc.dc.Document, tc.dc.Chunks); !errors.Is(err, retrieval.ErrInvalid) {
			t.Errorf("%s: error = %v, want ErrInvalid", tc.name, err)
		}
	}
	// Nothing half-written: the good document is intact.
	res := search(t, s, retrieval.Query{Text: "lamps", Tenant: "t1"})
	if diff := cmp.Diff([]string{"t1/good/0"}, ids(res)); diff != "" {
		t.Errorf("after rejected writes (-want +got):\n%s", diff)
	}
	if _, err := s.Search(ctx, retrieval.Query{Text: "lamps"}); !errors.Is(err, retrieval.ErrInvalid) {
		t.Errorf("Search without tenant error = %v, want ErrInvalid", err)
	}
	if _, err := s.Search(ctx, retrieval.Query{Text: "lamps", Tenant: "t1", K: -1}); !errors.Is(err, retrieval.ErrInvalid) {
		t.Errorf("Search with K=-1 error = %v, want ErrInvalid", err)
	}
	for _, q := range []string{"", "   ", "\x00\xff\xfe", "!!!???", "的的的"} {
		if _, err := s.Search(ctx, retrieval.Query{Text: q, Tenant: "t1"}); err != nil {
			t.Errorf("Search(%q) error = %v, want no hits and no error", q, err)
		}
	}
}

func testRankingOrder(t *testing.T, s retrieval.Store) {
	put(t, s, Doc("t1", "strong", retrieval.KindDoc, "thermostat schedule: set the thermostat schedule in the thermostat app"))
	put(t, s, Doc("t1", "weak", retrieval.KindDoc, "the app shows energy reports and a thermostat icon among many other icons and widgets on screen"))
	put(t, s, Doc("t1", "none", retrieval.KindDoc, "doorbell chimes"))
	res := search(t, s, retrieval.Query{Text: "thermostat schedule", Tenant: "t1"})
	if diff := cmp.Diff([]string{"strong", "weak"}, docIDs(res)); diff != "" {
		t.Errorf("ranking (-want +got):\n%s", diff)
	}
	for i := 1; i < len(res.Hits); i++ {
		if res.Hits[i].Score > res.Hits[i-1].Score || res.Hits[i].SparseRank != i+1 {
			t.Errorf("hits not ordered by score with ranks: %+v", res.Hits)
		}
	}
	// K bounds the result.
	for i := 0; i < 20; i++ {
		put(t, s, Doc("t1", fmt.Sprintf("many%02d", i), retrieval.KindDoc, fmt.Sprintf("thermostat note number %d", i)))
	}
	if res := search(t, s, retrieval.Query{Text: "thermostat", Tenant: "t1", K: 5}); len(res.Hits) != 5 {
		t.Errorf("K=5 returned %d hits", len(res.Hits))
	}
	if res := search(t, s, retrieval.Query{Text: "thermostat", Tenant: "t1"}); len(res.Hits) != retrieval.DefaultK {
		t.Errorf("K=0 returned %d hits, want DefaultK=%d", len(res.Hits), retrieval.DefaultK)
	}
}

func withDense(dc retrieval.DocumentChunks, model string, vecs ...[]float32) retrieval.DocumentChunks {
	dc.Document.DenseModel = model
	for i := range dc.Chunks {
		dc.Chunks[i].Dense = vecs[i]
	}
	return dc
}

func testDense(t *testing.T, s retrieval.Store) {
	put(t, s, withDense(Doc("t1", "a", retrieval.KindDoc, "apples and oranges"), "m1", []float32{1, 0, 0}))
	put(t, s, withDense(Doc("t1", "b", retrieval.KindDoc, "bananas"), "m1", []float32{0, 1, 0}))
	put(t, s, withDense(Doc("t2", "c", retrieval.KindDoc, "cherries"), "m1", []float32{0, 0.9, 0.1}))
	// No lexical match: dense alone must find b, and never t2's c.
	res := search(t, s, retrieval.Query{Text: "yellow fruit", Tenant: "t1", Dense: []float32{0.1, 2, 0}})
	if len(res.Hits) == 0 || res.Hits[0].DocumentID != "b" {
		t.Fatalf("dense top hit = %v, want b", docIDs(res))
	}
	if res.Hits[0].DenseRank != 1 || res.Hits[0].DenseScore < 0.9 {
		t.Errorf("dense rank/score = %d/%v, want 1 and cosine near 1", res.Hits[0].DenseRank, res.Hits[0].DenseScore)
	}
	for _, h := range res.Hits {
		if h.Tenant != "t1" {
			t.Errorf("dense search crossed tenants: %s", h.ID)
		}
	}
	// Hybrid: a chunk found by both retrievers outranks one found by one.
	res = search(t, s, retrieval.Query{Text: "apples", Tenant: "t1", Dense: []float32{1, 0.1, 0}})
	if len(res.Hits) == 0 || res.Hits[0].DocumentID != "a" || res.Hits[0].SparseRank != 1 || res.Hits[0].DenseRank != 1 {
		t.Errorf("hybrid top = %+v, want a with sparse and dense rank 1", res.Hits)
	}
	// Across languages the dense rank alone counts: a Russian question
	// naming "Lumen" matches the English chunk a on the name only; the
	// Russian chunk r, nearest in meaning, must come first although a is
	// first for sparse and second for dense.
	put(t, s, withDense(Doc("t1", "r", retrieval.KindDoc, "Как сбросить хаб к заводским настройкам"), "m1", []float32{0, 0, 1}))
	put(t, s, withDense(Doc("t1", "l", retrieval.KindDoc, "Lumen apples and Lumen oranges"), "m1", []float32{0.3, 0, 0.8}))
	res = search(t, s, retrieval.Query{Text: "Lumen как сбросить", Tenant: "t1", Dense: []float32{0.2, 0, 1}})
	if len(res.Hits) < 2 || res.Hits[0].DocumentID != "r" {
		t.Errorf("cross-language hybrid top = %v, want r (the dense match in the question's language)", docIDs(res))
	}
	st, err := s.Stats(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if st.DenseModel != "m1" || st.DenseDim != 3 {
		t.Errorf("Stats dense = %q/%d, want m1/3", st.DenseModel, st.DenseDim)
	}
}

func testDenseModelMismatch(t *testing.T, s retrieval.Store) {
	ctx := context.Background()
	put(t, s, withDense(Doc("t1", "a", retrieval.KindDoc, "apples"), "m1", []float32{1, 0, 0}))
	other := withDense(Doc("t1", "b", retrieval.KindDoc, "bananas"), "m2", []float32{0, 1, 0})
	if err := s.ReplaceDocument(ctx, other.Document, other.Chunks); !errors.Is(err, retrieval.ErrModelMismatch) {
		t.Errorf("other model error = %v, want ErrModelMismatch", err)
	}
	size := withDense(Doc("t1", "c", retrieval.KindDoc, "cherries"), "m1", []float32{0, 1})
	if err := s.ReplaceDocument(ctx, size.Document, size.Chunks); !errors.Is(err, retrieval.ErrModelMismatch) {
		t.Errorf("other size error = %v, want ErrModelMismatch", err)
	}
	if _, err := s.Search(ctx, retrieval.Query{Text: "x", Tenant: "t1", Dense: []float32{1, 0}}); !errors.Is(err, retrieval.ErrModelMismatch) {
		t.Errorf("query of other size error = %v, want ErrModelMismatch", err)
	}
	if _, err := s.Document(ctx, "t1", "b"); !errors.Is(err, retrieval.ErrNotFound) {
		t.Errorf("rejected document was written: %v", err)
	}
}

func testConcurrent(t *testing.T, s retrieval.Store) {
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < 10; i++ {
				dc := Doc("t1", fmt.Sprintf("w%d-%d", w, i), retrieval.KindDoc, fmt.Sprintf("concurrent write %d about gadgets", i))
				if err := s.ReplaceDocument(ctx, dc.Document, dc.Chunks); err != nil {
					errs <- err
					return
				}
				if _, err := s.Search(ctx, retrieval.Query{Text: "gadgets", Tenant: "t1"}); err != nil {
					errs <- err
					return
				}
			}
		}(w)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	st, err := s.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st.Documents != 40 || st.Chunks != 40 {
		t.Errorf("Stats = %+v, want 40 documents and chunks", st)
	}
}

// testAnalyzedTerms: a query's Terms (the caller's analysis of its Text)
// are what the store searches for, and the store leaves them as they are.
func testAnalyzedTerms(t *testing.T, s retrieval.Store) {
	put(t, s, Doc("t1", "zigbee", retrieval.KindDoc, "Motion sensors pair over Zigbee in the app."))
	put(t, s, Doc("t1", "wifi", retrieval.KindDoc, "The hub joins 2.4 GHz Wi-Fi networks only."))
	terms := retrieval.DefaultAnalyzer.Terms("zigbee sensors")
	given := append([]string(nil), terms...)
	// Text and Terms disagree on purpose: the store must not analyze Text.
	res := search(t, s, retrieval.Query{Tenant: "t1", Text: "wifi networks", Terms: terms})
	if len(res.Hits) == 0 || res.Hits[0].DocumentID != "zigbee" {
		t.Errorf("hits %v, want the zigbee document first (the query's Terms)", ids(res))
	}
	if !reflect.DeepEqual(given, terms) {
		t.Errorf("the store changed the caller's terms: %q, was %q", terms, given)
	}
}
