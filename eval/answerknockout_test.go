package eval

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"
	"sync"
	"testing"

	"github.com/answerdesk/answerdesk/eval/suite/suitetest"
	"github.com/answerdesk/answerdesk/retrieval"
	"github.com/google/go-cmp/cmp"
)

// answered is an answerable question over doc with the answer strings
// answers (meta.answers as the suite files give it: a list of any).
func answered(id, doc string, answers ...string) Query {
	as := make([]any, len(answers))
	for i, a := range answers {
		as[i] = a
	}
	return Query{ID: id, Text: id + "?", Relevant: []string{doc}, Answerable: true, Meta: map[string]any{"answers": as}}
}

// TestAnswerKnockoutCutsTheAnswerSentence: the question chosen loses the
// sentence that states its answer and becomes unanswerable, and so does a
// question whose answer was in that sentence too; a question of the same
// paragraph whose answer sentence stays is still answerable from it; the
// rest of the paragraph is kept. A document that a question without
// answers lists is never cut, and that question is untouched.
func TestAnswerKnockoutCutsTheAnswerSentence(t *testing.T) {
	const tower = "The Eiffel Tower is in Paris. It was finished in 1889 for the World's Fair. It is 330 metres tall."
	texts := map[string]string{
		"tower": tower,
		"plain": "Bananas are yellow. They grow in bunches.",
	}
	s := &Suite{Name: "ak", Queries: []Query{
		answered("city", "tower", "paris"),   // case differs from the text
		answered("year", "tower", "1889"),    // second sentence
		answered("fair", "tower", "World's"), // second sentence too
		answered("height", "tower", "330 metres"),
		answered("colour", "plain", "yellow"),
		{ID: "bunch", Text: "bunches?", Relevant: []string{"plain"}, Answerable: true}, // no answers: "plain" may not be cut
		{ID: "none", Text: "none?", Meta: map[string]any{"answers": []any{"Paris"}}},   // unanswerable: stays so
	}}
	// 4 eligible questions (the tower's): 0.25 of them is one chosen.
	for seed := range uint64(8) {
		out, changed, err := AnswerKnockout{Fraction: 0.25, Seed: seed}.Apply(s, texts)
		if err != nil {
			t.Fatal(err)
		}
		if _, cut := changed["plain"]; cut {
			t.Errorf("seed %d: cut %q, which a question without answers lists", seed, "plain")
		}
		got, ok := changed["tower"]
		if !ok {
			t.Fatalf("seed %d: nothing cut from the tower (changed %v)", seed, changed)
		}
		sentences := []string{"The Eiffel Tower is in Paris.", "It was finished in 1889 for the World's Fair.", "It is 330 metres tall."}
		lostOf := map[string]int{"city": 0, "year": 1, "fair": 1, "height": 2}
		var kept []string
		for _, sn := range sentences {
			if strings.Contains(got, sn) {
				kept = append(kept, sn)
			}
		}
		if len(kept) != 2 || got != strings.Join(kept, " ") {
			t.Fatalf("seed %d: the tower became %q, want the paragraph less one of its sentences", seed, got)
		}
		for i, q := range out.Queries {
			orig := s.Queries[i]
			n, onTower := lostOf[q.ID]
			switch {
			case !onTower:
				if !cmp.Equal(q, orig) {
					t.Errorf("seed %d: %s changed: %+v", seed, q.ID, q)
				}
			case strings.Contains(got, sentences[n]):
				if !cmp.Equal(q, orig) {
					t.Errorf("seed %d: %s, whose answer sentence stays, changed: %+v", seed, q.ID, q)
				}
			default:
				if q.Answerable || len(q.Relevant) != 0 || q.Meta["unanswerable_source"] != "answer-knockout" || q.Meta["answers"] == nil {
					t.Errorf("seed %d: %s lost its answer sentence but is %+v", seed, q.ID, q)
				}
			}
		}
		if !s.Queries[0].Answerable || s.Queries[0].Meta["unanswerable_source"] != nil {
			t.Fatal("Apply modified the original suite")
		}
	}
}

// TestAnswerKnockoutSeeded: the same seed cuts the same sentences and
// relabels the same questions, another seed others; about the fraction of
// the eligible questions become unanswerable; fraction 0 changes nothing
// and a fraction outside [0,1) is an error.
func TestAnswerKnockoutSeeded(t *testing.T) {
	s := &Suite{Name: "ak"}
	texts := map[string]string{}
	for d := range 20 {
		doc := fmt.Sprintf("d%d", d)
		texts[doc] = fmt.Sprintf("Alpha %d is red. Beta %d is blue. Gamma %d is green.", d, d, d)
		for _, a := range []string{"red", "blue", "green"} {
			s.Queries = append(s.Queries, answered(doc+a, doc, a))
		}
	}
	apply := func(seed uint64) (*Suite, map[string]string) {
		t.Helper()
		out, changed, err := AnswerKnockout{Fraction: 0.3, Seed: seed}.Apply(s, texts)
		if err != nil {
			t.Fatal(err)
		}
		return out, changed
	}
	out, changed := apply(7)
	lost := 0
	for _, q := range out.Queries {
		if !q.Answerable {
			lost++
		}
	}
	if want := 18; lost != want { // 0.3 of 60, each cut taking one question
		t.Errorf("%d questions knocked out, want %d", lost, want)
	}
	again, changed2 := apply(7)
	if !cmp.Equal(out.Queries, again.Queries) || !cmp.Equal(changed, changed2) {
		t.Error("the same seed gave another answer knock-out")
	}
	if _, changed3 := apply(8); cmp.Equal(changed, changed3) {
		t.Error("seeds 7 and 8 cut the same sentences")
	}
	if out, changed, err := (AnswerKnockout{}).Apply(s, texts); err != nil || changed != nil || !cmp.Equal(out.Queries, s.Queries) {
		t.Errorf("fraction 0: changed %v, err %v", changed, err)
	}
	for _, f := range []float64{-0.1, 1, 2, math.NaN()} {
		if _, _, err := (AnswerKnockout{Fraction: f}).Apply(s, texts); err == nil {
			t.Errorf("fraction %v accepted", f)
		}
	}
}

func TestCutSentences(t *testing.T) {
	for _, c := range []struct {
		name, text string
		answers    []string
		want       string
	}{
		{"middle, separators kept", "One is here. Two is 24 long.\nThree stays.", []string{"24"}, "One is here. Three stays."},
		{"last", "One stays. Two is 24.", []string{"24"}, "One stays."},
		{"every one", "Only 24.", []string{"24"}, ""},
		{"case", "The PARIS office. Other.", []string{"paris"}, "Other."},
		{"whole words", "He had fourteen. She had four. Born 1924.", []string{"four", "24"}, "He had fourteen. Born 1924."},
		{"across two sentences", "Go to St. Louis today. Then rest.", []string{"St. Louis"}, "Then rest."},
		{"chinese", "黑豹队丢了308分。肖特领先全队。", []string{"308"}, "肖特领先全队。"},
		{"chinese inside words", "他是五次职业碗选手。另一句。", []string{"职业碗"}, "另一句。"},
		{"absent", "Nothing here.", []string{"42"}, "Nothing here."},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := cutSentences(c.text, c.answers); got != c.want {
				t.Errorf("cutSentences(%q, %q) = %q, want %q", c.text, c.answers, got, c.want)
			}
		})
	}
}

// TestHarnessAnswerKnockout: the harness indexes the cut paragraphs in
// place of the whole ones (the question that lost its answer no longer
// finds the answer's word in its document, the others still do), keeps a
// cached index whole, and refuses a docs/ folder suite whose questions
// have answers.
func TestHarnessAnswerKnockout(t *testing.T) {
	corpus := `{"id":"a","title":"Tower","text":"The tower is in Paris. It was finished in 1889. It is tall."}` + "\n" +
		`{"id":"b","title":"Fruit","text":"Bananas are yellow. Cherries are red. Both are sweet."}`
	// Each question is its answer's word, so that its search shows
	// whether the index still has the sentence stating it.
	queries := `{"id":"qa","text":"paris","relevant":["a"],"answerable":true,"meta":{"answers":["Paris"]}}` + "\n" +
		`{"id":"qb","text":"1889","relevant":["a"],"answerable":true,"meta":{"answers":["1889"]}}` + "\n" +
		`{"id":"qc","text":"yellow","relevant":["b"],"answerable":true,"meta":{"answers":["yellow"]}}` + "\n" +
		`{"id":"qd","text":"red","relevant":["b"],"answerable":true,"meta":{"answers":["red"]}}`
	dir := suitetest.Write(t, map[string]string{"corpus.jsonl": corpus, "queries.jsonl": queries})
	found := func(r retrieval.Result, doc string) bool {
		for _, h := range r.Hits {
			if h.DocumentID == doc {
				return true
			}
		}
		return false
	}
	for _, cached := range []bool{false, true} {
		h := fakeHarness()
		var mu sync.Mutex
		got := map[string]retrieval.Result{}
		h.NewAnswerer = func(_ context.Context, st retrieval.Store) (Answerer, error) {
			return searchRecorder{st, &mu, got}, nil
		}
		if cached {
			h.CacheDir = t.TempDir()
		}
		for round := range 2 { // the second round reuses the cache
			h.AnswerKnockout = AnswerKnockout{Fraction: 0.5, Seed: 1}
			runs, err := h.Run(context.Background(), dir)
			if err != nil {
				t.Fatal(err)
			}
			if n := runs[0].Report.Documents; n != 2 {
				t.Errorf("cached %v round %d: %d documents, want both, cut", cached, round, n)
			}
			knocked := 0
			for _, res := range runs[0].Results {
				q := res.Query
				doc := map[string]string{"qa": "a", "qb": "a", "qc": "b", "qd": "b"}[q.ID]
				if q.Answerable != found(got[q.Text], doc) {
					t.Errorf("cached %v round %d: %s (answerable %v): its answer's word found in %s: %v", cached, round, q.ID, q.Answerable, doc, !q.Answerable)
				}
				if !q.Answerable {
					knocked++
					if q.Meta["unanswerable_source"] != "answer-knockout" {
						t.Errorf("cached %v: %s: %+v", cached, q.ID, q)
					}
				}
			}
			if knocked != 2 {
				t.Errorf("cached %v round %d: %d questions knocked out, want 2 (half of 4)", cached, round, knocked)
			}
			h.AnswerKnockout = AnswerKnockout{}
			if _, err := h.Run(context.Background(), dir); err != nil {
				t.Fatal(err)
			}
			for id, doc := range map[string]string{"paris": "a", "1889": "a", "yellow": "b", "red": "b"} {
				if !found(got[id], doc) {
					t.Errorf("cached %v round %d: without knock-out %q does not find %s: the knock-out damaged the index", cached, round, id, doc)
				}
			}
		}
	}

	docs := suitetest.Write(t, map[string]string{"docs/tower.md": "# Tower\n\nThe tower is in Paris.\n",
		"queries.jsonl": `{"id":"qa","text":"paris","relevant":["tower"],"answerable":true,"meta":{"answers":["Paris"]}}`})
	h := fakeHarness()
	h.AnswerKnockout = AnswerKnockout{Fraction: 0.5, Seed: 1}
	if _, err := h.Run(context.Background(), docs); !errors.Is(err, ErrBadSuite) {
		t.Errorf("answer knock-out of a docs/ suite: err %v, want ErrBadSuite", err)
	}
}
