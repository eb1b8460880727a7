package eval

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/answerdesk/answerdesk/answer"
	"github.com/google/go-cmp/cmp"
)

// scripted is a fake Answerer: a fixed answer per question.
type scripted map[string]answer.Answer

func (s scripted) Answer(_ context.Context, req answer.Request) (answer.Answer, error) {
	a, ok := s[req.Question]
	if !ok {
		return answer.Answer{}, fmt.Errorf("no script for %q: %w", req.Question, answer.ErrInvalidRequest)
	}
	return a, nil
}

func hits(ids ...string) []answer.HitSummary {
	var hs []answer.HitSummary
	for i, id := range ids {
		hs = append(hs, answer.HitSummary{ChunkID: id + "#c", DocumentID: id, Title: "T " + id, Score: float64(10 - i)})
	}
	return hs
}

func cites(ids ...string) []answer.Citation {
	var cs []answer.Citation
	for i, id := range ids {
		cs = append(cs, answer.Citation{N: i + 1, DocumentID: id})
	}
	return cs
}

func smallSuite() (*Suite, scripted) {
	ms := func(n int) time.Duration { return time.Duration(n) * time.Millisecond }
	s := &Suite{Name: "small", Queries: []Query{
		{ID: "q1", Text: "one", Lang: "en", Relevant: []string{"d1"}, Answerable: true},
		{ID: "q2", Text: "two", Lang: "en", Relevant: []string{"d2"}, Answerable: true},
		{ID: "q3", Text: "three", Lang: "ru"},
		{ID: "q4", Text: "four", Lang: "ru"},
		{ID: "q5", Text: "five", Lang: "ru", Relevant: []string{"d1", "d4"}, Answerable: true},
	}}
	a := scripted{
		"one": {Decision: answer.Answered, Confidence: 0.9, Hits: hits("d1", "d1", "d2"), Citations: cites("d1"), Timings: answer.Timings{Retrieve: ms(1), Total: ms(10)}},
		"two": {Decision: answer.Answered, Confidence: 0.8, Hits: hits("d3", "d2"), Citations: cites("d3"),
			Features: []answer.Feature{{Name: "top_score", Value: 0.5, Contribution: 1.5}, {Name: "oov", Value: 0.25, Contribution: -0.75}}, Timings: answer.Timings{Retrieve: ms(2), Total: ms(20)}},
		"three": {Decision: answer.Escalated, Reason: answer.ReasonLowConfidence, Confidence: 0.2, Hits: hits("d1"), Articles: []answer.Article{{DocumentID: "d1"}},
			Timings: answer.Timings{Retrieve: ms(3), Total: ms(30)}},
		"four": {Decision: answer.Answered, Confidence: 0.7, Hits: hits("d1"), Citations: cites("d1"), Timings: answer.Timings{Retrieve: ms(4), Total: ms(40)}},
		"five": {Decision: answer.Escalated, Reason: answer.ReasonLowConfidence, Confidence: 0.3, Hits: hits("d4", "d1"), Articles: []answer.Article{{DocumentID: "d3"}, {DocumentID: "d4"}},
			Timings: answer.Timings{Retrieve: ms(5), Total: ms(50)}},
	}
	return s, a
}

func TestSummarizeHandComputed(t *testing.T) {
	s, a := smallSuite()
	results, err := Ask(context.Background(), s, a, Options{})
	if err != nil {
		t.Fatal(err)
	}
	rep := Summarize(s.Name, results, 0)
	b := rep.Breakdown
	if b.Queries != 5 || b.Answerable != 3 || b.Errors != 0 {
		t.Fatalf("counts = %d/%d/%d", b.Queries, b.Answerable, b.Errors)
	}
	wantRetrieval := RetrievalMetrics{
		Hit1: 2.0 / 3, Recall5: 1, Recall10: 1, MRR10: 2.5 / 3,
		NDCG10: Metric((2 + 1/math.Log2(3)) / 3),
	}
	if diff := cmp.Diff(wantRetrieval, b.Retrieval, approx); diff != "" {
		t.Errorf("retrieval (-want +got):\n%s", diff)
	}
	d := b.Decision
	checks := []struct {
		name      string
		got, want Metric
	}{
		{"auroc", d.AUROC, 4.0 / 6},
		{"auroc_answerable", d.AUROCAnswerable, 5.0 / 6},
		{"escalation_precision", d.EscalationPrecision, 0.5},
		{"escalation_recall", d.EscalationRecall, 0.5},
		{"answer_rate", d.AnswerRate, 0.6},
		{"answer_precision", d.AnswerPrecision, 1.0 / 3},
		{"accuracy", d.Accuracy, 0.4},
		// By confidence: .9 right, .8 wrong → only the top fifth reaches 95%.
		{"answer_rate_at_95", d.AnswerRateAt95, 0.2},
		{"threshold_at_95", d.Threshold95, 0.9},
		{"citation precision", b.Citations.Precision, 0.5},
		// Both escalations offer articles; q5's include its d4, q3 has none relevant.
		{"article_rate", d.ArticleRate, 1},
		{"article_precision", d.ArticlePrecision, 0.5},
		{"ru article precision", rep.ByLanguage["ru"].Decision.ArticlePrecision, 0.5},
		{"latency p50", b.Latency.P50, 30},
		{"latency p99", b.Latency.P99, 50},
		{"retrieve p95", b.Latency.Stages["retrieve"].P95, 5},
		{"en hit@1", rep.ByLanguage["en"].Retrieval.Hit1, 0.5},
		{"ru escalation recall", rep.ByLanguage["ru"].Decision.EscalationRecall, 0.5},
		{"ru hit@1", rep.ByLanguage["ru"].Retrieval.Hit1, 1},
	}
	for _, c := range checks {
		if !near(float64(c.got), float64(c.want)) {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}
	var kinds []string
	for _, f := range rep.Failures {
		kinds = append(kinds, f.ID+":"+f.Kind)
	}
	if diff := cmp.Diff([]string{"q2:wrong_answer", "q4:should_escalate", "q5:missed_answer"}, kinds); diff != "" {
		t.Errorf("failures (-want +got):\n%s", diff)
	}
	wantTop := []TopHit{{DocumentID: "d3", Title: "T d3", Score: 10}, {DocumentID: "d2", Title: "T d2", Score: 9, Relevant: true}}
	if diff := cmp.Diff(wantTop, rep.Failures[0].TopHits, approx); diff != "" {
		t.Errorf("top hits of q2 (-want +got):\n%s", diff)
	}
	// A failure says why the engine was confident: its features' contributions.
	wantFeatures := []FeatureContribution{{Name: "top_score", Value: 0.5, Contribution: 1.5}, {Name: "oov", Value: 0.25, Contribution: -0.75}}
	if diff := cmp.Diff(wantFeatures, rep.Failures[0].Features, approx); diff != "" {
		t.Errorf("features of q2 (-want +got):\n%s", diff)
	}
	var table strings.Builder
	if err := WriteTable(&table, &Report{Suites: []SuiteReport{rep}}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(table.String(), "articles offered with escalations: 1.000 of the escalated, a relevant one among them for 0.500") {
		t.Errorf("the table does not show the articles offered:\n%s", table.String())
	}
	if !strings.Contains(table.String(), "largest contributions: top_score 0.5 (+1.50), oov 0.25 (-0.75)") {
		t.Errorf("the table does not show the failure's contributions:\n%s", table.String())
	}
}

func TestAskDeterministicAcrossWorkers(t *testing.T) {
	s, a := smallSuite()
	// Many copies so that workers interleave.
	big := &Suite{Name: "big"}
	for i := range 200 {
		q := s.Queries[i%len(s.Queries)]
		q.ID = fmt.Sprintf("%s-%d", q.ID, i)
		big.Queries = append(big.Queries, q)
	}
	var want SuiteReport
	for _, w := range []int{1, 2, 7} {
		calls := 0
		results, err := Ask(context.Background(), big, a, Options{Workers: w, Progress: func(done, total int) {
			calls++
			if total != 200 || done != calls {
				t.Errorf("progress %d/%d after %d calls", done, total, calls)
			}
		}})
		if err != nil {
			t.Fatal(err)
		}
		got := Summarize(big.Name, results, 10)
		if w == 1 {
			want = got
			continue
		}
		if diff := cmp.Diff(want, got, approx); diff != "" {
			t.Errorf("workers=%d differs from workers=1 (-want +got):\n%s", w, diff)
		}
	}
}

func TestAskEngineErrorCountsAsEscalation(t *testing.T) {
	s := &Suite{Name: "e", Queries: []Query{{ID: "x", Text: "unscripted", Lang: "en"}}}
	results, err := Ask(context.Background(), s, scripted{}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	rep := Summarize(s.Name, results, 0)
	if rep.Errors != 1 || rep.Decision.EscalationRecall != 1 || rep.Failures == nil || len(rep.Failures) != 0 {
		t.Errorf("errors %d, escalation recall %v, failures %v", rep.Errors, rep.Decision.EscalationRecall, rep.Failures)
	}
}

func TestAskCancelled(t *testing.T) {
	s, a := smallSuite()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Ask(ctx, s, a, Options{Workers: 2}); !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
}
