package suite_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/answerdesk/answerdesk/eval/suite"
	"github.com/answerdesk/answerdesk/eval/suite/suitetest"
)

// translatedSuite writes a suite in lang of 8 articles of 3 paragraphs
// each (titles kept across languages, ids with the language suffix), one
// answerable question per paragraph and 8 unanswerable ones.
func translatedSuite(t *testing.T, lang string) *suite.Suite {
	t.Helper()
	var corpus, queries strings.Builder
	for a := range 8 {
		for p := range 3 {
			fmt.Fprintf(&corpus, `{"id":"a%d-p%d-%s","title":"Article %d","text":"text","lang":"%s"}`+"\n", a, p, lang, a, lang)
			fmt.Fprintf(&queries, `{"id":"q%d-%d-%s","text":"q","lang":"%s","relevant":["a%d-p%d-%s"],"answerable":true}`+"\n", a, p, lang, lang, a, p, lang)
		}
		fmt.Fprintf(&queries, `{"id":"u%d-%s","text":"q","lang":"%s","relevant":[],"answerable":false}`+"\n", a, lang, lang)
	}
	return loadT(t, suitetest.Write(t, map[string]string{"corpus.jsonl": corpus.String(), "queries.jsonl": queries.String()}))
}

func TestSplitDocuments(t *testing.T) {
	en, ru := translatedSuite(t, "en"), translatedSuite(t, "ru")
	for seed := range uint64(4) {
		article := map[string]int{}  // article → half
		question := map[string]int{} // question id without language → half
		for _, s := range []*suite.Suite{en, ru} {
			lang := s.Queries[0].Lang
			seen := 0
			for half := range 2 {
				h, err := suite.SplitDocuments(s, seed, half)
				if err != nil {
					t.Fatalf("seed %d half %d: %v", seed, half, err)
				}
				out := map[string]bool{}
				for _, d := range h.Without {
					out[d] = true
				}
				for a := range 8 {
					// The paragraphs of an article are on one side, the
					// same in every language.
					n := 0
					for p := range 3 {
						if !out[fmt.Sprintf("a%d-p%d-%s", a, p, lang)] {
							n++
						}
					}
					if n != 0 && n != 3 {
						t.Errorf("seed %d %s half %d: article %d split across halves (%d of 3 paragraphs in)", seed, lang, half, a, n)
					}
					if n == 3 {
						if prev, ok := article[fmt.Sprint(a)]; ok && prev != half {
							t.Errorf("seed %d: article %d in half %d in %s, %d in another language", seed, a, half, lang, prev)
						}
						article[fmt.Sprint(a)] = half
					}
				}
				for _, q := range h.Queries {
					seen++
					for _, d := range q.Relevant {
						if out[d] {
							t.Errorf("seed %d half %d: question %s kept, its document %s left out", seed, half, q.ID, d)
						}
					}
					key := strings.TrimSuffix(q.ID, "-"+lang)
					if prev, ok := question[key]; ok && prev != half {
						t.Errorf("seed %d: question %s in half %d, its translation in %d", seed, q.ID, half, prev)
					}
					question[key] = half
				}
			}
			if seen != len(s.Queries) {
				t.Errorf("seed %d %s: the halves hold %d questions, want every one of %d once", seed, lang, seen, len(s.Queries))
			}
		}
		halves := map[int]bool{}
		for _, h := range article {
			halves[h] = true
		}
		if len(halves) != 2 {
			t.Errorf("seed %d: every article on one side: %v", seed, article)
		}
	}
	if _, err := suite.SplitDocuments(en, 1, 2); err == nil {
		t.Error("half 2 accepted")
	}
}

func TestSplitDocumentsKeepsWithout(t *testing.T) {
	en := translatedSuite(t, "en")
	en.Without = []string{"a0-p0-en"}
	for half := range 2 {
		h, err := suite.SplitDocuments(en, 7, half)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, d := range h.Without {
			if d == "a0-p0-en" {
				n++
			}
		}
		if n == 0 {
			t.Errorf("half %d: the suite's own left-out document is back in: %v", half, h.Without)
		}
	}
}

func TestSplitDocumentsNoQuestionLeft(t *testing.T) {
	s := loadT(t, suitetest.Write(t, map[string]string{
		"corpus.jsonl":  `{"id":"p0-en","title":"A","text":"Paris","lang":"en"}`,
		"queries.jsonl": `{"id":"q1-en","text":"Where?","lang":"en","relevant":["p0-en"],"answerable":true}`,
	}))
	errs := 0
	for half := range 2 {
		if _, err := suite.SplitDocuments(s, 1, half); err != nil {
			if !errors.Is(err, suite.ErrBad) || !strings.Contains(err.Error(), "no question left") {
				t.Errorf("half %d: %v", half, err)
			}
			errs++
		}
	}
	if errs != 1 {
		t.Errorf("%d halves without a question reported, want 1", errs)
	}
}
