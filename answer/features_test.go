package answer

import (
	"fmt"
	"math"
	"strings"
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
	return computeFeatures(featureInput{res: res, q: q, c: c, lang: "en", qLength: q.all, ps: ps, asked: q.asked, askedType: askedType(question),
		action: askedAction(question)})
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
		CrossConfidence:  ConfidenceModel{Intercept: 2, Threshold: 0.9},
	}
	en := &retrieval.Hit{Chunk: retrieval.Chunk{Lang: "en"}}
	unknown := &retrieval.Hit{}
	sparse := retrieval.Result{Hits: []retrieval.Hit{{SparseRank: 1}, {SparseRank: 2}}}
	hybrid := retrieval.Result{Hits: []retrieval.Hit{{SparseRank: 1}, {DenseRank: 1}}}
	for _, tc := range []struct {
		name  string
		res   retrieval.Result
		cited *retrieval.Hit
		lang  string
		want  float64
		cross bool
	}{
		{"sparse", sparse, en, "en", 0.4, false},
		{"sparse, another language: no embedder, no cross model", sparse, en, "ru", 0.4, false},
		{"hybrid, same language", hybrid, en, "en", 0.7, false},
		{"hybrid, no citation", hybrid, nil, "ru", 0.7, false},
		{"hybrid, passage of unknown language", hybrid, unknown, "ru", 0.7, false},
		{"hybrid, another language", hybrid, en, "ru", 0.9, true},
		{"hybrid, another language of the same script", hybrid, en, "es", 0.7, false},
	} {
		got, cross := c.confidenceFor(tc.res, tc.cited, tc.lang)
		if got.Threshold != tc.want || cross != tc.cross {
			t.Errorf("%s: model of threshold %v (cross %v), want %v (cross %v)", tc.name, got.Threshold, cross, tc.want, tc.cross)
		}
	}
	d := DefaultConfig()
	if d.HybridConfidence.Weights == nil || d.Confidence.Weights == nil || d.CrossConfidence.Weights == nil {
		t.Error("the shipped configuration lacks a model")
	}
	for name, w := range d.CrossConfidence.Weights {
		if !crossFeatureNames[name] && w != 0 {
			t.Errorf("the shipped cross-language model weighs %s, which crossFeatures does not report", name)
		}
	}
}

// crossFeatureNames are the features crossFeatures reports.
var crossFeatureNames = map[string]bool{
	FeatureDenseCos: true, FeatureDenseAgreement: true, FeatureDenseMargin: true, FeatureDenseLift: true,
	FeatureDenseSparseAgree: true, FeatureCitedRank: true, FeatureAnchorCoverage: true, FeatureAnchorMiss: true,
	FeatureIsFAQ: true, FeatureSupportRatio: true,
	FeatureDenseSentenceCos: true, FeatureDenseSentenceLift: true, FeatureDenseSentenceGain: true,
	FeatureAnswerTypeMiss: true, FeatureSiblingMiss: true,
}

// denseHit is a chunk of document doc in English that dense search ranked
// rank with cosine cos.
func denseHit(doc, text string, rank int, cos float64) retrieval.Hit {
	h := hitOf(doc, doc, text)
	h.Lang, h.DenseRank, h.DenseScore = "en", rank, cos
	return h
}

func TestCrossFeatures(t *testing.T) {
	cited := denseHit("pro", "The Pro plan costs $12 a month since 2024; the X100 hub is included.", 1, 0.90)
	second := denseHit("pro", "Second chunk of the Pro plan page.", 2, 0.88) // the same document: no rival
	basic := denseHit("basic", "The Basic plan is free.", 3, 0.84)
	faq := denseHit("faq", "Billing questions.", 4, 0.80)
	res := retrieval.Result{Hits: []retrieval.Hit{cited, second, basic, faq}}
	res.Hits[2].SparseRank = 1 // sparse search prefers another document
	question := "Сколько стоит план Pro для X100 в 2024 и 2023 году?"
	ps := newPassages(newPassageCache(8))
	c, ok := composeCross(res.Hits, anchorsOf(question, "ru"), nil, 3, ps)
	if !ok {
		t.Fatal("no cross-language answer composed")
	}
	fs := crossFeatures(featureInput{res: res, c: c, lang: "ru", ps: ps, anchors: anchorsOf(question, "ru"), askedType: askedType(question)})
	want := map[string]float64{
		FeatureDenseCos:         0.90,
		FeatureDenseAgreement:   1,
		FeatureDenseMargin:      0.90 - 0.84,
		FeatureDenseLift:        0.90 - (0.84+0.80)/2,
		FeatureDenseSparseAgree: 0,
		FeatureCitedRank:        1,
		// Anchors: "pro" (a Latin word in a Russian question), "x100",
		// "2024" found, "2023" not.
		FeatureAnchorCoverage: 3.0 / 4,
		FeatureAnchorMiss:     1.0 / 4,
		FeatureIsFAQ:          0,
		// No sentence embedded: the passage's cosine, nothing stands out.
		FeatureDenseSentenceCos:  0.90,
		FeatureDenseSentenceLift: 0,
		FeatureDenseSentenceGain: 0,
		// A price asked, "$12" in the passage.
		FeatureAnswerTypeMiss: 0,
		// The question's pairs ("Pro для", "X100 в") are not another
		// retrieved document's.
		FeatureSiblingMiss: 0,
	}
	if len(fs) != len(want) {
		t.Errorf("features %v, want exactly %v", fs, want)
	}
	for name, v := range want {
		got, ok := featureOf(t, fs, name)
		if !ok || math.Abs(got-v) > 1e-9 {
			t.Errorf("%s = %v (reported %v), want %v", name, got, ok, v)
		}
		if !crossFeatureNames[name] {
			t.Errorf("%s missing from crossFeatureNames", name)
		}
	}
	// No anchors in the question: neither anchor feature says anything.
	fs = crossFeatures(featureInput{res: res, c: c, lang: "ru", ps: ps, anchors: anchorsOf("Сколько стоит план?", "ru")})
	if cov, _ := featureOf(t, fs, FeatureAnchorCoverage); cov != 0 {
		t.Errorf("anchor_coverage %v without anchors", cov)
	}
	if miss, _ := featureOf(t, fs, FeatureAnchorMiss); miss != 0 {
		t.Errorf("anchor_miss %v without anchors", miss)
	}
	// One sentence matches the question much better than the rest (an
	// answer), against none in particular (an attribute the passage lacks).
	for _, tc := range []struct {
		name             string
		sents            sentenceScores
		best, lift, gain float64
	}{
		{"one sentence stands out", sentenceScores{cited.ID, []float64{0.80, 0.95, 0.78, 0.82}}, 0.95, 0.95 - 0.81, 0.95 - 0.90},
		{"none stands out", sentenceScores{cited.ID, []float64{0.83, 0.84, 0.82}}, 0.84, 0.84 - 0.83, 0.84 - 0.90},
		{"another passage's sentences", sentenceScores{basic.ID, []float64{0.99, 0.5}}, 0.90, 0, 0},
	} {
		fs = crossFeatures(featureInput{res: res, c: c, lang: "ru", ps: ps, sentences: tc.sents})
		for name, v := range map[string]float64{FeatureDenseSentenceCos: tc.best, FeatureDenseSentenceLift: tc.lift, FeatureDenseSentenceGain: tc.gain} {
			if got, _ := featureOf(t, fs, name); math.Abs(got-v) > 1e-9 {
				t.Errorf("%s: %s = %v, want %v", tc.name, name, got, v)
			}
		}
	}
	// Only the cited document retrieved: no margin to measure.
	alone := retrieval.Result{Hits: []retrieval.Hit{cited, second}}
	fs = crossFeatures(featureInput{res: alone, c: c, lang: "ru", ps: ps})
	if m, _ := featureOf(t, fs, FeatureDenseMargin); m != 0 {
		t.Errorf("dense_margin %v without another document", m)
	}
}

func TestAnchors(t *testing.T) {
	for _, tc := range []struct {
		text, lang string
		want       []string
	}{
		{"Сколько очков уступила защита Пэнтерс в 2015 году?", "ru", []string{"2015"}},
		{"黑豹队在2015年的NFL赛季丢了308分吗", "zh", []string{"2015", "nfl", "308"}},
		{"Работает ли Lumen с Zigbee 3.0 и Wi-Fi?", "ru", []string{"lumen", "zigbee", "3", "0", "wi", "fi"}},
		// In a Latin-script question only codes and acronyms are: its
		// words are its language's.
		{"Does the iPhone app work with iOS 17 and the X100 (007)?", "en", []string{"ios", "17", "x100", "7"}},
		{"How many points did the Panthers give up?", "en", nil},
	} {
		got := anchorsOf(tc.text, tc.lang)
		if len(got) != len(tc.want) {
			t.Errorf("anchorsOf(%q) = %v, want %v", tc.text, got, tc.want)
			continue
		}
		for _, a := range tc.want {
			if !got[a] {
				t.Errorf("anchorsOf(%q) = %v, lacks %q", tc.text, got, a)
			}
		}
	}
	a := anchorsOf("NFL 2015 X100", "en")
	if n := sharedAnchors(a, "In the 2015 season of the nfl, model x100x."); n != 2 {
		t.Errorf("sharedAnchors = %d, want 2 (case folded; x100x is another code)", n)
	}
	if n := sharedAnchors(a, "In 12015 and 20150."); n != 0 {
		t.Errorf("sharedAnchors = %d: a number matches whole, not inside another", n)
	}
}

func TestComposeCross(t *testing.T) {
	p := denseHit("a", "The hub pairs over Zigbee. Reset it with the pin. The 2024 model has a USB-C port. It ships in black.", 1, 0.9)
	ps := newPassages(newPassageCache(8))
	// The sentence with the question's anchor leads.
	c, ok := composeCross([]retrieval.Hit{p}, anchorsOf("Есть ли у модели 2024 года порт?", "ru"), nil, 2, ps)
	if !ok || len(c.cited) != 1 || c.cited[0].ID != p.ID {
		t.Fatalf("composeCross: %+v, %v", c, ok)
	}
	if got := c.body; got != "The 2024 model has a USB-C port. It ships in black." {
		t.Errorf("body %q", got)
	}
	// No anchor: from the opening.
	c, _ = composeCross([]retrieval.Hit{p}, nil, nil, 2, ps)
	if got := c.body; got != "The hub pairs over Zigbee. Reset it with the pin." {
		t.Errorf("body without anchors %q", got)
	}
	// An FAQ entry answers whole.
	f := denseHit("f", "How do I reset?\nHold the pin for ten seconds.", 1, 0.9)
	f.Kind, f.Title = retrieval.KindFAQ, "How do I reset?"
	c, ok = composeCross([]retrieval.Hit{f}, nil, nil, 2, ps)
	if !ok || !c.faq || c.body != "Hold the pin for ten seconds." {
		t.Errorf("FAQ: %+v %v", c, ok)
	}
	// A ticket without a resolution has nothing to quote.
	tk := denseHit("t", "My hub is broken.", 1, 0.9)
	tk.Kind = retrieval.KindTicket
	if _, ok := composeCross([]retrieval.Hit{tk}, nil, nil, 2, ps); ok {
		t.Error("a ticket without a resolution was quoted")
	}
}

func TestCrossLanguage(t *testing.T) {
	en := denseHit("a", "text", 1, 0.9)
	sparseEN := hitOf("a", "a", "text")
	sparseEN.Lang, sparseEN.SparseRank = "en", 1
	unknown := denseHit("b", "text", 1, 0.9)
	unknown.Lang = ""
	for _, tc := range []struct {
		name string
		hits []retrieval.Hit
		lang string
		want bool
	}{
		{"dense, English passage, Russian question", []retrieval.Hit{en}, "ru", true},
		{"dense, same language", []retrieval.Hit{en}, "en", false},
		{"dense, another language of the same script", []retrieval.Hit{en}, "es", false},
		{"dense, a language of unknown script", []retrieval.Hit{en}, "xx", false},
		{"sparse only: no embedder", []retrieval.Hit{sparseEN}, "ru", false},
		{"no hits", nil, "ru", false},
		{"passage of unknown language", []retrieval.Hit{unknown}, "ru", false},
	} {
		if got := crossLanguage(tc.hits, tc.lang); got != tc.want {
			t.Errorf("%s: crossLanguage = %v, want %v", tc.name, got, tc.want)
		}
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

func TestPassageLines(t *testing.T) {
	// The same matching question, once as a one-line FAQ-like passage and
	// once among many phrasings of a topic: question_sim is the same, the
	// number of lines it was the best of is not.
	q := "how do I replace the sensor battery"
	one := hitOf("one", "Batteries", "How do I replace the sensor battery?")
	var many strings.Builder
	many.WriteString("How do I replace the sensor battery?")
	for i := range 30 {
		fmt.Fprintf(&many, " The hub restarts after update number %d.", i)
	}
	long := hitOf("long", "Batteries", many.String())
	res := retrieval.Result{Terms: []string{"replac", "sensor", "batteri"}, Hits: []retrieval.Hit{one}}
	few, _ := featureOf(t, features(t, q, res), FeaturePassageLines)
	res.Hits = []retrieval.Hit{long}
	fs := features(t, q, res)
	lots, _ := featureOf(t, fs, FeaturePassageLines)
	if want := math.Log1p(1) / math.Log(101); math.Abs(few-want) > 1e-9 {
		t.Errorf("one-sentence passage: passage_lines %v, want %v", few, want)
	}
	if want := math.Log1p(31) / math.Log(101); math.Abs(lots-want) > 1e-9 {
		t.Errorf("31-sentence passage: passage_lines %v, want %v", lots, want)
	}
	if qs, _ := featureOf(t, fs, FeatureQuestionSim); qs != 1 {
		t.Errorf("question_sim among many lines %v, want 1 (the same best line)", qs)
	}
	if v := passageLines(1000); v != 1 {
		t.Errorf("passageLines(1000) = %v, want capped at 1", v)
	}
}

func TestFeatureSign(t *testing.T) {
	for name, want := range map[string]int{
		FeatureOwnTerms: 1, FeatureQuestionSimMargin: 1, FeatureCitedRank: 1, FeatureIDFCoverage: 1, FeatureMargin: 1,
		FeatureRivalTerms: -1, FeatureOOV: -1, FeatureCriticalMiss: -1, FeaturePassageLines: -1,
		FeatureDenseMargin: 1, FeatureDenseLift: 1, FeatureAnchorCoverage: 1, FeatureAnchorMiss: -1,
		FeatureLangRU: 0, FeatureIsFAQ: 0, FeatureQueryLen: 0, "no_such_feature": 0,
	} {
		if got := FeatureSign(name); got != want {
			t.Errorf("FeatureSign(%q) = %d, want %d", name, got, want)
		}
	}
}
