package eval

import (
	"math"
	"strings"
	"testing"

	"github.com/answerdesk/answerdesk/answer"
)

func TestFeatureAUROCs(t *testing.T) {
	sample := func(suite string, correct bool, sep, inv float64) Sample {
		return Sample{Suite: suite, Correct: correct, Features: []answer.Feature{
			{Name: "separates", Value: sep}, {Name: "inverted", Value: inv}, {Name: "constant", Value: 1},
		}}
	}
	samples := []Sample{
		sample("b", true, 0.9, 0.1), sample("b", false, 0.2, 0.8), sample("b", true, 0.7, 0.3),
		sample("a", true, 0.5, 0.5), sample("a", false, 0.5, 0.5),
		{Suite: "a", Correct: true}, // escalated before the confidence: not counted
		{Suite: "c", Correct: true}, // no decided query: no column
	}
	fa := FeatureAUROCs(samples)
	if got := strings.Join(fa.Suites, ","); got != "b,a" {
		t.Fatalf("suites %q, want b,a (first-seen order, suites with decided queries only)", got)
	}
	if got := strings.Join(fa.Features, ","); got != "constant,inverted,separates" {
		t.Fatalf("features %q, want sorted", got)
	}
	want := map[string]map[string]float64{
		"separates": {"b": 1, "a": 0.5},
		"inverted":  {"b": 0, "a": 0.5},
		"constant":  {"b": 0.5, "a": 0.5},
	}
	for f, bySuite := range want {
		for s, w := range bySuite {
			if got := float64(fa.Table[f][s]); math.Abs(got-w) > 1e-12 {
				t.Errorf("AUROC of %s in %s = %v, want %v", f, s, got, w)
			}
		}
	}
	// One class only: undefined, printed as "-".
	one := FeatureAUROCs([]Sample{sample("x", true, 1, 0), sample("x", true, 0, 1)})
	if v := one.Table["separates"]["x"]; v.Defined() {
		t.Errorf("AUROC with one class = %v, want undefined", v)
	}
	var b strings.Builder
	if err := WriteFeatureAUROC(&b, one); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "separates") || !strings.Contains(b.String(), " -") {
		t.Errorf("table:\n%s\nwant a row per feature and - for an undefined AUROC", b.String())
	}
}
