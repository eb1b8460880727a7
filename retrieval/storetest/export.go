package storetest

import (
	"context"
	"math"
	"slices"
	"testing"

	"github.com/answerdesk/answerdesk/retrieval"
	"github.com/answerdesk/answerdesk/retrieval/dense"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// RunExporter checks the retrieval.Exporter contract of a store that
// implements it: everything written comes back whole and in order, per
// tenant or for all, with counts and the BM25 average length.
func RunExporter(t *testing.T, newStore func(t *testing.T) retrieval.Store) {
	ctx := context.Background()
	s := newStore(t)
	defer s.Close()
	ex, ok := s.(retrieval.Exporter)
	if !ok {
		t.Fatalf("%T does not implement retrieval.Exporter", s)
	}
	written := []retrieval.DocumentChunks{
		withDense(Doc("t1", "a", retrieval.KindDoc, "apples and oranges", "pears, plums and quinces"), "m1", []float32{1, 0, 0}, []float32{0, 1, 0.5}),
		withDense(Doc("t1", "b", retrieval.KindFAQ, "Как сбросить хаб?"), "m1", []float32{0, 1, 0}),
		withDense(Doc("t2", "c", retrieval.KindTicket, "退款需要多久"), "m1", []float32{0, 0.9, 0.1}),
	}
	written[0].Document.Meta = map[string]string{"product": "hub"}
	written[0].Chunks[1].Heading, written[0].Chunks[1].Page = "Fruit › Stone", 2
	// Written out of order: the export orders by tenant and id.
	for _, i := range []int{2, 1, 0} {
		put(t, s, written[i])
	}
	export := func(tenant string) []retrieval.DocumentChunks {
		t.Helper()
		var got []retrieval.DocumentChunks
		if err := ex.Export(ctx, tenant, func(d retrieval.DocumentChunks) error { got = append(got, d); return nil }); err != nil {
			t.Fatalf("Export(%q): %v", tenant, err)
		}
		return got
	}
	// Dense vectors may come back normalized (Qdrant stores cosine vectors
	// at unit length): equal when they point the same way.
	sameDirection := cmp.Comparer(func(a, b []float32) bool {
		return slices.Equal(a, b) || math.Abs(dense.Cosine(a, b)-1) < 1e-6
	})
	opts := cmp.Options{cmpopts.IgnoreFields(retrieval.Document{}, "Chunks", "Updated"), cmpopts.EquateEmpty(), sameDirection}
	if diff := cmp.Diff(written, export(""), opts); diff != "" {
		t.Errorf("Export of every tenant (-written +exported):\n%s", diff)
	}
	if diff := cmp.Diff(written[:2], export("t1"), opts); diff != "" {
		t.Errorf("Export of t1 (-written +exported):\n%s", diff)
	}
	for _, d := range export("") {
		if d.Document.Chunks != len(d.Chunks) {
			t.Errorf("%s: Document.Chunks = %d, exported %d chunks", d.Document.ID, d.Document.Chunks, len(d.Chunks))
		}
	}

	var sum, n float64
	for _, d := range written[:2] {
		for _, c := range d.Chunks {
			_, l := retrieval.DefaultAnalyzer.TermFreqs(retrieval.IndexText(c))
			sum += float64(l)
			n++
		}
	}
	st, err := ex.ExportStats(ctx, "t1")
	if err != nil {
		t.Fatal(err)
	}
	if st.Documents != 2 || st.Chunks != 3 || math.Abs(st.AvgLen-sum/n) > 1e-9 {
		t.Errorf("ExportStats(t1) = %+v, want 2 documents, 3 chunks, average length %v", st, sum/n)
	}
	if st, err := ex.ExportStats(ctx, ""); err != nil || st.Documents != 3 || st.Chunks != 4 {
		t.Errorf("ExportStats() = %+v, %v; want 3 documents, 4 chunks", st, err)
	}

	// fn's error stops the export and comes back.
	stop := context.Canceled
	calls := 0
	if err := ex.Export(ctx, "", func(retrieval.DocumentChunks) error { calls++; return stop }); err != stop || calls != 1 {
		t.Errorf("Export with a failing fn: %v after %d calls, want fn's error after 1", err, calls)
	}
}
