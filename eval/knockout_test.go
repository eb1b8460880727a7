package eval

import (
	"context"
	"testing"

	"github.com/answerdesk/answerdesk/answer"
	"github.com/answerdesk/answerdesk/eval/suite/suitetest"
	"github.com/answerdesk/answerdesk/retrieval"
	"github.com/google/go-cmp/cmp"
)

func knockoutSuite() *Suite {
	s := &Suite{Name: "k"}
	// Ten documents with two questions each, one question over two
	// documents, and one unanswerable question.
	for d := range 10 {
		doc := string(rune('a' + d))
		for j := range 2 {
			s.Queries = append(s.Queries, Query{ID: doc + string(rune('0'+j)), Text: "q", Relevant: []string{doc}, Answerable: true})
		}
	}
	s.Queries = append(s.Queries,
		Query{ID: "two", Text: "q", Relevant: []string{"a", "b"}, Answerable: true},
		Query{ID: "none", Text: "q", Meta: map[string]any{"x": 1}})
	return s
}

func TestKnockout(t *testing.T) {
	s := knockoutSuite()
	out, docs, err := Knockout{Fraction: 0.3, Seed: 7}.Apply(s)
	if err != nil {
		t.Fatal(err)
	}
	removed := map[string]bool{}
	for _, d := range docs {
		removed[d] = true
	}
	lost := 0
	for i, q := range out.Queries {
		orig := s.Queries[i]
		if !orig.Answerable {
			if q.Answerable || q.Meta["unanswerable_source"] != nil {
				t.Errorf("%s: an unanswerable question changed: %+v", q.ID, q)
			}
			continue
		}
		var keep []string
		for _, d := range orig.Relevant {
			if !removed[d] {
				keep = append(keep, d)
			}
		}
		if len(keep) == 0 {
			lost++
			if q.Answerable || len(q.Relevant) != 0 || q.Meta["unanswerable_source"] != "knockout" {
				t.Errorf("%s lost every relevant document but is %+v", q.ID, q)
			}
		} else if !q.Answerable || !cmp.Equal(keep, q.Relevant) {
			t.Errorf("%s keeps %v, got %+v", q.ID, keep, q)
		}
	}
	// 21 answerable: at least 0.3·21 ≈ 6 lost, and since each document
	// takes two questions with it, at most 6+2 (collateral "two").
	if lost < 6 || lost > 9 {
		t.Errorf("%d answerable questions knocked out, want about 30%% of 21", lost)
	}
	if s.Queries[0].Answerable != true || s.Queries[len(s.Queries)-1].Meta["unanswerable_source"] != nil {
		t.Error("Apply modified the original suite")
	}
	again, docs2, _ := Knockout{Fraction: 0.3, Seed: 7}.Apply(s)
	if !cmp.Equal(docs, docs2) || !cmp.Equal(out.Queries, again.Queries) {
		t.Error("the same seed knocked out different documents")
	}
	_, docs3, _ := Knockout{Fraction: 0.3, Seed: 8}.Apply(s)
	if cmp.Equal(docs, docs3) {
		t.Errorf("seeds 7 and 8 knocked out the same documents %v", docs)
	}
	if _, docs, _ := (Knockout{}).Apply(s); docs != nil {
		t.Errorf("fraction 0 removed %v", docs)
	}
	for _, f := range []float64{-0.1, 1, 2} {
		if _, _, err := (Knockout{Fraction: f}).Apply(s); err == nil {
			t.Errorf("fraction %v accepted", f)
		}
	}
}

// recordingAnswerer answers every question by searching the store and
// escalating, so that the test sees which documents the index still has.
type recordingAnswerer struct{ store retrieval.Store }

func (r recordingAnswerer) Answer(ctx context.Context, req answer.Request) (answer.Answer, error) {
	res, err := r.store.Search(ctx, retrieval.Query{Text: req.Question, Tenant: req.Tenant, K: 10})
	a := answer.Answer{Decision: answer.Escalated}
	for _, h := range res.Hits {
		a.Hits = append(a.Hits, answer.HitSummary{ChunkID: h.ID, DocumentID: h.DocumentID})
	}
	return a, err
}

func TestHarnessKnockoutRemovesDocuments(t *testing.T) {
	corpus := `{"id":"a","text":"alpha apples"}` + "\n" + `{"id":"b","text":"beta bananas"}` + "\n" + `{"id":"c","text":"gamma cherries"}`
	queries := `{"id":"qa","text":"apples","relevant":["a"],"answerable":true}` + "\n" +
		`{"id":"qb","text":"bananas","relevant":["b"],"answerable":true}` + "\n" +
		`{"id":"qc","text":"cherries","relevant":["c"],"answerable":true}`
	dir := suitetest.Write(t, map[string]string{"corpus.jsonl": corpus, "queries.jsonl": queries})
	for _, cached := range []bool{false, true} {
		h := fakeHarness()
		h.NewAnswerer = func(_ context.Context, st retrieval.Store) (Answerer, error) { return recordingAnswerer{st}, nil }
		h.Knockout = Knockout{Fraction: 0.3, Seed: 1}
		if cached {
			h.CacheDir = t.TempDir()
		}
		for round := range 2 { // the second round reuses the cache: it must still hold every document
			runs, err := h.Run(context.Background(), dir)
			if err != nil {
				t.Fatal(err)
			}
			r := runs[0]
			if r.Report.Documents != 2 {
				t.Errorf("cached %v round %d: %d documents in the index, want 3 minus 1 knocked out", cached, round, r.Report.Documents)
			}
			knocked := 0
			for _, res := range r.Results {
				if res.Query.Answerable {
					if len(res.Docs) == 0 || res.Docs[0] != res.Query.Relevant[0] {
						t.Errorf("%s: hits %v", res.Query.ID, res.Docs)
					}
					continue
				}
				knocked++
				if len(res.Docs) > 0 && res.Docs[0] == res.Query.ID[1:] {
					t.Errorf("%s: its knocked-out document is still retrieved: %v", res.Query.ID, res.Docs)
				}
			}
			if knocked != 1 {
				t.Errorf("%d questions knocked out, want 1 (0.3 of 3, rounded)", knocked)
			}
		}
		h.Knockout = Knockout{}
		runs, err := h.Run(context.Background(), dir)
		if err != nil {
			t.Fatal(err)
		}
		if n := runs[0].Report.Documents; n != 3 {
			t.Errorf("cached %v: %d documents without knock-out, want 3: the knock-out damaged the cache", cached, n)
		}
	}
}

func TestHarnessRemovesSplitDocuments(t *testing.T) {
	corpus := `{"id":"a","text":"alpha apples"}` + "\n" + `{"id":"b","text":"beta bananas"}` + "\n" + `{"id":"c","text":"gamma cherries"}`
	queries := `{"id":"qa","text":"apples","relevant":["a"],"answerable":true}`
	dir := suitetest.Write(t, map[string]string{"corpus.jsonl": corpus, "queries.jsonl": queries})
	for _, cached := range []bool{false, true} {
		h := fakeHarness()
		h.NewAnswerer = func(_ context.Context, st retrieval.Store) (Answerer, error) { return recordingAnswerer{st}, nil }
		if cached {
			h.CacheDir = t.TempDir()
		}
		s, err := LoadSuite(dir)
		if err != nil {
			t.Fatal(err)
		}
		split := *s
		split.Without = []string{"b", "c"}
		r, err := h.RunSuite(context.Background(), &split)
		if err != nil {
			t.Fatal(err)
		}
		if r.Report.Documents != 1 {
			t.Errorf("cached %v: %d documents in the index, want 3 minus the 2 of the other half", cached, r.Report.Documents)
		}
		if r, err = h.RunSuite(context.Background(), s); err != nil {
			t.Fatal(err)
		}
		if r.Report.Documents != 3 {
			t.Errorf("cached %v: %d documents without a split, want 3: the split damaged the cache", cached, r.Report.Documents)
		}
	}
}

func TestKnockOutChosenDocuments(t *testing.T) {
	s := knockoutSuite()
	s.Without = []string{"j"}
	out := KnockOut(s, "a", "c")
	if diff := cmp.Diff([]string{"j", "a", "c"}, out.Without); diff != "" {
		t.Errorf("without (-want +got):\n%s", diff)
	}
	for i, q := range out.Queries {
		orig := s.Queries[i]
		switch {
		case q.ID == "two":
			// Loses a, keeps b: still answerable, from b alone.
			if !q.Answerable || !cmp.Equal(q.Relevant, []string{"b"}) {
				t.Errorf("two: %+v, want answerable from b", q)
			}
		case len(orig.Relevant) == 1 && (orig.Relevant[0] == "a" || orig.Relevant[0] == "c"):
			if q.Answerable || len(q.Relevant) != 0 || q.Meta["unanswerable_source"] != "knockout" {
				t.Errorf("%s lost its document but is %+v", q.ID, q)
			}
		default:
			if !cmp.Equal(q, orig) {
				t.Errorf("%s changed: %+v", q.ID, q)
			}
		}
	}
	if !s.Queries[0].Answerable || len(s.Without) != 1 || s.Queries[len(s.Queries)-1].Meta["unanswerable_source"] != nil {
		t.Error("KnockOut modified the original suite")
	}
}
