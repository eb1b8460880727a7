package eval

import (
	"bytes"
	"errors"
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func testReport() *Report {
	b := Breakdown{
		Queries: 10, Answerable: 8,
		Retrieval: RetrievalMetrics{Hit1: 0.8, Recall5: 0.9, Recall10: 0.95, MRR10: 0.85, NDCG10: 0.87},
		Decision: DecisionMetrics{AUROC: 0.9, AUROCAnswerable: 0.92, ECE: 0.04, EscalationPrecision: 0.7, EscalationRecall: 0.8,
			AnswerRateAt95: 0.6, Threshold95: 0.5, AnswerRate: 0.7, AnswerPrecision: 0.9, Accuracy: 0.85, AURC: 0.1,
			ArticleRate: 0.3, ArticlePrecision: 0.8},
		Citations: CitationMetrics{Answers: 7, Precision: 0.9},
		Latency:   LatencyMetrics{P50: 1, P95: 2, P99: 3},
	}
	return &Report{Version: ReportVersion, Suites: []SuiteReport{{Name: "s", Breakdown: b, ByLanguage: map[string]Breakdown{"en": b}}}}
}

func TestCompare(t *testing.T) {
	tests := []struct {
		name      string
		change    func(r *Report)
		opts      CompareOptions
		regressed []string // suite/lang/metric
	}{
		{"identical", func(*Report) {}, CompareOptions{MaxDrop: 0.01}, nil},
		{"drop within tolerance", func(r *Report) { r.Suites[0].Retrieval.NDCG10 -= 0.009 }, CompareOptions{MaxDrop: 0.01}, nil},
		{"drop beyond tolerance", func(r *Report) { r.Suites[0].Retrieval.NDCG10 -= 0.02 }, CompareOptions{MaxDrop: 0.01}, []string{"s//ndcg@10"}},
		{"improvement", func(r *Report) { r.Suites[0].Retrieval.NDCG10 += 0.05 }, CompareOptions{MaxDrop: 0}, nil},
		{"ECE rises", func(r *Report) { r.Suites[0].Decision.ECE += 0.02 }, CompareOptions{MaxDrop: 0.01}, []string{"s//ece"}},
		{"ECE falls", func(r *Report) { r.Suites[0].Decision.ECE -= 0.03 }, CompareOptions{MaxDrop: 0.01}, nil},
		{"becomes undefined", func(r *Report) { r.Suites[0].Decision.AUROC = Metric(math.NaN()) }, CompareOptions{MaxDrop: 0.01}, []string{"s//auroc"}},
		{"latency not gated", func(r *Report) { r.Suites[0].Latency.P95 *= 10 }, CompareOptions{MaxDrop: 0.01}, nil},
		{"articles on too few escalations not gated", func(r *Report) { r.Suites[0].Decision.ArticlePrecision -= 0.1 }, CompareOptions{MaxDrop: 0.01}, nil},
		{"fewer articles not gated", func(r *Report) { r.Suites[0].Decision.ArticleRate -= 0.2 }, CompareOptions{MaxDrop: 0.01}, nil},
		{"language regresses", func(r *Report) {
			en := r.Suites[0].ByLanguage["en"]
			en.Decision.EscalationRecall -= 0.1
			r.Suites[0].ByLanguage["en"] = en
		}, CompareOptions{MaxDrop: 0.01}, []string{"s/en/escalation_recall"}},
		{"small language not gated", func(r *Report) {
			en := r.Suites[0].ByLanguage["en"]
			en.Decision.EscalationRecall -= 0.1
			r.Suites[0].ByLanguage["en"] = en
		}, CompareOptions{MaxDrop: 0.01, MinQueries: 11}, nil},
		{"language ignored with Overall", func(r *Report) {
			en := r.Suites[0].ByLanguage["en"]
			en.Decision.EscalationRecall -= 0.1
			r.Suites[0].ByLanguage["en"] = en
		}, CompareOptions{MaxDrop: 0.01, Overall: true}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cur := testReport()
			tt.change(cur)
			deltas, err := Compare(testReport(), cur, tt.opts)
			var got []string
			for _, d := range deltas {
				if d.Regressed {
					got = append(got, d.Suite+"/"+d.Lang+"/"+d.Metric)
				}
			}
			if diff := cmp.Diff(tt.regressed, got); diff != "" {
				t.Errorf("regressed (-want +got):\n%s", diff)
			}
			if (err != nil) != (len(tt.regressed) > 0) || (err != nil && !errors.Is(err, ErrRegression)) {
				t.Errorf("err = %v", err)
			}
		})
	}
}

// TestCompareArticlePrecision: the precision of the offered articles is
// gated where the baseline offered at least minCount of them, not where
// the engine offers none any more (the share offered is not gated).
func TestCompareArticlePrecision(t *testing.T) {
	report := func(queries int, rate, precision float64) *Report {
		r := testReport()
		r.Suites[0].Queries = queries
		r.Suites[0].Decision.ArticleRate, r.Suites[0].Decision.ArticlePrecision = Metric(rate), Metric(precision)
		r.Suites[0].ByLanguage = nil
		return r
	}
	base := report(1000, 0.3, 0.8) // 90 lists offered
	for _, tc := range []struct {
		name      string
		cur       *Report
		regressed bool
	}{
		{"the same", report(1000, 0.3, 0.8), false},
		{"worse", report(1000, 0.3, 0.7), true},
		{"none offered", report(1000, 0, math.NaN()), false},
	} {
		_, err := Compare(base, tc.cur, CompareOptions{MaxDrop: 0.01})
		if got := errors.Is(err, ErrRegression); got != tc.regressed {
			t.Errorf("%s: regression %v (%v), want %v", tc.name, got, err, tc.regressed)
		}
	}
}

func TestCompareMissingSuite(t *testing.T) {
	cur := testReport()
	cur.Suites[0].Name = "other"
	if _, err := Compare(testReport(), cur, CompareOptions{MaxDrop: 1}); !errors.Is(err, ErrRegression) || !strings.Contains(err.Error(), "s: missing") {
		t.Errorf("err = %v, want a regression naming the missing suite", err)
	}
	if _, err := Compare(testReport(), cur, CompareOptions{MaxDrop: 1, AllowMissing: true}); err != nil {
		t.Errorf("AllowMissing: err = %v", err)
	}
}

func TestReportJSONRoundTrip(t *testing.T) {
	r := testReport()
	r.Suites[0].Decision.AUROC = Metric(math.NaN())
	path := filepath.Join(t.TempDir(), "r.json")
	var buf bytes.Buffer
	if err := WriteJSON(&buf, r); err != nil {
		t.Fatal(err)
	}
	if err := writeFileAtomic(path, buf.Bytes()); err != nil {
		t.Fatal(err)
	}
	back, err := ReadReport(path)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(r, back, approx); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
	// The documented schema's keys (docs/eval.md) are present.
	for _, key := range []string{`"suites"`, `"name"`, `"queries"`, `"hit@1"`, `"recall@10"`, `"mrr@10"`, `"ndcg@10"`, `"auroc": null`, `"ece"`,
		`"escalation_precision"`, `"escalation_recall"`, `"answer_rate_at_95"`, `"latency_ms"`, `"p50"`, `"p95"`, `"p99"`, `"by_language"`} {
		if !strings.Contains(buf.String(), key) {
			t.Errorf("JSON lacks %s", key)
		}
	}
	if _, err := ReadReport(filepath.Join(t.TempDir(), "missing.json")); err == nil {
		t.Error("reading a missing report: no error")
	}
}

func TestWriteDeltasAndTable(t *testing.T) {
	cur := testReport()
	cur.Suites[0].Retrieval.Hit1 -= 0.1
	deltas, _ := Compare(testReport(), cur, CompareOptions{MaxDrop: 0.01})
	var buf bytes.Buffer
	if err := WriteDeltas(&buf, deltas); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "REGRESSED") || !strings.Contains(buf.String(), "-0.1000") {
		t.Errorf("delta table lacks the regression:\n%s", buf.String())
	}
	buf.Reset()
	if err := WriteTable(&buf, cur); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"10 queries (8 answerable)", "nDCG@10", "0.870", "en"} {
		if !strings.Contains(buf.String(), want) {
			t.Errorf("table lacks %q:\n%s", want, buf.String())
		}
	}
}
