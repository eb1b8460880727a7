package eval

import (
	"errors"
	"fmt"
	"hash/fnv"
	"maps"
	"math"
	"slices"
	"sort"

	"github.com/answerdesk/answerdesk/answer"
)

// ErrCalibrate reports that a confidence model cannot be fitted: too few
// samples, or only one class in a split.
var ErrCalibrate = errors.New("cannot calibrate")

// Sample is one query's confidence features and whether answering it would
// be right (Result.Correct).
type Sample struct {
	Suite, ID, Lang string
	// Features as the engine reported them, in its order; nil when the
	// engine escalated before computing a confidence (a human request, no
	// evidence): such a query is escalated whatever the model says, so it
	// is scored with probability 0 and not fitted on.
	Features []answer.Feature
	Correct  bool
	// Answerable is the query's label in the suite.
	Answerable bool
	// Confidence is what the engine's current model said, for comparison.
	Confidence float64
	// CrossLanguage: the engine scored the answer with the cross-language
	// model (Result.CrossLanguage).
	CrossLanguage bool
}

// value returns the sample's feature name (0 when absent).
func (s Sample) value(name string) float64 {
	for _, f := range s.Features {
		if f.Name == name {
			return f.Value
		}
	}
	return 0
}

// Samples turns a suite's results into calibration samples.
func Samples(suite string, results []Result) []Sample {
	out := make([]Sample, 0, len(results))
	for _, r := range results {
		s := Sample{Suite: suite, ID: r.Query.ID, Lang: r.Query.Lang, Correct: r.Correct, Answerable: r.Query.Answerable, Confidence: r.Confidence, CrossLanguage: r.CrossLanguage}
		// Only answers the confidence decides are fitted: not errors, and
		// not escalations for another reason (no evidence, a human request,
		// a sensitive topic), which no threshold would turn into answers. A
		// cross-language quote escalated because quotes are off
		// (answer.cross_language_quotes) was decided by the confidence all
		// the same: the switch hides it, the threshold is what it cleared.
		// A message with a case reference (answer.case_nouns, a tenant's
		// setting) is fitted too: the rule is about whose question it is,
		// not about the evidence, and the model does not depend on it.
		decided := r.Reason == "" || r.Reason == string(answer.ReasonLowConfidence) || r.Reason == string(answer.ReasonCrossLanguage) ||
			r.Reason == string(answer.ReasonCaseReference)
		if len(r.Features) > 0 && r.Err == "" && decided {
			s.Features = append([]answer.Feature(nil), r.Features...)
		}
		out = append(out, s)
	}
	return out
}

// Split is the part of the data a sample falls in.
type Split int

// Splits: the logistic regression is fitted on SplitFit, Platt or isotonic
// calibration and the threshold on SplitCalibrate, and every reported
// figure is measured on SplitTest, which nothing was fitted on.
const (
	SplitFit Split = iota
	SplitCalibrate
	SplitTest
)

// SplitOf assigns a sample to a split by a hash of its suite and id: 50%
// fit, 20% calibrate, 30% test, the same on every run and machine.
func SplitOf(suite, id string) Split {
	switch b := sampleHash(suite, id) % 10; {
	case b < 5:
		return SplitFit
	case b < 7:
		return SplitCalibrate
	default:
		return SplitTest
	}
}

// sampleHash is the FNV-1a hash of a sample's suite and id, which the
// splits and the recalibration's folds are drawn by.
func sampleHash(suite, id string) uint32 {
	h := fnv.New32a()
	h.Write([]byte(suite))
	h.Write([]byte{0})
	h.Write([]byte(id))
	return h.Sum32()
}

// CalibrateOptions control Calibrate.
type CalibrateOptions struct {
	// TargetPrecision the threshold must reach (0.95 when zero).
	TargetPrecision float64
	// Method is "platt" (default) or "isotonic".
	Method string
	// L2 is the ridge penalty on standardized weights (1 when zero).
	L2 float64
	// FittedOn names the suites, recorded in the model.
	FittedOn []string
	// Exclude names features the model must not use (weight 0): features
	// that identify a suite rather than describe the evidence, like the
	// question's language when one language comes from one kind of suite.
	Exclude []string
	// Threshold is the threshold policy: ThresholdPooled (default) or
	// ThresholdWorstSuite.
	Threshold string
	// Monotone drops, and refits without, every feature whose fitted weight
	// has the opposite sign of answer.FeatureSign: a feature that means
	// "more likely right" must not lower the confidence because it is
	// correlated with another on the training suites.
	Monotone bool
	// Prior is the model being replaced: features the suites cannot fit
	// (absent, or constant, like dense agreement without an embedding
	// provider or support ratio without an LLM) keep their weights from it.
	Prior *answer.ConfidenceModel
	// FeatureTable makes CalibrateRuns print FeatureAUROCs first.
	FeatureTable bool
	// LeaveOutCross makes CalibrateRuns leave out the answers the
	// cross-language model scored (Sample.CrossLanguage): the sparse and
	// hybrid models never score them, and their features are another set.
	LeaveOutCross bool
}

// HeldOut are figures measured on the test split.
type HeldOut struct {
	N int `json:"n"`
	// AUROC and ECE of the probabilities against correctness, and
	// AUROCAnswerable against answerability (the reference floor's
	// abstention AUROC).
	AUROC           Metric `json:"auroc"`
	AUROCAnswerable Metric `json:"auroc_answerable"`
	ECE             Metric `json:"ece"`
	// Precision and Coverage of the answers at the chosen threshold.
	Precision Metric `json:"precision"`
	Coverage  Metric `json:"coverage"`
	// AnswerRateAtTarget is the best coverage any threshold would reach at
	// the target precision on this data (an upper bound for Coverage).
	AnswerRateAtTarget Metric `json:"answer_rate_at_target"`
}

// Calibration is a fitted confidence model with its held-out figures.
type Calibration struct {
	Model answer.ConfidenceModel
	// Fit, Calibrate and Test count the samples of each split (those with
	// features for Fit).
	Fit, Calibrate, Test int
	// Reached reports whether the target precision was reachable on the
	// calibration split; when not, the threshold is 1 (escalate all).
	Reached bool
	// HeldOut is the new model on the test split, Before the engine's
	// current confidence on the same queries (at CalibrateOptions.Prior's
	// threshold when given).
	HeldOut, Before HeldOut
	// BySuite and ByLang break HeldOut down, BeforeBySuite and
	// BeforeByLang Before.
	BySuite, ByLang             map[string]HeldOut
	BeforeBySuite, BeforeByLang map[string]HeldOut
}

// Calibrate fits a confidence model on samples: logistic regression over
// the features (Newton's method with a ridge penalty on standardized
// features) on the fit split, Platt scaling or isotonic regression of its
// output on the calibration split, and the lowest threshold whose answers
// reach the target precision on the calibration split. It reports figures on
// the test split only.
func Calibrate(samples []Sample, o CalibrateOptions) (*Calibration, error) {
	o, err := o.withDefaults()
	if err != nil {
		return nil, err
	}
	var fit, cal, test []Sample
	for _, s := range samples {
		switch SplitOf(s.Suite, s.ID) {
		case SplitFit:
			fit = append(fit, s)
		case SplitCalibrate:
			cal = append(cal, s)
		default:
			test = append(test, s)
		}
	}
	m, reached, nfit, err := fitModel(fit, cal, o)
	if err != nil {
		return nil, err
	}
	c := &Calibration{Model: m, Reached: reached, Fit: nfit, Calibrate: len(cal), Test: len(test)}
	c.HeldOut = heldOut(m, test, o.TargetPrecision, nil)
	before := answer.ConfidenceModel{Threshold: math.NaN()}
	if o.Prior != nil {
		before = *o.Prior
	}
	c.Before = heldOut(before, test, o.TargetPrecision, func(s Sample) float64 { return s.Confidence })
	c.BySuite, c.ByLang = map[string]HeldOut{}, map[string]HeldOut{}
	c.BeforeBySuite, c.BeforeByLang = map[string]HeldOut{}, map[string]HeldOut{}
	group := func(key func(Sample) string, into, beforeInto map[string]HeldOut) {
		parts := map[string][]Sample{}
		for _, s := range test {
			parts[key(s)] = append(parts[key(s)], s)
		}
		for k, ss := range parts {
			into[k] = heldOut(m, ss, o.TargetPrecision, nil)
			beforeInto[k] = heldOut(before, ss, o.TargetPrecision, func(s Sample) float64 { return s.Confidence })
		}
	}
	group(func(s Sample) string { return s.Suite }, c.BySuite, c.BeforeBySuite)
	group(func(s Sample) string { return s.Lang }, c.ByLang, c.BeforeByLang)
	return c, nil
}

func (o CalibrateOptions) withDefaults() (CalibrateOptions, error) {
	if o.TargetPrecision == 0 {
		o.TargetPrecision = 0.95
	}
	if !(o.TargetPrecision > 0 && o.TargetPrecision < 1) {
		return o, fmt.Errorf("%w: target precision %v is not in (0,1)", ErrCalibrate, o.TargetPrecision)
	}
	if o.L2 == 0 {
		o.L2 = 1
	}
	switch o.Threshold {
	case "":
		o.Threshold = ThresholdPooled
	case ThresholdPooled, ThresholdWorstSuite:
	default:
		return o, fmt.Errorf("%w: unknown threshold policy %q: use %s or %s", ErrCalibrate, o.Threshold, ThresholdPooled, ThresholdWorstSuite)
	}
	switch o.Method {
	case "":
		o.Method = "platt"
	case "platt", "isotonic":
	default:
		return o, fmt.Errorf("%w: unknown method %q: use platt or isotonic", ErrCalibrate, o.Method)
	}
	return o, nil
}

// fitModel fits the logistic regression on the samples of fit that have
// features, calibrates it on cal and picks the threshold on cal. It returns
// the model, whether the target precision was reached (the threshold is 1
// otherwise) and the number of samples fitted.
func fitModel(fit, cal []Sample, o CalibrateOptions) (answer.ConfidenceModel, bool, int, error) {
	var withF []Sample
	for _, s := range fit {
		if s.Features != nil {
			withF = append(withF, s)
		}
	}
	fit = withF
	if err := twoClasses("fit", fit); err != nil {
		return answer.ConfidenceModel{}, false, 0, err
	}
	if err := twoClasses("calibration", cal); err != nil {
		return answer.ConfidenceModel{}, false, 0, err
	}
	names := featureNames(fit)
	if o.Prior != nil {
		// A vetoing feature decides by rule (answer.ConfidenceModel.Vetoes):
		// it is not weighed as well.
		o.Exclude = slices.Concat(o.Exclude, o.Prior.Vetoes)
	}
	for _, x := range o.Exclude {
		if i := slices.Index(names, x); i >= 0 {
			names = slices.Delete(names, i, i+1)
		}
	}
	if len(names) == 0 {
		return answer.ConfidenceModel{}, false, 0, fmt.Errorf("%w: the engine reported no confidence features", ErrCalibrate)
	}
	m, err := fitLogistic(fit, names, o.L2)
	if err != nil {
		return answer.ConfidenceModel{}, false, 0, err
	}
	// Features of the wrong sign are left out like excluded ones: absent
	// from the refit, so that keepPrior does not take them for unfittable.
	var dropped []string
	for o.Monotone {
		wrong := wrongSigns(m)
		if len(wrong) == 0 {
			break
		}
		dropped = append(dropped, wrong...)
		names = slices.DeleteFunc(names, func(n string) bool { return slices.Contains(wrong, n) })
		if m, err = fitLogistic(fit, names, o.L2); err != nil {
			return answer.ConfidenceModel{}, false, 0, err
		}
	}
	if o.Prior != nil {
		keepPrior(&m, *o.Prior, fit)
	}
	for _, x := range slices.Concat(o.Exclude, dropped) {
		m.Weights[x] = 0
	}
	m.FittedOn = o.FittedOn
	if o.Prior != nil {
		// A veto is a rule chosen by its meaning, not fitted: it stays.
		m.Vetoes = slices.Clone(o.Prior.Vetoes)
	}
	switch o.Method {
	case "platt":
		var z []float64
		var y []bool
		for _, s := range cal {
			if s.Features != nil {
				z = append(z, logit(m, s))
				y = append(y, s.Correct)
			}
		}
		a, b := fitPlatt(z, y)
		m.Platt = &answer.Platt{A: a, B: b}
	case "isotonic":
		var p []float64
		var y []bool
		for _, s := range cal {
			if s.Features != nil {
				p = append(p, sigmoid(logit(m, s)))
				y = append(y, s.Correct)
			}
		}
		m.Isotonic = fitIsotonic(p, y)
	}
	reached := setThreshold(&m, cal, o)
	return m, reached, len(fit), nil
}

// setThreshold sets m's threshold by o's policy on the samples of cal, and
// reports whether the target precision was reached there; when not, the
// threshold is 1 (escalate all).
func setThreshold(m *answer.ConfidenceModel, cal []Sample, o CalibrateOptions) bool {
	probs, labels := score(*m, cal)
	var rate, thr float64
	switch o.Threshold {
	case ThresholdWorstSuite:
		suites := make([]string, len(cal))
		for i, s := range cal {
			suites[i] = s.Suite
		}
		rate, thr = worstSuiteThreshold(probs, labels, suites, o.TargetPrecision)
	default:
		rate, thr = AnswerRateAt(probs, labels, o.TargetPrecision)
	}
	reached := rate > 0
	if !reached {
		thr = 1
	}
	m.Threshold = math.Min(1, math.Max(0, thr))
	return reached
}

// Threshold policies (CalibrateOptions.Threshold).
const (
	// ThresholdPooled is the lowest threshold whose answers reach the
	// target precision on the calibration split, all suites pooled.
	ThresholdPooled = "pooled"
	// ThresholdWorstSuite is the lowest threshold at which the answers of
	// the calibration split reach the target precision pooled and in every
	// suite (a suite with fewer than minSuiteAnswers answers above it is
	// not held to it): the threshold for the hardest knowledge base seen,
	// not the average one.
	ThresholdWorstSuite = "worst-suite"
)

// minSuiteAnswers is how many answers above a threshold a suite needs
// before ThresholdWorstSuite holds it to the target precision: fewer are
// too few to measure a precision on.
const minSuiteAnswers = 10

// worstSuiteThreshold returns ThresholdWorstSuite's threshold over
// probabilities p with their correctness and suites, and the share of
// samples it answers; 0 and +Inf when no threshold answers anything.
func worstSuiteThreshold(p []float64, correct []bool, suite []string, target float64) (rate, threshold float64) {
	idx := sortedIdx(p, false) // ascending
	type count struct{ answered, right int }
	above := map[string]*count{}
	for i := range p {
		c := above[suite[i]]
		if c == nil {
			c = &count{}
			above[suite[i]] = c
		}
		c.answered++
		if correct[i] {
			c.right++
		}
	}
	answered, right := len(p), 0
	for _, c := range above {
		right += c.right
	}
	for k := 0; k < len(idx); {
		// Every sample from idx[k] on is answered at threshold p[idx[k]];
		// they must reach the target pooled, and in every suite that has
		// enough of them.
		ok := float64(right) >= target*float64(answered)-1e-9
		for _, c := range above {
			if c.answered >= minSuiteAnswers && float64(c.right) < target*float64(c.answered)-1e-9 {
				ok = false
			}
		}
		if ok {
			return float64(len(idx)-k) / float64(len(idx)), p[idx[k]]
		}
		// Raise the threshold past every sample tied at this probability.
		for v := p[idx[k]]; k < len(idx) && p[idx[k]] == v; k++ {
			c := above[suite[idx[k]]]
			c.answered--
			answered--
			if correct[idx[k]] {
				c.right--
				right--
			}
		}
	}
	return 0, math.Inf(1)
}

// wrongSigns lists the features of m whose weight has the opposite sign of
// answer.FeatureSign, sorted.
func wrongSigns(m answer.ConfidenceModel) []string {
	var wrong []string
	for _, n := range slices.Sorted(maps.Keys(m.Weights)) {
		if s := answer.FeatureSign(n); float64(s)*m.Weights[n] < 0 {
			wrong = append(wrong, n)
		}
	}
	return wrong
}

// Fold is one suite held out: a model fitted on every other suite and its
// figures on the held-out suite, whole and by language.
type Fold struct {
	Suite string
	// Model was fitted without a single query of Suite.
	Model answer.ConfidenceModel
	// Reached reports whether the target precision was reachable on the
	// other suites' calibration split.
	Reached bool
	// HeldOut and ByLang are measured on every query of Suite.
	HeldOut HeldOut
	ByLang  map[string]HeldOut
}

// LOSO is a leave-one-suite-out calibration: one fold per suite, and the
// folds' held-out figures pooled (every query scored by the model that did
// not see its suite).
type LOSO struct {
	Folds  []Fold
	Pooled HeldOut
	// PooledByLang pools the folds by query language.
	PooledByLang map[string]HeldOut
}

// LeaveOneSuiteOut fits, for each suite in turn, a model on the other
// suites (logistic regression on their fit and test splits, calibration and
// threshold on their calibration split) and measures it on the suite left
// out, which nothing was fitted on. These are the figures to report: a
// suite is data the model has never seen, as a customer's knowledge base
// will be. It needs at least two suites.
func LeaveOneSuiteOut(samples []Sample, o CalibrateOptions) (*LOSO, error) {
	o, err := o.withDefaults()
	if err != nil {
		return nil, err
	}
	bySuite := map[string][]Sample{}
	var names []string
	for _, s := range samples {
		if _, ok := bySuite[s.Suite]; !ok {
			names = append(names, s.Suite)
		}
		bySuite[s.Suite] = append(bySuite[s.Suite], s)
	}
	if len(names) < 2 {
		return nil, fmt.Errorf("%w: leave-one-suite-out needs at least two suites, got %d", ErrCalibrate, len(names))
	}
	sort.Strings(names)
	out := &LOSO{PooledByLang: map[string]HeldOut{}}
	var all []scored
	for _, held := range names {
		var fit, cal []Sample
		for _, s := range samples {
			switch {
			case s.Suite == held:
			case SplitOf(s.Suite, s.ID) == SplitCalibrate:
				cal = append(cal, s)
			default:
				fit = append(fit, s)
			}
		}
		fo := o
		fo.FittedOn = nil
		for _, n := range names {
			if n != held {
				fo.FittedOn = append(fo.FittedOn, n)
			}
		}
		m, reached, _, err := fitModel(fit, cal, fo)
		if err != nil {
			return nil, fmt.Errorf("fold %s held out: %w", held, err)
		}
		test := bySuite[held]
		f := Fold{Suite: held, Model: m, Reached: reached, HeldOut: heldOut(m, test, o.TargetPrecision, nil), ByLang: map[string]HeldOut{}}
		byLang := map[string][]Sample{}
		for _, s := range test {
			byLang[s.Lang] = append(byLang[s.Lang], s)
			all = append(all, scored{s, probability(m, s), m.Threshold})
		}
		for lang, ss := range byLang {
			f.ByLang[lang] = heldOut(m, ss, o.TargetPrecision, nil)
		}
		out.Folds = append(out.Folds, f)
	}
	out.Pooled = pooled(all, o.TargetPrecision)
	byLang := map[string][]scored{}
	for _, x := range all {
		byLang[x.s.Lang] = append(byLang[x.s.Lang], x)
	}
	for lang, xs := range byLang {
		out.PooledByLang[lang] = pooled(xs, o.TargetPrecision)
	}
	return out, nil
}

// FitAll fits the model to ship on every sample: logistic regression on the
// fit and test splits, calibration and threshold on the calibration split.
// It reports no figures: LeaveOneSuiteOut's are the held-out ones.
func FitAll(samples []Sample, o CalibrateOptions) (answer.ConfidenceModel, bool, error) {
	o, err := o.withDefaults()
	if err != nil {
		return answer.ConfidenceModel{}, false, err
	}
	var fit, cal []Sample
	for _, s := range samples {
		if SplitOf(s.Suite, s.ID) == SplitCalibrate {
			cal = append(cal, s)
		} else {
			fit = append(fit, s)
		}
	}
	m, reached, _, err := fitModel(fit, cal, o)
	return m, reached, err
}

// scored is a held-out sample with its fold's probability and threshold.
type scored struct {
	s   Sample
	p   float64
	thr float64
}

func pooled(xs []scored, target float64) HeldOut {
	p := make([]float64, len(xs))
	y := make([]bool, len(xs))
	ans := make([]bool, len(xs))
	answered, right := 0, 0
	for i, x := range xs {
		p[i], y[i], ans[i] = x.p, x.s.Correct, x.s.Answerable
		if x.p >= x.thr {
			answered++
			if y[i] {
				right++
			}
		}
	}
	h := figures(p, y, ans, target)
	h.Precision, h.Coverage = ratio(right, answered), ratio(answered, len(p))
	return h
}

// figures are the threshold-free held-out figures of probabilities p.
func figures(p []float64, y, ans []bool, target float64) HeldOut {
	h := HeldOut{N: len(p), AUROC: Metric(AUROC(p, y)), AUROCAnswerable: Metric(AUROC(p, ans))}
	ece, _ := Reliability(p, y, 10)
	h.ECE = Metric(ece)
	rate, _ := AnswerRateAt(p, y, target)
	h.AnswerRateAtTarget = Metric(rate)
	return h
}

func twoClasses(split string, ss []Sample) error {
	pos := 0
	for _, s := range ss {
		if s.Correct {
			pos++
		}
	}
	if pos == 0 || pos == len(ss) {
		return fmt.Errorf("%w: the %s split has %d samples, %d of them right: need both right and wrong answers", ErrCalibrate, split, len(ss), pos)
	}
	return nil
}

func featureNames(ss []Sample) []string {
	seen := map[string]bool{}
	for _, s := range ss {
		for _, f := range s.Features {
			seen[f.Name] = true
		}
	}
	names := make([]string, 0, len(seen))
	for k := range seen {
		names = append(names, k)
	}
	sort.Strings(names)
	return names
}

// probability applies m to a sample's features exactly as the engine does
// (answer.ConfidenceModel.Probability, same order of summation); a sample
// without features scores 0.
func probability(m answer.ConfidenceModel, s Sample) float64 {
	if s.Features == nil {
		return 0
	}
	fs := append([]answer.Feature(nil), s.Features...) // Probability fills contributions
	return m.Probability(fs)
}

// logit is the model's raw logit for s, as the engine computes it.
func logit(m answer.ConfidenceModel, s Sample) float64 {
	fs := append([]answer.Feature(nil), s.Features...)
	return m.Logit(fs)
}

func sigmoid(z float64) float64 { return 1 / (1 + math.Exp(-z)) }

// score applies m to samples; a sample without features scores 0.
func score(m answer.ConfidenceModel, ss []Sample) ([]float64, []bool) {
	p := make([]float64, len(ss))
	y := make([]bool, len(ss))
	for i, s := range ss {
		p[i] = probability(m, s)
		y[i] = s.Correct
	}
	return p, y
}

func heldOut(m answer.ConfidenceModel, ss []Sample, target float64, prob func(Sample) float64) HeldOut {
	p, y := score(m, ss)
	if prob != nil {
		for i, s := range ss {
			p[i] = prob(s)
		}
	}
	ans := make([]bool, len(ss))
	for i, s := range ss {
		ans[i] = s.Answerable
	}
	h := figures(p, y, ans, target)
	thr := m.Threshold
	if math.IsNaN(thr) {
		h.Precision, h.Coverage = nan, nan
		return h
	}
	answered, right := 0, 0
	for i := range p {
		if p[i] >= thr {
			answered++
			if y[i] {
				right++
			}
		}
	}
	h.Precision, h.Coverage = ratio(right, answered), ratio(answered, len(p))
	return h
}

// keepPrior gives features that were absent or constant in the fit data
// their prior weights, moving the intercept so that the logit of the fit
// data is unchanged.
func keepPrior(m *answer.ConfidenceModel, prior answer.ConfidenceModel, fit []Sample) {
	for k, w := range prior.Weights {
		if fitted, ok := m.Weights[k]; ok && fitted != 0 {
			continue
		}
		if _, constant := m.Weights[k]; constant && len(fit) > 0 {
			m.Intercept -= w * fit[0].value(k)
		}
		m.Weights[k] = w
	}
}

// fitLogistic fits an L2-regularized logistic regression by Newton's method
// on standardized features and returns it on the raw features.
func fitLogistic(ss []Sample, names []string, l2 float64) (answer.ConfidenceModel, error) {
	d := len(names)
	n := len(ss)
	wt := suiteWeights(ss)
	mean := make([]float64, d)
	sd := make([]float64, d)
	vals := make([][]float64, n)
	for i, s := range ss {
		vals[i] = make([]float64, d)
		for _, f := range s.Features {
			if j := sort.SearchStrings(names, f.Name); j < d && names[j] == f.Name {
				vals[i][j] = f.Value
			}
		}
		for j := range names {
			mean[j] += vals[i][j]
		}
	}
	for j := range mean {
		mean[j] /= float64(n)
	}
	for i := range ss {
		for j := range names {
			v := vals[i][j] - mean[j]
			sd[j] += v * v
		}
	}
	for j := range sd {
		sd[j] = math.Sqrt(sd[j] / float64(n))
	}
	// Design matrix with the intercept last; constant features are left out.
	x := make([][]float64, n)
	y := make([]float64, n)
	for i, s := range ss {
		row := make([]float64, d+1)
		for j := range names {
			if sd[j] > 1e-12 {
				row[j] = (vals[i][j] - mean[j]) / sd[j]
			}
		}
		row[d] = 1
		x[i] = row
		if s.Correct {
			y[i] = 1
		}
	}
	w := make([]float64, d+1)
	for iter := 0; iter < 100; iter++ {
		g := make([]float64, d+1)
		h := make([][]float64, d+1)
		for j := range h {
			h[j] = make([]float64, d+1)
		}
		for i := range x {
			z := 0.0
			for j, v := range x[i] {
				z += w[j] * v
			}
			p := sigmoid(z)
			r := wt[i] * p * (1 - p)
			for j, vj := range x[i] {
				g[j] += wt[i] * (p - y[i]) * vj
				for k := j; k <= d; k++ {
					h[j][k] += r * vj * x[i][k]
				}
			}
		}
		for j := 0; j <= d; j++ {
			for k := 0; k < j; k++ {
				h[j][k] = h[k][j]
			}
		}
		for j := 0; j < d; j++ { // no penalty on the intercept
			g[j] += l2 * w[j]
			h[j][j] += l2
		}
		step, err := solve(h, g)
		if err != nil {
			return answer.ConfidenceModel{}, fmt.Errorf("%w: %v", ErrCalibrate, err)
		}
		size := 0.0
		for j := range w {
			w[j] -= step[j]
			size = math.Max(size, math.Abs(step[j]))
		}
		if size < 1e-10 {
			break
		}
	}
	m := answer.ConfidenceModel{Intercept: w[d], Weights: map[string]float64{}}
	for j, k := range names {
		if sd[j] > 1e-12 {
			m.Weights[k] = w[j] / sd[j]
			m.Intercept -= w[j] * mean[j] / sd[j]
		} else {
			m.Weights[k] = 0
		}
	}
	return m, nil
}

// suiteWeights weighs each sample by 1/(its suite's share of ss), scaled
// to a mean of 1, so that every suite counts the same in a fit: a model
// must work on a knowledge base it has never seen, not on the largest
// suite's kind of questions.
func suiteWeights(ss []Sample) []float64 {
	count := map[string]int{}
	for _, s := range ss {
		count[s.Suite]++
	}
	w := make([]float64, len(ss))
	for i, s := range ss {
		w[i] = float64(len(ss)) / float64(len(count)*count[s.Suite])
	}
	return w
}

// solve solves a·x = b by Gaussian elimination with partial pivoting.
func solve(a [][]float64, b []float64) ([]float64, error) {
	n := len(b)
	m := make([][]float64, n)
	for i := range a {
		m[i] = append(append([]float64(nil), a[i]...), b[i])
	}
	for c := 0; c < n; c++ {
		p := c
		for r := c + 1; r < n; r++ {
			if math.Abs(m[r][c]) > math.Abs(m[p][c]) {
				p = r
			}
		}
		if math.Abs(m[p][c]) < 1e-12 {
			return nil, errors.New("singular system")
		}
		m[c], m[p] = m[p], m[c]
		for r := c + 1; r < n; r++ {
			f := m[r][c] / m[c][c]
			for k := c; k <= n; k++ {
				m[r][k] -= f * m[c][k]
			}
		}
	}
	x := make([]float64, n)
	for r := n - 1; r >= 0; r-- {
		s := m[r][n]
		for k := r + 1; k < n; k++ {
			s -= m[r][k] * x[k]
		}
		x[r] = s / m[r][r]
	}
	return x, nil
}

// fitPlatt fits p = sigmoid(a·z + b) by Newton's method on the log loss,
// with Platt's smoothed targets so that separable data stays finite.
func fitPlatt(z []float64, y []bool) (a, b float64) {
	npos := 0
	for _, v := range y {
		if v {
			npos++
		}
	}
	nneg := len(y) - npos
	hi := (float64(npos) + 1) / (float64(npos) + 2)
	lo := 1 / (float64(nneg) + 2)
	t := make([]float64, len(y))
	for i, v := range y {
		if v {
			t[i] = hi
		} else {
			t[i] = lo
		}
	}
	// loss is the cross-entropy of sigmoid(a·z + b) against the targets.
	loss := func(a, b float64) float64 {
		l := 0.0
		for i := range z {
			p := min(max(sigmoid(a*z[i]+b), 1e-15), 1-1e-15)
			l -= t[i]*math.Log(p) + (1-t[i])*math.Log(1-p)
		}
		return l
	}
	a, b = 1, 0
	for iter := 0; iter < 100; iter++ {
		var ga, gb, haa, hab, hbb float64
		for i := range z {
			p := sigmoid(a*z[i] + b)
			r := math.Max(p*(1-p), 1e-12)
			ga += (p - t[i]) * z[i]
			gb += p - t[i]
			haa += r * z[i] * z[i]
			hab += r * z[i]
			hbb += r
		}
		haa += 1e-9
		hbb += 1e-9
		det := haa*hbb - hab*hab
		if math.Abs(det) < 1e-18 {
			break
		}
		da := (hbb*ga - hab*gb) / det
		db := (haa*gb - hab*ga) / det
		// Newton's step, halved while it raises the loss beyond rounding:
		// far from the optimum (a model whose level is off by several
		// logits) a full step overshoots.
		for l, halvings := loss(a, b), 0; loss(a-da, b-db) > l*(1+1e-9) && halvings < 40; halvings++ {
			da, db = da/2, db/2
		}
		a, b = a-da, b-db
		if math.Max(math.Abs(da), math.Abs(db)) < 1e-10 {
			break
		}
	}
	return a, b
}

// fitIsotonic fits a non-decreasing map from p to the rate of right answers
// by pool-adjacent-violators and returns its points (block mean of p →
// block rate), merged where p repeats.
func fitIsotonic(p []float64, y []bool) []answer.CalPoint {
	idx := sortedIdx(p, false)
	type block struct{ sx, sy, n float64 }
	var bs []block
	for _, i := range idx {
		v := 0.0
		if y[i] {
			v = 1
		}
		bs = append(bs, block{p[i], v, 1})
		for len(bs) > 1 {
			a, b := bs[len(bs)-2], bs[len(bs)-1]
			if a.sy/a.n < b.sy/b.n && a.sx/a.n < b.sx/b.n {
				break
			}
			bs = bs[:len(bs)-2]
			bs = append(bs, block{a.sx + b.sx, a.sy + b.sy, a.n + b.n})
		}
	}
	pts := make([]answer.CalPoint, 0, len(bs))
	for _, b := range bs {
		pts = append(pts, answer.CalPoint{X: b.sx / b.n, Y: b.sy / b.n})
	}
	return pts
}

// DefaultExclude are the features calibration leaves out (weight 0),
// chosen leave one suite out: the question's language and language match
// identify a suite (xquad is the only source of Russian and Chinese) rather
// than describe the evidence, and coverage, top_score_ratio and
// critical_miss repeat idf_coverage and margin (fitted with them, they take
// weights of the wrong sign). agreeing counts the cited document's other
// passages among the top hits, so on a knowledge base of long documents
// (banking77's intents, each a list of a hundred phrasings) it measures the
// document's length as much as agreement. Without them the held-out AUROC
// and ECE are better.
func DefaultExclude() []string {
	return []string{"lang_ru", "lang_zh", "lang_match", "coverage", "top_score_ratio", "critical_miss", "agreeing"}
}
