package suite_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/answerdesk/answerdesk/eval/suite"
	"github.com/answerdesk/answerdesk/eval/suite/suitetest"
)

func loadT(t *testing.T, dir string) *suite.Suite {
	t.Helper()
	s, err := suite.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestParallel(t *testing.T) {
	en := loadT(t, suitetest.Write(t, map[string]string{
		"corpus.jsonl": `{"id":"p0-en","text":"Paris","lang":"en"}` + "\n" + `{"id":"p1-en","text":"Rome","lang":"en"}`,
		"queries.jsonl": `{"id":"q1-en","text":"Where?","lang":"en","relevant":["p1-en"],"answerable":true}
{"id":"q2-en","text":"Why?","lang":"en","relevant":[],"answerable":false}
`}))
	ru := loadT(t, suitetest.Write(t, map[string]string{
		"corpus.jsonl":  `{"id":"p0-ru","text":"Париж","lang":"ru"}` + "\n" + `{"id":"p1-ru","text":"Рим","lang":"ru"}`,
		"queries.jsonl": `{"id":"q1-ru","text":"Где?","lang":"ru","relevant":["p1-ru"],"answerable":true}`,
	}))
	p, err := suite.Parallel(en, ru)
	if err != nil {
		t.Fatal(err)
	}
	want := []suite.Query{
		{ID: "q1-en", Text: "Where?", Lang: "en", Relevant: []string{"p1-ru"}, Answerable: true},
		{ID: "q2-en", Text: "Why?", Lang: "en", Relevant: []string{}, Answerable: false},
	}
	if d := cmp.Diff(want, p.Queries); d != "" {
		t.Errorf("queries (-want +got):\n%s", d)
	}
	if p.Name != en.Name+"-on-"+ru.Name || p.Corpus != ru.Corpus {
		t.Errorf("pair %q over %q, want %q over %s", p.Name, p.Corpus, en.Name+"-on-"+ru.Name, ru.Corpus)
	}
	if en.Queries[0].Relevant[0] != "p1-en" {
		t.Error("Parallel changed the question suite")
	}

	// A suite against itself has no question in another language.
	if _, err := suite.Parallel(en, en); !errors.Is(err, suite.ErrBad) {
		t.Errorf("a suite paired with itself: %v, want ErrBad", err)
	}
	// A relevant document without a counterpart is an error, naming it.
	partial := loadT(t, suitetest.Write(t, map[string]string{
		"corpus.jsonl":  `{"id":"p0-ru","text":"Париж","lang":"ru"}`,
		"queries.jsonl": `{"id":"q","text":"Где?","lang":"ru","relevant":["p0-ru"],"answerable":true}`,
	}))
	if _, err := suite.Parallel(en, partial); !errors.Is(err, suite.ErrBad) || !strings.Contains(err.Error(), "p1-en") {
		t.Errorf("missing counterpart: %v", err)
	}
	// A corpus of two languages cannot be paired across languages.
	mixed := loadT(t, suitetest.Write(t, map[string]string{
		"corpus.jsonl":  `{"id":"p0-ru","text":"Париж","lang":"ru"}` + "\n" + `{"id":"p1-en","text":"Rome","lang":"en"}`,
		"queries.jsonl": `{"id":"q","text":"Где?","lang":"ru","relevant":["p0-ru"],"answerable":true}`,
	}))
	if _, err := suite.Parallel(en, mixed); !errors.Is(err, suite.ErrBad) {
		t.Errorf("mixed corpus: %v, want ErrBad", err)
	}
	// A docs/ folder records no languages.
	docs := loadT(t, suitetest.Write(t, map[string]string{"docs/a.md": "# A", "queries.jsonl": suitetest.Queries}))
	if _, err := docs.DocumentLangs(); !errors.Is(err, suite.ErrBad) {
		t.Errorf("docs/ folder: %v, want ErrBad", err)
	}
	if _, err := suite.Parallel(en, docs); !errors.Is(err, suite.ErrBad) {
		t.Errorf("pairing with a docs/ folder: %v, want ErrBad", err)
	}
}
