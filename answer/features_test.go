package answer

import (
	"math"
	"testing"

	"github.com/answerdesk/answerdesk/retrieval"
)

// hitOf is a retrieved chunk of document doc.
func hitOf(doc, title, text string) retrieval.Hit {
	return retrieval.Hit{Chunk: retrieval.Chunk{ID: doc + "#0", DocumentID: doc, Title: title, Text: text, Kind: retrieval.KindDoc}}
}

func featureOf(t *testing.T, fs []Feature, name string) (float64, bool) {
	t.Helper()
	for _, f := range fs {
		if f.Name == name {
			return f.Value, true
		}
	}
	return 0, false
}

// features runs the extractive composer and the features over hits, as the
// engine does.
func features(t *testing.T, question string, res retrieval.Result) []Feature {
	t.Helper()
	for i := range res.Hits {
		if res.Hits[i].SparseRank == 0 && res.Hits[i].DenseRank == 0 {
			res.Hits[i].SparseRank = i + 1
		}
	}
	q := newQuery(analyzeText(question), res)
	ps := newPassages(nil)
	c, ok := extract(res.Hits, q, 3, ps)
	if !ok {
		t.Fatalf("no answer composed for %q", question)
	}
	return computeFeatures(featureInput{res: res, q: q, c: c, lang: "en", qLength: q.all, ps: ps, asked: q.asked})
}

func TestCriticalMiss(t *testing.T) {
	// "pro" is the rare, specific term; "plan" and "cancel" are everywhere.
	basic := hitOf("basic", "Basic plan", "To cancel the Basic plan, open Billing and press Cancel plan.")
	pro := hitOf("pro", "Pro plan support", "Pro customers get priority support from an account manager.")
	terms := []string{"cancel", "pro", "plan"}
	idf := map[string]float64{"cancel": 0.4, "pro": 2.5, "plan": 0.2}
	res := retrieval.Result{Terms: terms, IDF: idf, Hits: []retrieval.Hit{basic, pro}}
	fs := features(t, "How do I cancel the Pro plan?", res)
	if v, _ := featureOf(t, fs, FeatureCriticalMiss); v != 1 {
		t.Errorf("Basic plan cited for a Pro question: critical_miss %v, want 1 (%v)", v, fs)
	}
	idfCov, _ := featureOf(t, fs, FeatureIDFCoverage)
	cov, _ := featureOf(t, fs, FeatureCoverage)
	if !(idfCov < cov) || idfCov > 0.25 {
		t.Errorf("idf_coverage %.3f, coverage %.3f: missing the rare term must weigh more", idfCov, cov)
	}
	// The right passage on top: nothing critical is missing.
	res.Hits = []retrieval.Hit{pro, basic}
	fs = features(t, "How do I cancel the Pro plan?", res)
	if v, _ := featureOf(t, fs, FeatureCriticalMiss); v != 0 {
		t.Errorf("Pro plan cited: critical_miss %v, want 0", v)
	}
	// A backend without IDFs: no term is critical, coverage is unweighted.
	res.IDF = nil
	res.Hits = []retrieval.Hit{basic, pro}
	fs = features(t, "How do I cancel the Pro plan?", res)
	if v, _ := featureOf(t, fs, FeatureCriticalMiss); v != 0 {
		t.Errorf("without IDFs: critical_miss %v, want 0", v)
	}
	if a, b := must(featureOf(t, fs, FeatureIDFCoverage)), must(featureOf(t, fs, FeatureCoverage)); a != b {
		t.Errorf("without IDFs: idf_coverage %v != coverage %v", a, b)
	}
}

func must(v float64, _ bool) float64 { return v }

func TestQuestionSimKeepsQuestionWords(t *testing.T) {
	faq := func(doc, question, answer string) retrieval.Hit {
		h := hitOf(doc, question, question+"\n"+answer)
		h.Kind = retrieval.KindFAQ
		return h
	}
	what := faq("what", "What is Lumen Cloud?", "Lumen Cloud stores your camera clips.")
	where := faq("where", "Where can I get Lumen Cloud?", "Lumen Cloud is sold in the app store.")
	res := retrieval.Result{Terms: []string{"lumen", "cloud"}, Hits: []retrieval.Hit{what, where}}
	// Both entries match "lumen cloud" alike for BM25; the question words
	// tell them apart.
	fsWhat := features(t, "What is Lumen Cloud?", res)
	res.Hits = []retrieval.Hit{where, what}
	fsWhere := features(t, "What is Lumen Cloud?", res)
	simWhat, ok := featureOf(t, fsWhat, FeatureQuestionSim)
	simWhere, _ := featureOf(t, fsWhere, FeatureQuestionSim)
	if !ok || simWhat != 1 {
		t.Errorf("verbatim FAQ question: question_sim %v, want 1", simWhat)
	}
	if !(simWhere < 0.7) {
		t.Errorf("\"Where can I get…\" entry for \"What is…\": question_sim %v, want clearly below 1", simWhere)
	}
	// Non-FAQ passages match on their best sentence.
	doc := hitOf("doc", "Guide", "The hub has a reset button. What is Lumen Cloud? It stores clips.")
	fs := features(t, "what is lumen cloud", retrieval.Result{Terms: []string{"lumen", "cloud"}, Hits: []retrieval.Hit{doc}})
	if v, _ := featureOf(t, fs, FeatureQuestionSim); v != 1 {
		t.Errorf("sentence match: question_sim %v, want 1", v)
	}
}

func TestTopCited(t *testing.T) {
	// The best hit shares one word; the second shares every word, so the
	// composer cites it: an answer from a lower-ranked document.
	top := hitOf("top", "Warranty", "Our warranty covers the hub for two years.")
	second := hitOf("second", "Batteries", "The sensor battery lasts two years; replace the sensor battery with a CR2032 cell.")
	res := retrieval.Result{Terms: []string{"sensor", "batteri", "replac"}, Hits: []retrieval.Hit{top, second}}
	fs := features(t, "how do I replace the sensor battery", res)
	if v, _ := featureOf(t, fs, FeatureTopCited); v != 0 {
		t.Errorf("answer drawn from the second document: top_cited %v, want 0", v)
	}
	res.Hits = []retrieval.Hit{second, top}
	fs = features(t, "how do I replace the sensor battery", res)
	if v, _ := featureOf(t, fs, FeatureTopCited); v != 1 {
		t.Errorf("answer from the best hit: top_cited %v, want 1", v)
	}
}

func TestDenseFeatures(t *testing.T) {
	a := hitOf("a", "Reset", "To reset the hub, hold the button for ten seconds.")
	b := hitOf("b", "Reboot", "Rebooting the hub keeps your settings.")
	a.SparseRank, a.DenseRank, a.DenseScore = 1, 2, 0.71
	b.SparseRank, b.DenseRank, b.DenseScore = 2, 1, 0.83
	res := retrieval.Result{Terms: []string{"reset", "hub"}, Hits: []retrieval.Hit{a, b}}
	fs := features(t, "how to reset the hub", res)
	if v, _ := featureOf(t, fs, FeatureDenseCos); v != 0.71 {
		t.Errorf("dense_cos %v, want the cited passage's cosine 0.71", v)
	}
	if v, _ := featureOf(t, fs, FeatureDenseSparseAgree); v != 0 {
		t.Errorf("dense top b, sparse top a: dense_sparse_agree %v, want 0", v)
	}
	res.Hits[1].DocumentID = "a" // another chunk of the same document
	fs = features(t, "how to reset the hub", res)
	if v, _ := featureOf(t, fs, FeatureDenseSparseAgree); v != 1 {
		t.Errorf("same document on top of both: dense_sparse_agree %v, want 1", v)
	}
	// Sparse only: no dense feature at all (the sparse model has none).
	sparse := retrieval.Result{Terms: []string{"reset", "hub"}, Hits: []retrieval.Hit{hitOf("a", "Reset", a.Text)}}
	fs = features(t, "how to reset the hub", sparse)
	for _, n := range []string{FeatureDenseCos, FeatureDenseSparseAgree, FeatureDenseAgreement} {
		if _, ok := featureOf(t, fs, n); ok {
			t.Errorf("sparse retrieval reports %s", n)
		}
	}
}

func TestConfidenceModelPerRetrievalMode(t *testing.T) {
	c := Config{
		Confidence:       ConfidenceModel{Intercept: -1, Threshold: 0.4},
		HybridConfidence: ConfidenceModel{Intercept: 1, Threshold: 0.7},
	}
	sparse := retrieval.Result{Hits: []retrieval.Hit{{SparseRank: 1}, {SparseRank: 2}}}
	if got := c.confidenceFor(sparse); got.Threshold != 0.4 {
		t.Errorf("sparse retrieval scored with the model of threshold %v, want the sparse one (0.4)", got.Threshold)
	}
	hybrid := retrieval.Result{Hits: []retrieval.Hit{{SparseRank: 1}, {DenseRank: 1}}}
	if got := c.confidenceFor(hybrid); got.Threshold != 0.7 {
		t.Errorf("hybrid retrieval scored with the model of threshold %v, want the hybrid one (0.7)", got.Threshold)
	}
	d := DefaultConfig()
	if d.HybridConfidence.Weights == nil || d.Confidence.Weights == nil {
		t.Error("the shipped configuration lacks a model")
	}
}

func TestRivalTerms(t *testing.T) {
	// Siblings: two plans differ by one rare word. The question asks about
	// the Pro plan; the Basic plan's page says how to cancel and is cited,
	// the Pro plan's page is retrieved second.
	basic := hitOf("basic", "Basic plan", "To cancel the Basic plan, open Billing and press Cancel plan.")
	pro := hitOf("pro", "Pro plan support", "Pro customers get priority support from an account manager.")
	idf := map[string]float64{"cancel": 0.4, "pro": 2.5, "plan": 0.2}
	res := retrieval.Result{Terms: []string{"cancel", "pro", "plan"}, IDF: idf, Hits: []retrieval.Hit{basic, pro}}
	q := "How do I cancel the Pro plan?"
	fs := features(t, q, res)
	rival, ok := featureOf(t, fs, FeatureRivalTerms)
	own, _ := featureOf(t, fs, FeatureOwnTerms)
	// "pro" (2.5 of the question's 3.1) is only in the rival, "cancel"
	// (0.4) only in the cited page, "plan" in both.
	if !ok || math.Abs(rival-2.5/3.1) > 1e-9 || math.Abs(own-0.4/3.1) > 1e-9 {
		t.Errorf("Basic plan cited, Pro plan second: rival_terms %v (want %.3f), own_terms %v (want %.3f)", rival, 2.5/3.1, own, 0.4/3.1)
	}
	// The right page on top: its rare word is its own, the rival has
	// nothing the cited page lacks.
	proCancel := hitOf("pro", "Pro plan", "To cancel the Pro plan, write to your account manager.")
	res.Hits = []retrieval.Hit{proCancel, basic}
	fs = features(t, q, res)
	rival, _ = featureOf(t, fs, FeatureRivalTerms)
	own, _ = featureOf(t, fs, FeatureOwnTerms)
	if rival != 0 || math.Abs(own-2.5/3.1) > 1e-9 {
		t.Errorf("Pro plan cited: rival_terms %v (want 0), own_terms %v (want %.3f)", rival, own, 2.5/3.1)
	}
	// A second chunk of the cited document is no rival.
	pro2 := proCancel
	pro2.ID, pro2.Text = "pro#1", "Pro customers keep their data for a year."
	res.Hits = []retrieval.Hit{proCancel, pro2}
	fs = features(t, q, res)
	if rival, _ := featureOf(t, fs, FeatureRivalTerms); rival != 0 {
		t.Errorf("only the cited document retrieved: rival_terms %v, want 0", rival)
	}
	if own, _ := featureOf(t, fs, FeatureOwnTerms); own != 0 {
		t.Errorf("no rival: own_terms %v, want 0", own)
	}
}

func TestQuestionSimMargin(t *testing.T) {
	faq := func(doc, question, answer string) retrieval.Hit {
		h := hitOf(doc, question, question+"\n"+answer)
		h.Kind = retrieval.KindFAQ
		return h
	}
	arrival := faq("arrival", "When will my card arrive?", "Cards arrive within five working days.")
	track := faq("track", "How do I track my card delivery?", "Open Cards and press Track.")
	twin := faq("twin", "When will my new card arrive?", "Replacement cards take a week.")
	res := retrieval.Result{Terms: []string{"card", "arriv"}, Hits: []retrieval.Hit{arrival, track}}
	q := "When will my card arrive?"
	fs := features(t, q, res)
	clear, ok := featureOf(t, fs, FeatureQuestionSimMargin)
	if !ok || !(clear > 0.3) {
		t.Errorf("verbatim entry, unlike sibling: question_sim_margin %v, want > 0.3", clear)
	}
	res.Hits = []retrieval.Hit{arrival, twin}
	fs = features(t, q, res)
	if v, _ := featureOf(t, fs, FeatureQuestionSimMargin); !(v < clear) {
		t.Errorf("a sibling worded almost alike: question_sim_margin %v, want below %v", v, clear)
	}
}

func TestCitedRank(t *testing.T) {
	// As in TestTopCited: the second document is cited.
	top := hitOf("top", "Warranty", "Our warranty covers the hub for two years.")
	top2 := top
	top2.ID = "top#1"
	second := hitOf("second", "Batteries", "The sensor battery lasts two years; replace the sensor battery with a CR2032 cell.")
	res := retrieval.Result{Terms: []string{"sensor", "batteri", "replac"}, Hits: []retrieval.Hit{top, top2, second}}
	fs := features(t, "how do I replace the sensor battery", res)
	// Two chunks of one document count as one rank.
	if v, _ := featureOf(t, fs, FeatureCitedRank); v != 0.5 {
		t.Errorf("answer drawn from the second document (third chunk): cited_rank %v, want 0.5", v)
	}
	res.Hits = []retrieval.Hit{second, top}
	fs = features(t, "how do I replace the sensor battery", res)
	if v, _ := featureOf(t, fs, FeatureCitedRank); v != 1 {
		t.Errorf("answer from the best hit: cited_rank %v, want 1", v)
	}
}

func TestFeatureSign(t *testing.T) {
	for name, want := range map[string]int{
		FeatureOwnTerms: 1, FeatureQuestionSimMargin: 1, FeatureCitedRank: 1, FeatureIDFCoverage: 1, FeatureMargin: 1,
		FeatureRivalTerms: -1, FeatureOOV: -1, FeatureCriticalMiss: -1,
		FeatureLangRU: 0, FeatureIsFAQ: 0, FeatureQueryLen: 0, "no_such_feature": 0,
	} {
		if got := FeatureSign(name); got != want {
			t.Errorf("FeatureSign(%q) = %d, want %d", name, got, want)
		}
	}
}
