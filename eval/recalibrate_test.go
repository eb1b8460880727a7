package eval

import (
	"errors"
	"math"
	"testing"

	"github.com/answerdesk/answerdesk/answer"
)

// TestRecalibrateMovesTheLevel: a model that ranks the samples well but
// whose probabilities are too low for them (its intercept 3 below the
// truth) answers nothing at its threshold; recalibrated, it answers at the
// target precision on questions each fold never saw, keeping its weights.
func TestRecalibrateMovesTheLevel(t *testing.T) {
	ss := synthetic(6000) // true probability sigmoid(3·x − 1)
	prior := answer.ConfidenceModel{Intercept: -4, Weights: map[string]float64{"x": 3, "noise": 0}, Threshold: 0.9,
		Vetoes: []string{"sibling_miss"}}
	r, err := Recalibrate(ss, prior, 5, CalibrateOptions{TargetPrecision: 0.9})
	if err != nil {
		t.Fatal(err)
	}
	if r.Before.Coverage > 0.05 {
		t.Errorf("before: answered %.3f, want almost nothing from the underconfident model", r.Before.Coverage)
	}
	if r.After.Coverage < 0.2 || math.Abs(float64(r.After.Precision)-0.9) > 0.03 {
		t.Errorf("recalibrated, cross-validated: answered %.3f at precision %.3f, want ≥ 0.2 near 0.9", r.After.Coverage, r.After.Precision)
	}
	if r.After.ECE >= r.Before.ECE || r.After.ECE > 0.05 {
		t.Errorf("ECE %.3f → %.3f, want it below 0.05", r.Before.ECE, r.After.ECE)
	}
	if r.After.N != len(ss) || r.AfterBySuite["syn"].N != len(ss) {
		t.Errorf("scored %d (suite %d) of %d samples", r.After.N, r.AfterBySuite["syn"].N, len(ss))
	}
	m := r.Model
	if !r.Reached || m.Intercept != prior.Intercept || m.Weights["x"] != 3 || m.Platt == nil || m.Threshold == prior.Threshold {
		t.Errorf("model = %+v (reached %v), want the prior's weights with a Platt scaling and a threshold of its own", m, r.Reached)
	}
	if len(m.Vetoes) != 1 || m.Vetoes[0] != "sibling_miss" {
		t.Errorf("vetoes %v, want the prior's", m.Vetoes)
	}
	prior.Weights["x"] = 7
	if m.Weights["x"] != 3 {
		t.Error("the recalibrated model shares its weights with the prior")
	}
}

func TestRecalibrateErrors(t *testing.T) {
	prior := answer.ConfidenceModel{Weights: map[string]float64{"x": 1}, Threshold: 0.9}
	allRight := synthetic(200)
	for i := range allRight {
		allRight[i].Correct = true
	}
	for _, c := range []struct {
		name  string
		ss    []Sample
		prior answer.ConfidenceModel
		folds int
	}{
		{"one fold", synthetic(200), prior, 1},
		{"no wrong answer", allRight, prior, 5},
		{"a model without weights", synthetic(200), answer.ConfidenceModel{}, 5},
	} {
		if _, err := Recalibrate(c.ss, c.prior, c.folds, CalibrateOptions{}); !errors.Is(err, ErrCalibrate) {
			t.Errorf("%s: err = %v, want ErrCalibrate", c.name, err)
		}
	}
}
