package eval

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// ErrRegression reports that a report regressed against its baseline
// beyond tolerance.
var ErrRegression = errors.New("regression")

// metricDef names a gated metric and reads it from a Breakdown.
type metricDef struct {
	name         string
	higherBetter bool
	get          func(*Breakdown) Metric
}

// counts are, for a metric that is a share of some items, how many items
// there are: it is gated only where the baseline has at least minCount of
// them and the new report any.
var counts = map[string]func(*Breakdown) float64{"article_precision": articlesOffered}

// minCount is the fewest items (articles offered) a share is gated on:
// on fewer, one item moves it by more than the tolerance.
const minCount = 20

// articlesOffered is how many escalations of b were offered articles.
func articlesOffered(b *Breakdown) float64 {
	d := b.Decision
	if !d.AnswerRate.Defined() || !d.ArticleRate.Defined() {
		return 0
	}
	return float64(d.ArticleRate) * float64(b.Queries) * (1 - float64(d.AnswerRate))
}

// gated are the metrics Compare holds against the baseline. Answer rate
// and the share of escalations offered articles are alone neither better
// nor worse, and latency is too noisy to gate by default, so they are
// reported without gating; what the offered articles are worth
// (article_precision) is gated.
var gated = []metricDef{
	{"hit@1", true, func(b *Breakdown) Metric { return b.Retrieval.Hit1 }},
	{"recall@5", true, func(b *Breakdown) Metric { return b.Retrieval.Recall5 }},
	{"recall@10", true, func(b *Breakdown) Metric { return b.Retrieval.Recall10 }},
	{"mrr@10", true, func(b *Breakdown) Metric { return b.Retrieval.MRR10 }},
	{"ndcg@10", true, func(b *Breakdown) Metric { return b.Retrieval.NDCG10 }},
	{"auroc", true, func(b *Breakdown) Metric { return b.Decision.AUROC }},
	{"auroc_answerable", true, func(b *Breakdown) Metric { return b.Decision.AUROCAnswerable }},
	{"ece", false, func(b *Breakdown) Metric { return b.Decision.ECE }},
	{"escalation_precision", true, func(b *Breakdown) Metric { return b.Decision.EscalationPrecision }},
	{"escalation_recall", true, func(b *Breakdown) Metric { return b.Decision.EscalationRecall }},
	{"answer_rate_at_95", true, func(b *Breakdown) Metric { return b.Decision.AnswerRateAt95 }},
	{"answer_precision", true, func(b *Breakdown) Metric { return b.Decision.AnswerPrecision }},
	{"accuracy", true, func(b *Breakdown) Metric { return b.Decision.Accuracy }},
	{"aurc", false, func(b *Breakdown) Metric { return b.Decision.AURC }},
	{"citation_precision", true, func(b *Breakdown) Metric { return b.Citations.Precision }},
	{"article_precision", true, func(b *Breakdown) Metric { return b.Decision.ArticlePrecision }},
}

// informational metrics are listed by Compare but never gated.
var informational = []metricDef{
	{"answer_rate", true, func(b *Breakdown) Metric { return b.Decision.AnswerRate }},
	{"article_rate", true, func(b *Breakdown) Metric { return b.Decision.ArticleRate }},
	{"latency_p95_ms", false, func(b *Breakdown) Metric { return b.Latency.P95 }},
}

// CompareOptions set the tolerance of Compare.
type CompareOptions struct {
	// MaxDrop is the largest tolerated worsening of a gated metric, in its
	// own units (0.01 = one point of a rate).
	MaxDrop float64
	// Overall only: do not gate per-language breakdowns.
	Overall bool
	// AllowMissing skips suites of the baseline absent from the new report
	// (a run without the shared datasets) instead of failing.
	AllowMissing bool
	// MinQueries: a language breakdown with fewer queries in the baseline
	// is listed but not gated (one query of fifteen moves a rate by 0.07).
	MinQueries int
}

// Delta is one metric of one suite (and language) in both reports.
type Delta struct {
	Suite  string `json:"suite"`
	Lang   string `json:"lang,omitempty"` // "" for the whole suite
	Metric string `json:"metric"`
	Base   Metric `json:"base"`
	New    Metric `json:"new"`
	// Change is New − Base (NaN when either is undefined).
	Change Metric `json:"change"`
	// Gated metrics can regress; Regressed says this one did.
	Gated     bool `json:"gated"`
	Regressed bool `json:"regressed"`
}

// Compare lists the deltas of every metric of every suite of base found in
// cur, and reports whether any gated metric worsened by more than MaxDrop, a
// suite or language of base is missing from cur, or a metric defined in base
// became undefined. The error wraps ErrRegression then.
func Compare(base, cur *Report, o CompareOptions) ([]Delta, error) {
	var deltas []Delta
	var regressed []string
	curSuites := map[string]*SuiteReport{}
	for i := range cur.Suites {
		curSuites[cur.Suites[i].Name] = &cur.Suites[i]
	}
	// Reports round to 6 decimals: a value read back from JSON may differ
	// from a fresh one by 5e-7.
	tol := o.MaxDrop + 1e-6
	for i := range base.Suites {
		bs := &base.Suites[i]
		cs, ok := curSuites[bs.Name]
		if !ok {
			if !o.AllowMissing {
				regressed = append(regressed, bs.Name+": missing")
			}
			continue
		}
		add := func(lang string, b, c *Breakdown) {
			for si, set := range [][]metricDef{gated, informational} {
				for _, m := range set {
					bv, cv := m.get(b), m.get(c)
					d := Delta{Suite: bs.Name, Lang: lang, Metric: m.name, Base: bv, New: cv, Change: Metric(float64(cv) - float64(bv))}
					d.Gated = si == 0 && (lang == "" || !o.Overall && b.Queries >= o.MinQueries) &&
						(counts[m.name] == nil || counts[m.name](b) >= minCount && counts[m.name](c) > 0)
					if d.Gated && bv.Defined() {
						worse := float64(bv) - float64(cv)
						if !m.higherBetter {
							worse = -worse
						}
						if !cv.Defined() || worse > tol {
							d.Regressed = true
							where := bs.Name
							if lang != "" {
								where += "/" + lang
							}
							regressed = append(regressed, fmt.Sprintf("%s %s %.4f → %.4f", where, m.name, float64(bv), float64(cv)))
						}
					}
					deltas = append(deltas, d)
				}
			}
		}
		add("", &bs.Breakdown, &cs.Breakdown)
		langs := make([]string, 0, len(bs.ByLanguage))
		for l := range bs.ByLanguage {
			langs = append(langs, l)
		}
		sort.Strings(langs)
		for _, l := range langs {
			bl := bs.ByLanguage[l]
			cl, ok := cs.ByLanguage[l]
			if !ok {
				if !o.Overall {
					regressed = append(regressed, bs.Name+"/"+l+": missing")
				}
				continue
			}
			add(l, &bl, &cl)
		}
	}
	if len(regressed) > 0 {
		shown := regressed[:min(len(regressed), 8)]
		more := ""
		if len(regressed) > len(shown) {
			more = fmt.Sprintf("; and %d more", len(regressed)-len(shown))
		}
		return deltas, fmt.Errorf("%w beyond %.4g in %d metrics: %s%s", ErrRegression, o.MaxDrop, len(regressed), strings.Join(shown, "; "), more)
	}
	return deltas, nil
}

// ReadReport reads a JSON report written by WriteJSON.
func ReadReport(path string) (*Report, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read report: %w", err)
	}
	var r Report
	if err := json.Unmarshal(data, &r); err != nil {
		return nil, fmt.Errorf("read report %s: %w", path, err)
	}
	if len(r.Suites) == 0 {
		return nil, fmt.Errorf("read report %s: no suites", path)
	}
	return &r, nil
}

// WriteJSON writes the report as indented JSON.
func WriteJSON(w io.Writer, r *Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(r)
}

// WriteDeltas prints deltas as a table: every metric of each suite as a
// whole, and per language only the regressed ones.
func WriteDeltas(w io.Writer, deltas []Delta) error {
	tw := newTable(w)
	tw.row("suite", "lang", "metric", "base", "new", "change", "")
	for _, d := range deltas {
		if d.Lang != "" && !d.Regressed {
			continue
		}
		status := ""
		switch {
		case d.Regressed:
			status = "REGRESSED"
		case !d.Gated:
			status = "(not gated)"
		case d.Change.Defined() && math.Abs(float64(d.Change)) > 1e-9:
			status = "changed"
		}
		lang := d.Lang
		if lang == "" {
			lang = "all"
		}
		tw.row(d.Suite, lang, d.Metric, fmtMetric(d.Base), fmtMetric(d.New), fmtSigned(d.Change), status)
	}
	return tw.flush()
}

// writeFileAtomic writes data to path through a temporary file in the same
// folder and a rename, so that a failed write never leaves a partial file.
func writeFileAtomic(path string, data []byte) error {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	f, err := os.CreateTemp(dir, "."+base+".tmp*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	defer os.Remove(f.Name())
	if _, err := f.Write(data); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	// CreateTemp makes the file private; a report is for sharing.
	if err := f.Chmod(0o644); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(f.Name(), path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// WriteFile writes a file atomically (a temporary file, then a rename).
func WriteFile(path string, data []byte) error { return writeFileAtomic(path, data) }
