package eval

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/answerdesk/answerdesk/answer"
)

// WriteCalibration prints a calibration's coefficients and its held-out
// figures: overall, before (the engine's current confidence) and after, by
// suite and by language.
func WriteCalibration(w io.Writer, c *Calibration, target float64) error {
	m := c.Model
	fmt.Fprintf(w, "split: %d fit (with features), %d calibrate, %d test (held out; all figures below)\n", c.Fit, c.Calibrate, c.Test)
	fmt.Fprintf(w, "model: intercept %.4f", m.Intercept)
	names := make([]string, 0, len(m.Weights))
	for k := range m.Weights {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		fmt.Fprintf(w, ", %s %.4f", k, m.Weights[k])
	}
	fmt.Fprintln(w)
	if m.Platt != nil {
		fmt.Fprintf(w, "platt: a %.4f b %.4f\n", m.Platt.A, m.Platt.B)
	}
	if len(m.Isotonic) > 0 {
		fmt.Fprintf(w, "isotonic: %d points\n", len(m.Isotonic))
	}
	fmt.Fprintf(w, "threshold %.4f (lowest reaching precision %.3f on the calibration split)\n", m.Threshold, target)
	fmt.Fprintf(w, "AUROC: of the probability against correctness; AUROC-ans: against answerability (the floor's abstention AUROC)\n\n")
	t := newTable(w)
	t.row("held out", "n", "AUROC", "AUROC-ans", "ECE", "precision@thr", "answered@thr", fmt.Sprintf("best answer rate@%.0f%%", target*100))
	line := func(name string, h HeldOut) {
		t.row(name, fmt.Sprint(h.N), fmtMetric(h.AUROC), fmtMetric(h.AUROCAnswerable), fmtMetric(h.ECE), fmtMetric(h.Precision), fmtMetric(h.Coverage), fmtMetric(h.AnswerRateAtTarget))
	}
	line("all: current model", c.Before)
	line("all: fitted model", c.HeldOut)
	for _, k := range sortedKeys(c.BySuite) {
		line(k+": current", c.BeforeBySuite[k])
		line(k+": fitted", c.BySuite[k])
	}
	for _, k := range sortedKeys(c.ByLang) {
		line("lang "+k+": current", c.BeforeByLang[k])
		line("lang "+k+": fitted", c.ByLang[k])
	}
	if err := t.flush(); err != nil {
		return err
	}
	if c.Before.AUROC.Defined() && c.HeldOut.AUROC < c.Before.AUROC-0.005 {
		fmt.Fprintf(w, "warning: the held-out AUROC (%.3f) is below the current model's (%.3f): too few queries (%d fitted)? Keep the current model.\n",
			float64(c.HeldOut.AUROC), float64(c.Before.AUROC), c.Fit)
	}
	return nil
}

// WriteLOSO prints a leave-one-suite-out calibration: for each suite, the
// figures of the model fitted on the other suites, on the whole suite and
// by language; then every query pooled, scored by its fold's model. ndcg,
// when given, adds each suite's nDCG@10 (by suite, then language; "" is the
// whole suite).
func WriteLOSO(w io.Writer, l *LOSO, target float64, ndcg map[string]map[string]Metric) error {
	fmt.Fprintf(w, "leave one suite out: every figure is measured on a suite the model was not fitted on\n")
	fmt.Fprintf(w, "AUROC: of the probability against correctness; AUROC-ans: against answerability; precision and answered at the fold's threshold\n\n")
	t := newTable(w)
	t.row("held-out suite", "lang", "n", "nDCG@10", "AUROC", "AUROC-ans", "ECE", "precision@thr", "answered@thr", fmt.Sprintf("answer rate@%.0f%%", target*100), "threshold")
	line := func(suite, lang string, h HeldOut, thr string) {
		nd := ""
		if v, ok := ndcg[suite][lang]; ok {
			nd = fmtMetric(v)
		}
		name := lang
		if name == "" {
			name = "all"
		}
		t.row(suite, name, fmt.Sprint(h.N), nd, fmtMetric(h.AUROC), fmtMetric(h.AUROCAnswerable), fmtMetric(h.ECE), fmtMetric(h.Precision), fmtMetric(h.Coverage), fmtMetric(h.AnswerRateAtTarget), thr)
	}
	for _, f := range l.Folds {
		thr := fmt.Sprintf("%.3f", f.Model.Threshold)
		if !f.Reached {
			thr = "unreached"
		}
		line(f.Suite, "", f.HeldOut, thr)
		if len(f.ByLang) > 1 {
			for _, k := range sortedKeys(f.ByLang) {
				line(f.Suite, k, f.ByLang[k], "")
			}
		}
	}
	line("pooled", "", l.Pooled, "")
	for _, k := range sortedKeys(l.PooledByLang) {
		line("pooled", k, l.PooledByLang[k], "")
	}
	return t.flush()
}

func sortedKeys(m map[string]HeldOut) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

// MarshalModel encodes a confidence model as the engine loads it.
func MarshalModel(m answer.ConfidenceModel) ([]byte, error) {
	if m.FittedOn == nil {
		m.FittedOn = []string{}
	}
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("encode confidence model: %w", err)
	}
	return append(b, '\n'), nil
}

// DescribeModel is a model's coefficients on one line.
func DescribeModel(m answer.ConfidenceModel) string {
	var b strings.Builder
	fmt.Fprintf(&b, "intercept %.4f", m.Intercept)
	names := make([]string, 0, len(m.Weights))
	for k := range m.Weights {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		fmt.Fprintf(&b, ", %s %.4f", k, m.Weights[k])
	}
	if m.Platt != nil {
		fmt.Fprintf(&b, "; platt a %.4f b %.4f", m.Platt.A, m.Platt.B)
	}
	fmt.Fprintf(&b, "; threshold %.4f", m.Threshold)
	return b.String()
}
