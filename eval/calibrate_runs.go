package eval

import (
	"errors"
	"fmt"
	"io"

	"github.com/answerdesk/answerdesk/answer"
)

// ErrTargetNotReached reports a fitted model whose threshold does not
// reach the target precision: it is not written.
var ErrTargetNotReached = errors.New("no threshold reaches the target precision")

// CalibrateRuns fits the confidence model on the answers of runs (the
// model records their suites) and writes it to out when its threshold
// reaches o.TargetPrecision, reporting on w. With loso it first prints the
// leave-one-suite-out table (each suite measured by a model fitted on the
// others, beside its nDCG@10) and writes the model fitted on every suite;
// otherwise it prints the fit on the calibration split and writes that.
// With o.FeatureTable it first prints FeatureAUROCs of the samples. With
// o.LeaveOutCross the answers the cross-language model scored are neither
// fitted nor reported. It
// returns the model written.
func CalibrateRuns(w io.Writer, runs []SuiteRun, o CalibrateOptions, loso bool, out string) (answer.ConfidenceModel, error) {
	samples := runSamples(runs, o.LeaveOutCross)
	ndcg := map[string]map[string]Metric{}
	o.FittedOn = nil
	for _, r := range runs {
		o.FittedOn = append(o.FittedOn, r.Suite.Name)
		ndcg[r.Suite.Name] = map[string]Metric{"": r.Report.Retrieval.NDCG10}
		for lang, b := range r.Report.ByLanguage {
			ndcg[r.Suite.Name][lang] = b.Retrieval.NDCG10
		}
	}
	if o.FeatureTable {
		if err := WriteFeatureAUROC(w, FeatureAUROCs(samples)); err != nil {
			return answer.ConfidenceModel{}, err
		}
		fmt.Fprintln(w)
	}
	var m answer.ConfidenceModel
	var reached bool
	if loso {
		l, err := LeaveOneSuiteOut(samples, o)
		if err != nil {
			return answer.ConfidenceModel{}, err
		}
		if err := WriteLOSO(w, l, o.TargetPrecision, ndcg); err != nil {
			return answer.ConfidenceModel{}, err
		}
		if m, reached, err = FitAll(samples, o); err != nil {
			return answer.ConfidenceModel{}, err
		}
		fmt.Fprintf(w, "\nmodel fitted on every suite: %s\n", DescribeModel(m))
	} else {
		cal, err := Calibrate(samples, o)
		if err != nil {
			return answer.ConfidenceModel{}, err
		}
		if err := WriteCalibration(w, cal, o.TargetPrecision); err != nil {
			return answer.ConfidenceModel{}, err
		}
		m, reached = cal.Model, cal.Reached
	}
	if !reached {
		return answer.ConfidenceModel{}, fmt.Errorf("%w (%.3f) on the calibration split; %s not written", ErrTargetNotReached, o.TargetPrecision, out)
	}
	if err := WriteModelFile(out, m); err != nil {
		return answer.ConfidenceModel{}, err
	}
	fmt.Fprintf(w, "wrote %s\n", out)
	return m, nil
}

// runSamples are the samples of runs, without the answers the
// cross-language model scored when leaveOutCross.
func runSamples(runs []SuiteRun, leaveOutCross bool) []Sample {
	var out []Sample
	for _, r := range runs {
		for _, s := range Samples(r.Suite.Name, r.Results) {
			if !(leaveOutCross && s.CrossLanguage) {
				out = append(out, s)
			}
		}
	}
	return out
}
