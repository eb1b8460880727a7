package eval

import (
	"fmt"
	"io"
	"math"
	"slices"
	"sort"
	"strings"
	"text/tabwriter"
)

// Floor is a reference retrieval result for a suite (the datasets' plain
// BM25 floor): anything answerdesk ships should beat it.
type Floor struct {
	Hit1, Recall10, MRR10, NDCG10, AbstentionAUROC float64
}

// Floors are the reference floors of the shared suites by name.
var Floors = map[string]Floor{
	"stackfaq-en":             {0.641, 0.641, 0.735, 0.624, 0.948},
	"xquad-en":                {0.925, 0.991, 0.952, 0.962, 0.954},
	"xquad-ru":                {0.814, 0.943, 0.862, 0.882, 0.921},
	"xquad-zh":                {0.932, 0.993, 0.957, 0.966, 0.950},
	"xquad-cross-ru-zh-to-en": {0.108, 0.169, 0.130, 0.140, 0.562},
}

type table struct {
	tw  *tabwriter.Writer
	err error
}

func newTable(w io.Writer) *table {
	return &table{tw: tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)}
}

func (t *table) row(cells ...string) {
	if t.err == nil {
		_, t.err = fmt.Fprintln(t.tw, strings.Join(cells, "\t")+"\t")
	}
}

func (t *table) flush() error {
	if t.err != nil {
		return t.err
	}
	return t.tw.Flush()
}

func fmtMetric(m Metric) string {
	if !m.Defined() {
		return "-"
	}
	return fmt.Sprintf("%.3f", float64(m))
}

func fmtSigned(m Metric) string {
	if !m.Defined() {
		return "-"
	}
	v := float64(m)
	if math.Abs(v) < 5e-5 {
		return "0"
	}
	return fmt.Sprintf("%+.4f", v)
}

func fmtMs(m Metric) string {
	if !m.Defined() {
		return "-"
	}
	return fmt.Sprintf("%.1f", float64(m))
}

// WriteTable prints the report for a terminal: per suite, one row for the
// whole suite, one per language and the reference floor where known.
func WriteTable(w io.Writer, r *Report) error {
	for i := range r.Suites {
		s := &r.Suites[i]
		if i > 0 {
			fmt.Fprintln(w)
		}
		fmt.Fprintf(w, "%s: %d documents, %d queries (%d answerable), %d errors; ingest %.1fs, run %.1fs\n",
			s.Name, s.Documents, s.Queries, s.Answerable, s.Errors, float64(s.IngestSeconds), float64(s.RunSeconds))
		if s.UnknownRelevant > 0 {
			fmt.Fprintf(w, "warning: %d relevant document ids of the queries are not in the corpus\n", s.UnknownRelevant)
		}
		t := newTable(w)
		t.row("lang", "n", "hit@1", "rec@5", "rec@10", "MRR@10", "nDCG@10", "AUROC", "AUROC-ans", "ECE", "esc-P", "esc-R", "ans@95", "answered", "ans-P", "cite-P", "p50ms", "p95ms", "p99ms")
		line := func(name string, b *Breakdown) {
			t.row(name, fmt.Sprint(b.Queries),
				fmtMetric(b.Retrieval.Hit1), fmtMetric(b.Retrieval.Recall5), fmtMetric(b.Retrieval.Recall10), fmtMetric(b.Retrieval.MRR10), fmtMetric(b.Retrieval.NDCG10),
				fmtMetric(b.Decision.AUROC), fmtMetric(b.Decision.AUROCAnswerable), fmtMetric(b.Decision.ECE), fmtMetric(b.Decision.EscalationPrecision), fmtMetric(b.Decision.EscalationRecall),
				fmtMetric(b.Decision.AnswerRateAt95), fmtMetric(b.Decision.AnswerRate), fmtMetric(b.Decision.AnswerPrecision), fmtMetric(b.Citations.Precision),
				fmtMs(b.Latency.P50), fmtMs(b.Latency.P95), fmtMs(b.Latency.P99))
		}
		line("all", &s.Breakdown)
		for _, l := range sortedLangs(s.ByLanguage) {
			b := s.ByLanguage[l]
			line(l, &b)
		}
		if f, ok := Floors[s.Name]; ok {
			t.row("floor", "", fmt.Sprintf("%.3f", f.Hit1), "", fmt.Sprintf("%.3f", f.Recall10), fmt.Sprintf("%.3f", f.MRR10), fmt.Sprintf("%.3f", f.NDCG10),
				"", fmt.Sprintf("%.3f", f.AbstentionAUROC), "", "", "", "", "", "", "", "", "", "")
		}
		if err := t.flush(); err != nil {
			return err
		}
		if st := s.Latency.Stages; len(st) > 0 {
			var parts []string
			for _, name := range []string{"triage", "retrieve", "generate", "verify"} {
				if p, ok := st[name]; ok {
					parts = append(parts, fmt.Sprintf("%s %s/%s/%s", name, fmtMs(p.P50), fmtMs(p.P95), fmtMs(p.P99)))
				}
			}
			fmt.Fprintf(w, "stages p50/p95/p99 ms: %s\n", strings.Join(parts, ", "))
		}
		if d := s.Decision; d.ArticleRate > 0 {
			fmt.Fprintf(w, "articles offered with escalations: %s of the escalated, a relevant one among them for %s\n",
				fmtMetric(d.ArticleRate), fmtMetric(d.ArticlePrecision))
		}
		if len(s.Failures) > 0 {
			fmt.Fprintf(w, "worst failures:\n")
			for _, f := range s.Failures[:min(5, len(s.Failures))] {
				top := "no hits"
				if len(f.TopHits) > 0 {
					top = "top " + f.TopHits[0].DocumentID
				}
				fmt.Fprintf(w, "  %-15s conf %.2f  %s  %q (%s; relevant %v)\n", f.Kind, float64(f.Confidence), f.ID, truncate(f.Question, 70), top, f.Relevant)
				if len(f.Features) > 0 {
					fmt.Fprintf(w, "  %15s largest contributions: %s\n", "", largestContributions(f.Features, 4))
				}
			}
		}
	}
	return nil
}

func sortedLangs(m map[string]Breakdown) []string {
	ls := make([]string, 0, len(m))
	for l := range m {
		ls = append(ls, l)
	}
	sort.Strings(ls)
	return ls
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// largestContributions formats the n features with the largest absolute
// contributions to a failure's confidence logit, largest first.
func largestContributions(fs []FeatureContribution, n int) string {
	fs = slices.Clone(fs)
	sort.SliceStable(fs, func(i, j int) bool {
		return math.Abs(float64(fs[i].Contribution)) > math.Abs(float64(fs[j].Contribution))
	})
	parts := make([]string, 0, n)
	for _, f := range fs[:min(n, len(fs))] {
		parts = append(parts, fmt.Sprintf("%s %.3g (%+.2f)", f.Name, float64(f.Value), float64(f.Contribution)))
	}
	return strings.Join(parts, ", ")
}
