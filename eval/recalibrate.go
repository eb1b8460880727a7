package eval

import (
	"fmt"
	"io"
	"maps"
	"slices"

	"github.com/answerdesk/answerdesk/answer"
)

// A confidence model ranks the answers of a knowledge base it was never
// fitted on much as it ranks those of the suites it was fitted on, but
// the level of its probabilities does not carry over: on the English
// questions of the product manuals (docs/eval.md) it ranks right answers
// above wrong ones almost perfectly and still answers one question in six,
// because the right answers' probabilities sit below a threshold chosen for
// the hardest shared suite. A team that labels some of its own questions
// can move that level: Recalibrate keeps the model's weights — what it
// learned from every shared suite about which evidence makes an answer
// right — and refits only the calibration (Platt scaling of the model's
// logit) and the threshold on the team's questions.

// MinRecalibrateFolds is the fewest folds Recalibrate cross-validates with.
const MinRecalibrateFolds = 2

// Recalibration is a model recalibrated on labelled questions, with
// cross-validated figures.
type Recalibration struct {
	// Model is prior with its Platt scaling and threshold refitted on every
	// sample; Reached reports whether its threshold reaches the target
	// precision there (it is 1, escalate all, when not).
	Model   answer.ConfidenceModel
	Reached bool
	Folds   int
	// Before is the prior model on the samples; After the recalibration,
	// each sample scored by the fold's recalibration that did not see it.
	// BySuite breaks them down.
	Before, After               HeldOut
	BeforeBySuite, AfterBySuite map[string]HeldOut
}

// Recalibrate refits prior's Platt scaling and threshold (o's target
// precision and threshold policy) on samples, keeping its weights, its
// intercept and its vetoes. Its figures are cross-validated: the samples
// are split into folds by a hash of their suite and id, and each fold is
// scored by a recalibration fitted on the other folds. Every fold's
// complement must hold right and wrong answers.
func Recalibrate(samples []Sample, prior answer.ConfidenceModel, folds int, o CalibrateOptions) (*Recalibration, error) {
	o, err := o.withDefaults()
	if err != nil {
		return nil, err
	}
	if folds < MinRecalibrateFolds {
		return nil, fmt.Errorf("%w: %d folds: want at least %d", ErrCalibrate, folds, MinRecalibrateFolds)
	}
	if len(prior.Weights) == 0 {
		return nil, fmt.Errorf("%w: the model to recalibrate has no weights", ErrCalibrate)
	}
	r := &Recalibration{Folds: folds, BeforeBySuite: map[string]HeldOut{}, AfterBySuite: map[string]HeldOut{}}
	var before, after []scored
	for f := range folds {
		var train, test []Sample
		for _, s := range samples {
			if foldOf(s, folds) == f {
				test = append(test, s)
			} else {
				train = append(train, s)
			}
		}
		if len(test) == 0 {
			continue
		}
		m, _, err := recalibrated(prior, train, o)
		if err != nil {
			return nil, fmt.Errorf("fold %d of %d: %w", f+1, folds, err)
		}
		for _, s := range test {
			before = append(before, scored{s, probability(prior, s), prior.Threshold})
			after = append(after, scored{s, probability(m, s), m.Threshold})
		}
	}
	r.Before, r.After = pooled(before, o.TargetPrecision), pooled(after, o.TargetPrecision)
	for _, suite := range suitesOf(samples) {
		in := func(x scored) bool { return x.s.Suite != suite }
		r.BeforeBySuite[suite] = pooled(slices.DeleteFunc(slices.Clone(before), in), o.TargetPrecision)
		r.AfterBySuite[suite] = pooled(slices.DeleteFunc(slices.Clone(after), in), o.TargetPrecision)
	}
	if r.Model, r.Reached, err = recalibrated(prior, samples, o); err != nil {
		return nil, err
	}
	return r, nil
}

// recalibrated is prior with Platt scaling and threshold fitted on the
// samples of ss that have features.
func recalibrated(prior answer.ConfidenceModel, ss []Sample, o CalibrateOptions) (answer.ConfidenceModel, bool, error) {
	var with []Sample
	for _, s := range ss {
		if s.Features != nil {
			with = append(with, s)
		}
	}
	if err := twoClasses("recalibration", with); err != nil {
		return answer.ConfidenceModel{}, false, err
	}
	m := prior
	m.Weights = maps.Clone(prior.Weights)
	m.Vetoes = slices.Clone(prior.Vetoes)
	m.Isotonic = nil
	z := make([]float64, len(with))
	y := make([]bool, len(with))
	for i, s := range with {
		z[i], y[i] = logit(prior, s), s.Correct
	}
	a, b := fitPlatt(z, y)
	m.Platt = &answer.Platt{A: a, B: b}
	reached := setThreshold(&m, with, o)
	return m, reached, nil
}

// foldOf is a sample's fold of n, by a hash of its suite and id.
func foldOf(s Sample, n int) int { return int(sampleHash(s.Suite, s.ID) % uint32(n)) }

func suitesOf(ss []Sample) []string {
	var out []string
	for _, s := range ss {
		if !slices.Contains(out, s.Suite) {
			out = append(out, s.Suite)
		}
	}
	slices.Sort(out)
	return out
}

// WriteRecalibration prints a recalibration's cross-validated figures: the
// model before and after, pooled and by suite.
func WriteRecalibration(w io.Writer, r *Recalibration, target float64) error {
	fmt.Fprintf(w, "recalibrated: the model's weights kept, its Platt scaling and threshold refitted; figures cross-validated over %d folds (each question scored by a recalibration fitted on the other folds)\n", r.Folds)
	if r.Model.Platt != nil {
		fmt.Fprintf(w, "platt: a %.4f b %.4f; threshold %.4f (the lowest reaching precision %.3f on every question)\n\n", r.Model.Platt.A, r.Model.Platt.B, r.Model.Threshold, target)
	}
	t := newTable(w)
	t.row("questions", "model", "n", "AUROC", "ECE", "precision@thr", "answered@thr", fmt.Sprintf("best answer rate@%.0f%%", target*100))
	line := func(name, model string, h HeldOut) {
		t.row(name, model, fmt.Sprint(h.N), fmtMetric(h.AUROC), fmtMetric(h.ECE), fmtMetric(h.Precision), fmtMetric(h.Coverage), fmtMetric(h.AnswerRateAtTarget))
	}
	line("all", "before", r.Before)
	line("all", "recalibrated", r.After)
	for _, suite := range slices.Sorted(maps.Keys(r.AfterBySuite)) {
		line(suite, "before", r.BeforeBySuite[suite])
		line(suite, "recalibrated", r.AfterBySuite[suite])
	}
	return t.flush()
}

// RecalibrateRuns recalibrates prior on the samples of runs (Recalibrate;
// with o.LeaveOutCross, not the answers the cross-language model scored),
// prints the figures and writes the model to out. It returns the model
// written.
func RecalibrateRuns(w io.Writer, runs []SuiteRun, prior answer.ConfidenceModel, folds int, o CalibrateOptions, out string) (answer.ConfidenceModel, error) {
	r, err := Recalibrate(runSamples(runs, o.LeaveOutCross), prior, folds, o)
	if err != nil {
		return answer.ConfidenceModel{}, err
	}
	if err := WriteRecalibration(w, r, o.TargetPrecision); err != nil {
		return answer.ConfidenceModel{}, err
	}
	if !r.Reached {
		return answer.ConfidenceModel{}, fmt.Errorf("%w (%.3f) on these questions; %s not written", ErrTargetNotReached, o.TargetPrecision, out)
	}
	if err := WriteModelFile(out, r.Model); err != nil {
		return answer.ConfidenceModel{}, err
	}
	fmt.Fprintf(w, "wrote %s\n", out)
	return r.Model, nil
}
