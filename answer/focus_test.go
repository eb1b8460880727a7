package answer

import (
	"maps"
	"slices"
	"testing"

	"github.com/answerdesk/answerdesk/retrieval"
)

// focusOf runs focusQuery over hits as the engine does, the index knowing
// the question's terms in indexed.
func focusOf(question string, indexed []string, hits ...retrieval.Hit) (whole, focus query, ok bool) {
	whole = newQuery(analyzeText(question), retrieval.Result{Terms: indexed, Hits: hits})
	focus, ok = focusQuery(question, whole, hits, newPassages(nil))
	return whole, focus, ok
}

func TestFocusLeavesOutWhatTheEvidenceDoesNotTouch(t *testing.T) {
	reset := hitOf("reset", "Reset the hub", "Hold the reset button on the back of the hub for ten seconds.")
	billing := hitOf("billing", "Billing", "Your son or daughter can be added to a family plan on the weekend offer.")
	// "son" and "weekend" are indexed (the billing page) but not in the
	// best hits; "wife" is not indexed at all.
	indexed := []string{"son", "weekend", "reset", "hub"}
	whole, f, ok := focusOf("Hi there. My wife asked me to check. How do I reset the hub? Thanks!", indexed, reset)
	if !ok {
		t.Fatal("a greeting and a context sentence the evidence does not touch: not focused")
	}
	if got := slices.Sorted(maps.Keys(f.terms)); !slices.Equal(got, []string{"hub", "reset"}) {
		t.Errorf("focus terms %v, want [hub reset]", got)
	}
	if !f.asked["how"] || f.asked["wife"] || f.asked["thank"] || f.asked["thanks"] {
		t.Errorf("focus question terms %v: want the question sentence's only", f.asked)
	}
	if f.all >= whole.all {
		t.Errorf("focus has %d terms, the whole question %d", f.all, whole.all)
	}
	// A context sentence sharing a term with the evidence stays: "son"
	// is on the billing page, now among the best hits.
	if _, _, ok := focusOf("My son set this up last weekend. How do I reset the hub?", indexed, reset, billing); ok {
		t.Error("a context sentence sharing words with the evidence was left out")
	}
	// One sentence, or no sentence touched: nothing to narrow.
	for _, q := range []string{"hi my wife asked how do i reset the hub", "My wife asked. Thanks!"} {
		if _, _, ok := focusOf(q, indexed, reset); ok {
			t.Errorf("%q focused", q)
		}
	}
	if _, _, ok := focusOf("Hi there. How do I reset the hub?", indexed); ok {
		t.Error("focused without hits")
	}
}

// TestFocusFeatures: chatter around a question leaves the coverage
// features and the question similarity of the bare question, while oov
// still counts the words of the whole message the index has never seen.
func TestFocusFeatures(t *testing.T) {
	reset := hitOf("reset", "How do I reset the hub?", "Hold the reset button on the back of the hub for ten seconds.")
	indexed := []string{"son", "weekend", "reset", "hub", "back"}
	res := retrieval.Result{Terms: indexed, Hits: []retrieval.Hit{reset}}
	run := func(question string) map[string]float64 {
		whole, f, ok := focusOf(question, indexed, reset)
		in := featureInput{res: res, q: whole, lang: "en", qLength: whole.all, asked: whole.asked}
		if ok {
			in.q, in.whole, in.qLength, in.asked = f, whole, f.all, f.asked
		}
		ps := newPassages(nil)
		c, composed := extract(res.Hits, in.q, 3, ps)
		if !composed {
			t.Fatalf("%q: nothing composed", question)
		}
		in.c, in.ps = c, ps
		out := map[string]float64{}
		for _, f := range computeFeatures(in) {
			out[f.Name] = f.Value
		}
		return out
	}
	bare := run("How do I reset the hub?")
	chat := run("Hello! My son set this up last weekend, my wife is at work. How do I reset the hub? Cheers")
	for _, name := range []string{FeatureCoverage, FeatureIDFCoverage, FeatureSentenceCoverage, FeatureQuestionSim, FeatureQueryLen} {
		if bare[name] != chat[name] {
			t.Errorf("%s: bare question %.3f, with chatter %.3f", name, bare[name], chat[name])
		}
	}
	if !(chat[FeatureOOV] > bare[FeatureOOV]) {
		t.Errorf("oov with chatter %.3f, bare %.3f: the whole message's unknown words must count", chat[FeatureOOV], bare[FeatureOOV])
	}
}
