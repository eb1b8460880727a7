package eval_test

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/answerdesk/answerdesk/answer"
	"github.com/answerdesk/answerdesk/eval"
	"github.com/answerdesk/answerdesk/ingest"
	"github.com/answerdesk/answerdesk/retrieval"
)

// runKB runs the real engine on the small testdata suite, wrapping its
// retriever with wrap when not nil.
func runKB(t *testing.T, workers int, wrap func(answer.Retriever) answer.Retriever) *eval.Report {
	t.Helper()
	h := &eval.Harness{
		OpenStore: eval.OpenEmbedded,
		Loaders:   ingest.CoreLoaders(),
		NewAnswerer: func(ctx context.Context, store retrieval.Store) (eval.Answerer, error) {
			var r answer.Retriever = store
			if wrap != nil {
				r = wrap(r)
			}
			cfg := answer.DefaultConfig()
			cfg.K = 20
			return answer.New(cfg, answer.Deps{Retriever: r, Tickets: eval.NullTickets{}})
		},
		Options: eval.Options{Workers: workers},
	}
	runs, err := h.Run(context.Background(), "testdata/kbsuite")
	if err != nil {
		t.Fatal(err)
	}
	return &eval.Report{Version: eval.ReportVersion, Suites: []eval.SuiteReport{runs[0].Report}}
}

// TestGateCatchesDegradedEngine: the gate passes the real engine against
// its own baseline (also with other workers: results are deterministic) and
// fails an engine that loses its best hit.
func TestGateCatchesDegradedEngine(t *testing.T) {
	base := runKB(t, 1, nil)
	if n := base.Suites[0].Queries; n < 50 {
		t.Fatalf("kbsuite has %d queries", n)
	}
	again := runKB(t, 4, nil)
	if _, err := eval.Compare(base, again, eval.CompareOptions{MaxDrop: 0}); err != nil {
		t.Errorf("the same engine fails the gate against itself: %v", err)
	}
	degraded := runKB(t, 2, eval.DropTopHit)
	deltas, err := eval.Compare(base, degraded, eval.CompareOptions{MaxDrop: 0.01})
	if !errors.Is(err, eval.ErrRegression) {
		t.Fatalf("degraded engine passes the gate: err = %v", err)
	}
	regressed := map[string]bool{}
	for _, d := range deltas {
		if d.Regressed && d.Lang == "" {
			regressed[d.Metric] = true
		}
	}
	for _, m := range []string{"hit@1", "mrr@10", "ndcg@10"} {
		if !regressed[m] {
			t.Errorf("%s did not regress; regressions: %v", m, err)
		}
	}
	if !strings.Contains(err.Error(), "kbsuite hit@1") {
		t.Errorf("error does not name the metric: %v", err)
	}
}

// TestCommittedBaseline: the gate's baseline parses and covers the suites
// .ci/eval-gate.sh runs.
func TestCommittedBaseline(t *testing.T) {
	r, err := eval.ReadReport("testdata/baseline.json")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, s := range r.Suites {
		names = append(names, s.Name)
	}
	if got := strings.Join(names, ","); got != "kbsuite,stackfaq-en,xquad-ru" {
		t.Errorf("baseline suites = %s, want kbsuite,stackfaq-en,xquad-ru", got)
	}
}

// TestHarnessCache: a cached index is built once, reused, and gives the
// same results as a throwaway one.
func TestHarnessCache(t *testing.T) {
	cache := t.TempDir()
	newH := func() *eval.Harness {
		return &eval.Harness{
			OpenStore: eval.OpenEmbedded,
			Loaders:   ingest.CoreLoaders(),
			CacheDir:  cache,
			NewAnswerer: func(ctx context.Context, store retrieval.Store) (eval.Answerer, error) {
				return answer.New(answer.Config{K: 20}, answer.Deps{Retriever: store, Tickets: eval.NullTickets{}})
			},
		}
	}
	first, err := newH().Run(context.Background(), "testdata/kbsuite")
	if err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(cache)
	if err != nil || len(entries) != 1 {
		t.Fatalf("cache holds %v (%v), want one index", entries, err)
	}
	second, err := newH().Run(context.Background(), "testdata/kbsuite")
	if err != nil {
		t.Fatal(err)
	}
	if entries, _ := os.ReadDir(cache); len(entries) != 1 {
		t.Errorf("second run added to the cache: %v", entries)
	}
	a, b := first[0].Report, second[0].Report
	if a.Retrieval != b.Retrieval || a.Decision != b.Decision || a.CorpusHash != b.CorpusHash || a.CorpusHash == "" {
		t.Errorf("cached run differs:\n%+v\n%+v", a.Breakdown, b.Breakdown)
	}
	throwaway := runKB(t, 1, nil).Suites[0]
	if throwaway.Retrieval != a.Retrieval {
		t.Errorf("cached %+v, throwaway %+v", a.Retrieval, throwaway.Retrieval)
	}
}
