package eval

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/answerdesk/answerdesk/answer"
	"github.com/answerdesk/answerdesk/eval/suite/suitetest"
	"github.com/answerdesk/answerdesk/ingest"
	"github.com/answerdesk/answerdesk/retrieval"
	"github.com/answerdesk/answerdesk/retrieval/embedded"
)

func fakeHarness() *Harness {
	return &Harness{
		OpenStore: OpenEmbedded,
		Loaders:   ingest.CoreLoaders(),
		NewAnswerer: func(context.Context, retrieval.Store) (Answerer, error) {
			return scripted{"how?": {Decision: answer.Escalated}, "what?": {Decision: answer.Escalated}}, nil
		},
	}
}

func TestHarnessChecksRelevantIDs(t *testing.T) {
	corpus := `{"id":"a","text":"alpha"}` + "\n" + `{"id":"b","text":"beta"}`
	one := `{"id":"q1","text":"how?","relevant":["a","zz"],"answerable":true}` + "\n" + `{"id":"q2","text":"what?","relevant":["a"],"answerable":true}`
	runs, err := fakeHarness().Run(context.Background(), suitetest.Write(t, map[string]string{"corpus.jsonl": corpus, "queries.jsonl": one}))
	if err != nil {
		t.Fatal(err)
	}
	if r := runs[0].Report; r.Documents != 2 || r.UnknownRelevant != 1 {
		t.Errorf("documents %d, unknown relevant %d; want 2 and 1", r.Documents, r.UnknownRelevant)
	}
	none := `{"id":"q1","text":"how?","relevant":["docs/a.md"],"answerable":true}`
	_, err = fakeHarness().Run(context.Background(), suitetest.Write(t, map[string]string{"corpus.jsonl": corpus, "queries.jsonl": none}))
	if !errors.Is(err, ErrBadSuite) || !strings.Contains(err.Error(), `ids like "a"`) {
		t.Errorf("err = %v, want ErrBadSuite naming an id of the corpus", err)
	}
}

func TestHarnessNothingIngested(t *testing.T) {
	dir := suitetest.Write(t, map[string]string{"docs/a.bin": "\x00\x01", "queries.jsonl": suitetest.Queries})
	_, err := fakeHarness().Run(context.Background(), dir)
	if !errors.Is(err, ErrBadSuite) || !strings.Contains(err.Error(), "no document ingested") {
		t.Errorf("err = %v", err)
	}
}

func TestHarnessDuplicateSuiteNames(t *testing.T) {
	a := suitetest.Write(t, map[string]string{"x/corpus.jsonl": `{"id":"a","text":"t"}`, "x/queries.jsonl": suitetest.Queries})
	b := suitetest.Write(t, map[string]string{"x/corpus.jsonl": `{"id":"a","text":"t"}`, "x/queries.jsonl": suitetest.Queries})
	_, err := fakeHarness().Run(context.Background(), a+"/x", b+"/x")
	if !errors.Is(err, ErrBadSuite) || !strings.Contains(err.Error(), "two suites named") {
		t.Errorf("err = %v", err)
	}
}

// OpenEmbedded opens an embedded store in dir: the harness's store for
// tests (exported to the eval_test package too).
func OpenEmbedded(ctx context.Context, dir string) (retrieval.Store, error) {
	return embedded.Open(ctx, dir, embedded.Options{})
}
