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

// TestSupportSetsFormat checks the labels of the never-fitted support sets
// (testdata/support-ru-zh and testdata/support-ru-zh-2) against their
// knowledge bases without running the engine: every suite loads, every
// document of docs/ loads with the ingestion loaders (an FAQ file yields
// entries, never a load error), every relevant id is one of those
// documents, questions are in the suite's language, and every
// unanswerable question says how (meta.class) and why (meta.why in the
// second set, written with it from the start).
func TestSupportSetsFormat(t *testing.T) {
	for _, set := range []string{"support-ru-zh", "support-ru-zh-2"} {
		dir := filepath.Join("..", "testdata", set)
		entries, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, e := range entries {
			if !e.IsDir() {
				continue
			}
			n++
			s, err := eval.LoadSuite(filepath.Join(dir, e.Name()))
			if err != nil {
				t.Fatal(err)
			}
			ids := supportDocIDs(t, s.Corpus)
			lang, _, _ := strings.Cut(s.Name, "-")
			for _, q := range s.Queries {
				if q.Lang != lang {
					t.Errorf("%s/%s: %s is in %q, want %q", set, s.Name, q.ID, q.Lang, lang)
				}
				for _, r := range q.Relevant {
					if !ids[r] {
						t.Errorf("%s/%s: %s: relevant %q is no document of docs/", set, s.Name, q.ID, r)
					}
				}
				if q.Answerable {
					continue
				}
				if c, _ := q.Meta["class"].(string); c == "" {
					t.Errorf("%s/%s: %s: unanswerable without meta.class", set, s.Name, q.ID)
				}
				if why, _ := q.Meta["why"].(string); why == "" && set != "support-ru-zh" {
					t.Errorf("%s/%s: %s: unanswerable without meta.why", set, s.Name, q.ID)
				}
			}
		}
		if n != 4 {
			t.Errorf("%s: %d suites, want the four help centres", set, n)
		}
	}
}

// supportDocIDs loads every file of a docs/ folder (flat) as ingestion
// would and returns the ids of the documents it yields.
func supportDocIDs(t *testing.T, docs string) map[string]bool {
	t.Helper()
	files, err := os.ReadDir(docs)
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]bool{}
	for _, f := range files {
		if f.IsDir() {
			t.Fatalf("%s: subfolder %s: the support suites keep docs/ flat", docs, f.Name())
		}
		x, err := ingest.Extract(context.Background(), ingest.CoreLoaders(), filepath.Join(docs, f.Name()), ingest.ExtractOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if len(x.Documents) == 0 {
			t.Errorf("%s: no document", x.File)
		}
		for _, d := range x.Documents {
			if len(d.Losses) > 0 {
				t.Errorf("%s: %s: the loader could not read %v", x.File, d.ID, d.Losses)
			}
			ids[d.ID] = true
		}
	}
	return ids
}
