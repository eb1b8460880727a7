package eval_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/answerdesk/answerdesk/answer"
	"github.com/answerdesk/answerdesk/eval"
	"github.com/answerdesk/answerdesk/eval/suite"
	"github.com/answerdesk/answerdesk/ingest"
	"github.com/answerdesk/answerdesk/retrieval"
)

// sharedSuite returns ../shared/datasets/NAME next to the module root, or
// "" when absent.
func sharedSuite(name string) string {
	shared, ok := suite.FindShared()
	if !ok {
		return ""
	}
	p := filepath.Join(shared, "datasets", name)
	if _, err := os.Stat(p); err != nil {
		return ""
	}
	return p
}

// BenchmarkEvalStackFAQ is a whole eval of stackfaq-en (ingestion into a
// throwaway store and 1,749 queries through the engine) per iteration; it
// falls back to the testdata suite without ../shared.
func BenchmarkEvalStackFAQ(b *testing.B) {
	dir := sharedSuite("stackfaq-en")
	if dir == "" {
		b.Log("../shared not found: benchmarking testdata/kbsuite")
		dir = "testdata/kbsuite"
	}
	h := &eval.Harness{
		OpenStore: eval.OpenEmbedded,
		Loaders:   ingest.CoreLoaders(),
		NewAnswerer: func(ctx context.Context, store retrieval.Store) (eval.Answerer, error) {
			return answer.New(answer.Config{K: 20}, answer.Deps{Retriever: store, Tickets: eval.NullTickets{}})
		},
		Options: eval.Options{Workers: 2},
	}
	var queries int
	for b.Loop() {
		runs, err := h.Run(context.Background(), dir)
		if err != nil {
			b.Fatal(err)
		}
		queries = runs[0].Report.Queries
	}
	b.ReportMetric(float64(queries), "queries/op")
}
