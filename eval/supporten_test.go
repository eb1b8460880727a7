package eval_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/answerdesk/answerdesk/eval"
	"github.com/answerdesk/answerdesk/ingest"
)

// supportEnDir holds the never-fitted English support suites
// (testdata/support-en).
var supportEnDir = filepath.Join("..", "testdata", "support-en")

// TestSupportEnFormat checks that every suite of testdata/support-en loads
// and that its labels agree with its knowledge base, without running the
// engine or any retrieval on it (the set was written before any run; see its
// README): every document file loads as ingestion loads it, every relevant id
// is a document of the suite, every question is English, every unanswerable
// one has a class and a reason, and every suite has sibling questions.
func TestSupportEnFormat(t *testing.T) {
	entries, err := os.ReadDir(supportEnDir)
	if err != nil {
		t.Fatal(err)
	}
	loaders := ingest.CoreLoaders()
	prefix := map[string]string{"en-airline": "ea-", "en-smarthome": "es-", "en-courses": "ec-"}
	suites := 0
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		suites++
		dir := filepath.Join(supportEnDir, e.Name())
		s, err := eval.LoadSuite(dir)
		if err != nil {
			t.Fatal(err)
		}
		files, err := os.ReadDir(filepath.Join(dir, "docs"))
		if err != nil {
			t.Fatal(err)
		}
		docs := map[string]bool{}
		for _, f := range files {
			x, err := ingest.Extract(context.Background(), loaders, filepath.Join(dir, "docs", f.Name()), ingest.ExtractOptions{})
			if err != nil {
				t.Fatalf("%s: %v", s.Name, err)
			}
			for _, d := range x.Documents {
				if len(d.Losses) != 0 {
					t.Errorf("%s: %s: %v", s.Name, d.ID, d.Losses)
				}
				docs[d.ID] = true
			}
		}
		if len(docs) < 20 {
			t.Errorf("%s: %d documents, want a help centre of at least 20", s.Name, len(docs))
		}
		siblings := 0
		for _, q := range s.Queries {
			if q.Lang != "en" || prefix[s.Name] == "" || !strings.HasPrefix(q.ID, prefix[s.Name]) {
				t.Errorf("%s: %s: lang %q, or an id not of this suite", s.Name, q.ID, q.Lang)
			}
			for _, id := range q.Relevant {
				if !docs[id] {
					t.Errorf("%s: %s: relevant %q is no document of the suite", s.Name, q.ID, id)
				}
			}
			kind, _ := q.Meta["kind"].(string)
			class, _ := q.Meta["class"].(string)
			why, _ := q.Meta["why"].(string)
			switch {
			case !q.Answerable:
				if kind != "unanswerable" || why == "" ||
					(class != "sibling-attribute" && class != "attribute" && class != "off-topic") {
					t.Errorf("%s: %s: unanswerable with kind %q, class %q, why %q", s.Name, q.ID, kind, class, why)
				}
			case kind == "sibling":
				siblings++
			case kind != "answerable":
				t.Errorf("%s: %s: answerable with kind %q", s.Name, q.ID, kind)
			}
		}
		if siblings < 5 {
			t.Errorf("%s: %d sibling questions, want at least 5", s.Name, siblings)
		}
	}
	if suites != 3 {
		t.Errorf("%d suites in %s, want the three help centres", suites, supportEnDir)
	}
}
