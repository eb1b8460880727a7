package eval

import (
	"context"
	"sync"
	"testing"

	"github.com/answerdesk/answerdesk/answer"
	"github.com/answerdesk/answerdesk/eval/suite/suitetest"
	"github.com/answerdesk/answerdesk/retrieval"
)

// searchRecorder answers by searching its store, and keeps each question's
// search result.
type searchRecorder struct {
	store retrieval.Store
	mu    *sync.Mutex
	got   map[string]retrieval.Result
}

func (r searchRecorder) Answer(ctx context.Context, req answer.Request) (answer.Answer, error) {
	res, err := r.store.Search(ctx, retrieval.Query{Text: req.Question, Tenant: req.Tenant, K: 10})
	r.mu.Lock()
	r.got[req.Question] = res
	r.mu.Unlock()
	a := answer.Answer{Decision: answer.Escalated}
	for _, h := range res.Hits {
		a.Hits = append(a.Hits, answer.HitSummary{ChunkID: h.ID, DocumentID: h.DocumentID})
	}
	return a, err
}

// TestKnockoutKeepVocabulary: a knock-out that keeps the vocabulary never
// returns a knocked-out document, ranks the hits left from 1, and leaves
// the knocked-out document's words in the index (the question's terms and
// their IDFs), where a deleting knock-out takes them out.
func TestKnockoutKeepVocabulary(t *testing.T) {
	corpus := `{"id":"a","text":"alpha apples apples"}` + "\n" + `{"id":"b","text":"beta bananas bananas"}` + "\n" +
		`{"id":"c","text":"gamma cherries cherries"}` + "\n" + `{"id":"d","text":"a basket of apples and cherries, and a kiwi"}`
	queries := `{"id":"qa","text":"alpha apples","relevant":["a"],"answerable":true}` + "\n" +
		`{"id":"qb","text":"beta","relevant":["b"],"answerable":true}` + "\n" +
		`{"id":"qc","text":"gamma cherries","relevant":["c"],"answerable":true}`
	only := map[string]string{"qa": "alpha", "qb": "beta", "qc": "gamma"} // a word of the question in its document alone
	dir := suitetest.Write(t, map[string]string{"corpus.jsonl": corpus, "queries.jsonl": queries})
	for _, keep := range []bool{false, true} {
		h := fakeHarness()
		var mu sync.Mutex
		got := map[string]retrieval.Result{}
		h.NewAnswerer = func(_ context.Context, st retrieval.Store) (Answerer, error) {
			return searchRecorder{st, &mu, got}, nil
		}
		h.Knockout = Knockout{Fraction: 0.5, Seed: 1, KeepVocabulary: keep}
		runs, err := h.Run(context.Background(), dir)
		if err != nil {
			t.Fatal(err)
		}
		knocked := 0
		for _, res := range runs[0].Results {
			q := res.Query
			if q.Answerable {
				continue
			}
			knocked++
			doc := q.ID[1:]
			r := got[q.Text]
			for _, hit := range r.Hits {
				if hit.DocumentID == doc {
					t.Errorf("keep %v: %s: its knocked-out document %s is still retrieved", keep, q.ID, doc)
				}
			}
			if _, known := r.IDF[only[q.ID]]; known != keep {
				t.Errorf("keep %v: %s: %q, in its knocked-out document alone, known to the index: %v (IDF %v)", keep, q.ID, only[q.ID], known, r.IDF)
			}
			for i, hit := range r.Hits {
				if hit.SparseRank != i+1 {
					t.Errorf("keep %v: %s: hit %d (%s) has sparse rank %d", keep, q.ID, i, hit.DocumentID, hit.SparseRank)
				}
			}
		}
		if knocked != 2 {
			t.Fatalf("keep %v: %d questions knocked out, want 2 (half of 3, rounded)", keep, knocked)
		}
	}
}
