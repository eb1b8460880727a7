package eval_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/answerdesk/answerdesk/ingest"
)

// TestSupportSetsFormat checks the labels of the never-fitted support sets
// (testdata/support-ru-zh, support-ru-zh-2, support-en, support-3,
// support-4, support-5, support-6, support-7, support-8, support-9,
// support-10 and support-11)
// against their knowledge bases without running the engine: every suite
// loads, every document of docs/ loads with the ingestion loaders (an FAQ
// file yields entries, never a load error), a suite is a help centre of at
// least 20 documents, every relevant id is one of them, questions are in
// the suite's language, every question has a kind, every unanswerable one
// says how (meta.class) and why (meta.why, in the sets written with it
// from the start), and every suite has sibling questions.
func TestSupportSetsFormat(t *testing.T) {
	for _, set := range []supportSet{supportRuZh, supportRuZh2, supportEn, support3, support4, support5, support6, support7, support8, support9, support10, support11} {
		name := filepath.Base(set.dir)
		for _, s := range supportSuites(t, set) {
			ids := supportDocIDs(t, s.Corpus)
			if len(ids) < 20 {
				t.Errorf("%s/%s: %d documents, want a help centre of at least 20", name, s.Name, len(ids))
			}
			lang, _, _ := strings.Cut(s.Name, "-")
			siblings := 0
			for _, q := range s.Queries {
				if q.Lang != lang {
					t.Errorf("%s/%s: %s is in %q, want %q", name, s.Name, q.ID, q.Lang, lang)
				}
				for _, r := range q.Relevant {
					if !ids[r] {
						t.Errorf("%s/%s: %s: relevant %q is no document of docs/", name, s.Name, q.ID, r)
					}
				}
				kind, _ := q.Meta["kind"].(string)
				class, _ := q.Meta["class"].(string)
				why, _ := q.Meta["why"].(string)
				switch {
				case !q.Answerable:
					// "account" (since support-6): the customer needs an agent
					// with access to their account (an order, a refund, a
					// charge), even where a general policy exists.
					if kind != "unanswerable" || (class != "sibling-attribute" && class != "attribute" && class != "off-topic" && class != "account") {
						t.Errorf("%s/%s: %s: unanswerable with kind %q, class %q", name, s.Name, q.ID, kind, class)
					}
					if why == "" && set != supportRuZh {
						t.Errorf("%s/%s: %s: unanswerable without meta.why", name, s.Name, q.ID)
					}
				case kind == "sibling":
					siblings++
				case kind != "answerable":
					t.Errorf("%s/%s: %s: answerable with kind %q", name, s.Name, q.ID, kind)
				}
			}
			if siblings < 5 {
				t.Errorf("%s/%s: %d sibling questions, want at least 5", name, s.Name, siblings)
			}
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
