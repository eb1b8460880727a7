package eval

import (
	"encoding/json"
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func near(a, b float64) bool {
	if math.IsNaN(a) || math.IsNaN(b) {
		return math.IsNaN(a) && math.IsNaN(b)
	}
	return math.Abs(a-b) < 1e-9
}

var approx = cmp.Options{
	cmp.Comparer(func(a, b Metric) bool { return near(float64(a), float64(b)) }),
	cmpopts.EquateApprox(0, 1e-9), cmpopts.EquateNaNs(),
}

func TestAUROC(t *testing.T) {
	tests := []struct {
		name   string
		scores []float64
		labels []bool
		want   float64
	}{
		{"interleaved", []float64{0.9, 0.8, 0.7, 0.6}, []bool{true, false, true, false}, 0.75},
		{"perfect", []float64{0.1, 0.9, 0.8, 0.2}, []bool{false, true, true, false}, 1},
		{"inverted", []float64{0.1, 0.9}, []bool{true, false}, 0},
		{"tie counts half", []float64{0.5, 0.5}, []bool{true, false}, 0.5},
		// pos {0.5, 0.9} vs neg {0.5, 0.1}: 0.5=0.5 half, 0.5>0.1, 0.9>both: 3.5/4.
		{"ties among many", []float64{0.5, 0.9, 0.5, 0.1}, []bool{true, true, false, false}, 0.875},
		{"no negatives", []float64{0.3, 0.4}, []bool{true, true}, math.NaN()},
		{"empty", nil, nil, math.NaN()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := AUROC(tt.scores, tt.labels); !near(got, tt.want) {
				t.Errorf("AUROC = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestReliability(t *testing.T) {
	// bin 0: conf .05, acc 0 → .05·1/4; bin 1: conf .15, acc 1 → .85·1/4;
	// bin 9: conf .95 and 1.0 (the last bin is closed), acc .5 → |.5-.975|·2/4.
	conf := []float64{0.05, 0.15, 0.95, 1.0}
	labels := []bool{false, true, true, false}
	ece, bins := Reliability(conf, labels, 10)
	want := 0.05/4 + 0.85/4 + 0.475*2/4
	if !near(ece, want) {
		t.Errorf("ECE = %v, want %v", ece, want)
	}
	if bins[9].Count != 2 || !near(float64(bins[9].Accuracy), 0.5) || !near(float64(bins[9].Confidence), 0.975) {
		t.Errorf("last bin = %+v", bins[9])
	}
	if bins[5].Count != 0 || bins[5].Accuracy.Defined() {
		t.Errorf("empty bin = %+v, want count 0 and undefined accuracy", bins[5])
	}
	if ece, _ := Reliability(nil, nil, 10); !math.IsNaN(ece) {
		t.Errorf("ECE of nothing = %v, want NaN", ece)
	}
	// Perfectly calibrated: every prediction 0.5 in one bin, half right.
	if ece, _ := Reliability([]float64{0.5, 0.5}, []bool{true, false}, 10); !near(ece, 0) {
		t.Errorf("calibrated ECE = %v, want 0", ece)
	}
}

func TestRiskCoverage(t *testing.T) {
	conf := []float64{0.9, 0.8, 0.7, 0.6}
	correct := []bool{true, true, false, true}
	curve, aurc := RiskCoverage(conf, correct)
	want := []RCPoint{
		{Coverage: 0.25, Risk: 0, Threshold: 0.9},
		{Coverage: 0.5, Risk: 0, Threshold: 0.8},
		{Coverage: 0.75, Risk: 1.0 / 3, Threshold: 0.7},
		{Coverage: 1, Risk: 0.25, Threshold: 0.6},
	}
	if diff := cmp.Diff(want, curve, approx); diff != "" {
		t.Errorf("curve (-want +got):\n%s", diff)
	}
	if !near(aurc, 0.25/3+0.25*0.25) {
		t.Errorf("AURC = %v", aurc)
	}
	// Tied confidences form one point: a threshold cannot split them.
	curve, _ = RiskCoverage([]float64{0.5, 0.4, 0.5}, []bool{true, true, false})
	want = []RCPoint{{Coverage: 2.0 / 3, Risk: 0.5, Threshold: 0.5}, {Coverage: 1, Risk: 1.0 / 3, Threshold: 0.4}}
	if diff := cmp.Diff(want, curve, approx); diff != "" {
		t.Errorf("tied curve (-want +got):\n%s", diff)
	}
}

func TestAnswerRateAt(t *testing.T) {
	conf := []float64{0.9, 0.8, 0.7, 0.6}
	correct := []bool{true, true, false, true}
	tests := []struct {
		precision, rate, threshold float64
	}{
		{0.95, 0.5, 0.8},
		{0.75, 1, 0.6},
		{0.6, 1, 0.6},
	}
	for _, tt := range tests {
		rate, thr := AnswerRateAt(conf, correct, tt.precision)
		if !near(rate, tt.rate) || !near(thr, tt.threshold) {
			t.Errorf("AnswerRateAt(%v) = %v, %v; want %v, %v", tt.precision, rate, thr, tt.rate, tt.threshold)
		}
	}
	rate, thr := AnswerRateAt([]float64{0.9, 0.1}, []bool{false, true}, 0.95)
	if rate != 0 || !math.IsInf(thr, 1) {
		t.Errorf("unreachable precision: rate %v threshold %v, want 0 and +Inf", rate, thr)
	}
}

func TestPercentile(t *testing.T) {
	var xs []float64
	for i := 1; i <= 100; i++ {
		xs = append(xs, float64(i))
	}
	for _, tt := range []struct{ p, want float64 }{{50, 50}, {95, 95}, {99, 99}, {100, 100}, {0.1, 1}} {
		if got := percentile(xs, tt.p); !near(float64(got), tt.want) {
			t.Errorf("p%v = %v, want %v", tt.p, got, tt.want)
		}
	}
	if got := percentile([]float64{7}, 99); got != 7 {
		t.Errorf("p99 of one = %v", got)
	}
	if got := percentile(nil, 50); got.Defined() {
		t.Errorf("p50 of none = %v, want undefined", got)
	}
}

func TestMetricJSON(t *testing.T) {
	b, err := json.Marshal(struct {
		A, B, C Metric
	}{0.1234567891, Metric(math.NaN()), 1})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(b), `{"A":0.123457,"B":null,"C":1}`; got != want {
		t.Errorf("marshal = %s, want %s", got, want)
	}
	var back struct{ A, B, C Metric }
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if !near(float64(back.A), 0.123457) || back.B.Defined() || back.C != 1 {
		t.Errorf("unmarshal = %+v", back)
	}
}
