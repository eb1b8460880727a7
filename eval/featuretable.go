package eval

import (
	"fmt"
	"io"
	"slices"

	"github.com/answerdesk/answerdesk/eval/metric"
)

// FeatureAUROC is the AUROC of each confidence feature's raw value against
// correctness, per suite: Table[feature][suite], over the suite's queries
// the confidence decides (samples with features). It needs no fit, so it
// is not in-sample on any suite: it shows what a feature can tell apart
// where, before a model weighs it against the others (0.5 tells nothing;
// below 0.5, more of the feature means more wrong answers).
type FeatureAUROC struct {
	Features, Suites []string
	Table            map[string]map[string]Metric
}

// FeatureAUROCs computes FeatureAUROC over samples, features and suites in
// sorted order (suites in first-seen order).
func FeatureAUROCs(samples []Sample) FeatureAUROC {
	fa := FeatureAUROC{Features: featureNames(samples), Table: map[string]map[string]Metric{}}
	bySuite := map[string][]Sample{}
	for _, s := range samples {
		if s.Features == nil {
			continue
		}
		if _, ok := bySuite[s.Suite]; !ok {
			fa.Suites = append(fa.Suites, s.Suite)
		}
		bySuite[s.Suite] = append(bySuite[s.Suite], s)
	}
	for _, name := range fa.Features {
		fa.Table[name] = map[string]Metric{}
		for _, suite := range fa.Suites {
			ss := bySuite[suite]
			x := make([]float64, len(ss))
			y := make([]bool, len(ss))
			for i, s := range ss {
				x[i], y[i] = s.value(name), s.Correct
			}
			fa.Table[name][suite] = Metric(metric.AUROC(x, y))
		}
	}
	return fa
}

// WriteFeatureAUROC prints fa as a table, a row per feature and a column
// per suite.
func WriteFeatureAUROC(w io.Writer, fa FeatureAUROC) error {
	fmt.Fprintf(w, "AUROC of each feature's value against correctness, per suite (no fit: what the feature alone separates)\n\n")
	t := newTable(w)
	t.row(slices.Concat([]string{"feature"}, fa.Suites)...)
	for _, name := range fa.Features {
		cells := []string{name}
		for _, suite := range fa.Suites {
			cells = append(cells, fmtMetric(fa.Table[name][suite]))
		}
		t.row(cells...)
	}
	return t.flush()
}
