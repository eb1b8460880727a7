package eval

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/answerdesk/answerdesk/answer"
	"github.com/google/go-cmp/cmp"
)

// synthetic draws samples whose true probability of being right is
// sigmoid(3·x − 1 + 0·noise), with a useless feature next to x.
func synthetic(n int) []Sample {
	r := rand.New(rand.NewPCG(1, 2))
	ss := make([]Sample, n)
	for i := range ss {
		x := r.Float64()*4 - 2
		noise := r.NormFloat64()
		ss[i] = Sample{
			Suite: "syn", ID: fmt.Sprint(i), Lang: []string{"en", "ru"}[i%2],
			Features: map[string]float64{"x": x, "noise": noise},
			Correct:  r.Float64() < sigmoid(3*x-1),
		}
	}
	// Some queries escalated before any confidence: never fitted, scored 0.
	for i := 0; i < n/50; i++ {
		ss[i].Features = nil
		ss[i].Correct = false
	}
	return ss
}

func TestCalibrateRecoversModel(t *testing.T) {
	for _, method := range []string{"platt", "isotonic"} {
		t.Run(method, func(t *testing.T) {
			c, err := Calibrate(synthetic(8000), CalibrateOptions{TargetPrecision: 0.95, Method: method, FittedOn: []string{"syn"}})
			if err != nil {
				t.Fatal(err)
			}
			m := c.Model
			if math.Abs(m.Weights["x"]-3) > 0.35 || math.Abs(m.Intercept+1) > 0.3 || math.Abs(m.Weights["noise"]) > 0.15 {
				t.Errorf("model = %+v, want x≈3, intercept≈-1, noise≈0", m)
			}
			if !c.Reached {
				t.Fatal("target precision not reached")
			}
			h := c.HeldOut
			if c.Fit+c.Calibrate+c.Test < 7800 || h.N != c.Test {
				t.Errorf("splits %d/%d/%d, held-out n %d", c.Fit, c.Calibrate, c.Test, h.N)
			}
			if h.ECE > 0.05 || h.AUROC < 0.8 {
				t.Errorf("held-out ECE %.3f AUROC %.3f", h.ECE, h.AUROC)
			}
			// The threshold comes from other data than the test split, so
			// precision there is near, not exactly at, the target.
			if h.Precision < 0.92 || h.Coverage <= 0 {
				t.Errorf("held-out precision %.3f at coverage %.3f", h.Precision, h.Coverage)
			}
			if !(m.Threshold > 0 && m.Threshold < 1) {
				t.Errorf("threshold %v", m.Threshold)
			}
			if len(c.ByLang) != 2 || c.BySuite["syn"].N != c.Test {
				t.Errorf("breakdowns: %v %v", c.ByLang, c.BySuite)
			}
		})
	}
}

func TestCalibrateErrors(t *testing.T) {
	allRight := synthetic(200)
	for i := range allRight {
		allRight[i].Correct = true
	}
	tests := []struct {
		name    string
		samples []Sample
		opts    CalibrateOptions
	}{
		{"one class", allRight, CalibrateOptions{}},
		{"no samples", nil, CalibrateOptions{}},
		{"bad method", synthetic(200), CalibrateOptions{Method: "magic"}},
		{"bad target", synthetic(200), CalibrateOptions{TargetPrecision: 1.5}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := Calibrate(tt.samples, tt.opts); !errors.Is(err, ErrCalibrate) {
				t.Errorf("err = %v, want ErrCalibrate", err)
			}
		})
	}
}

func TestFitIsotonic(t *testing.T) {
	got := fitIsotonic([]float64{0.3, 0.1, 0.4, 0.2}, []bool{false, false, true, true})
	// Sorted: (.1,0) (.2,1) (.3,0) (.4,1): (.2,1) and (.3,0) pool to (.25,.5).
	want := []answer.CalPoint{{X: 0.1, Y: 0}, {X: 0.25, Y: 0.5}, {X: 0.4, Y: 1}}
	if diff := cmp.Diff(want, got, approx); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestProbability(t *testing.T) {
	m := answer.ConfidenceModel{Intercept: -1, Weights: map[string]float64{"a": 2}, Platt: &answer.Platt{A: 0.5, B: 0.5}}
	// logit = -1 + 2·1 = 1; Platt: 0.5·1 + 0.5 = 1.
	if got := Probability(m, map[string]float64{"a": 1, "unknown": 5}); !near(got, sigmoid(1)) {
		t.Errorf("platt = %v", got)
	}
	m.Isotonic = []answer.CalPoint{{X: 0.5, Y: 0.2}, {X: 0.9, Y: 1}}
	// sigmoid(1) ≈ 0.731 lies between the points.
	want := 0.2 + 0.8*(sigmoid(1)-0.5)/0.4
	if got := Probability(m, map[string]float64{"a": 1}); !near(got, want) {
		t.Errorf("isotonic = %v, want %v", got, want)
	}
	if got := Probability(m, map[string]float64{"a": -10}); got != 0.2 {
		t.Errorf("below the first point = %v, want 0.2", got)
	}
}

func TestSolve(t *testing.T) {
	x, err := solve([][]float64{{2, 1}, {1, 3}}, []float64{3, 5})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]float64{0.8, 1.4}, x, approx); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if _, err := solve([][]float64{{1, 2}, {2, 4}}, []float64{1, 2}); err == nil {
		t.Error("singular system solved")
	}
}

func TestSplitOf(t *testing.T) {
	counts := map[Split]int{}
	for i := range 10000 {
		counts[SplitOf("s", fmt.Sprint(i))]++
	}
	for split, want := range map[Split]int{SplitFit: 5000, SplitCalibrate: 2000, SplitTest: 3000} {
		if math.Abs(float64(counts[split]-want)) > 200 {
			t.Errorf("split %d has %d of 10000, want about %d", split, counts[split], want)
		}
	}
	for i := range 100 {
		if id := fmt.Sprint(i); SplitOf("s", id) != SplitOf("s", id) {
			t.Fatalf("split of %s changes between calls", id)
		}
	}
}

func TestCalibrateKeepsPriorForUnfittable(t *testing.T) {
	ss := synthetic(4000)
	for i := range ss {
		if ss[i].Features != nil {
			ss[i].Features["is_faq"] = 0 // constant: cannot be fitted
		}
	}
	prior := answer.ConfidenceModel{Weights: map[string]float64{"is_faq": 0.3, "support_ratio": 2, "x": 100}}
	c, err := Calibrate(ss, CalibrateOptions{Prior: &prior})
	if err != nil {
		t.Fatal(err)
	}
	w := c.Model.Weights
	if w["is_faq"] != 0.3 || w["support_ratio"] != 2 {
		t.Errorf("unfittable weights = %v, want the prior's", w)
	}
	if math.Abs(w["x"]-3) > 0.4 {
		t.Errorf("fitted weight x = %v: the prior must not override data", w["x"])
	}
}

func TestProbabilityMatchesEngine(t *testing.T) {
	m := answer.ConfidenceModel{Intercept: -1, Weights: map[string]float64{"a": 2, "b": -1}, Platt: &answer.Platt{A: 0.7, B: 0.1},
		Isotonic: []answer.CalPoint{{X: 0.1, Y: 0.05}, {X: 0.6, Y: 0.5}, {X: 0.95, Y: 0.99}}}
	for _, f := range []map[string]float64{{"a": 0.3, "b": 1}, {"a": 1}, {"a": 2, "b": 0.2}, {}} {
		var fs []answer.Feature
		for k, v := range f {
			fs = append(fs, answer.Feature{Name: k, Value: v})
		}
		if got, want := Probability(m, f), m.Probability(fs); !near(got, want) {
			t.Errorf("Probability(%v) = %v, the engine says %v", f, got, want)
		}
	}
}
