package answer_test

import (
	"context"
	"errors"
	"math"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/answerdesk/answerdesk/answer"
	"github.com/answerdesk/answerdesk/retrieval"
)

// retrieverFunc is a scripted answer.Retriever.
type retrieverFunc func(q retrieval.Query) (retrieval.Result, error)

func (f retrieverFunc) Search(_ context.Context, q retrieval.Query) (retrieval.Result, error) {
	return f(q)
}

// crossKB answers every query with two English documents that dense
// search ranked with cosines top and second, and that sparse search did
// not find (a Russian question shares no word with them); without a query
// vector it finds nothing.
func crossKB(top, second float64) retrieverFunc {
	return func(q retrieval.Query) (retrieval.Result, error) {
		if q.Dense == nil {
			return retrieval.Result{}, nil
		}
		hit := func(doc, text string, rank int, cos float64) retrieval.Hit {
			return retrieval.Hit{Chunk: retrieval.Chunk{ID: doc + "#0", DocumentID: doc, Title: doc, Text: text, Lang: "en",
				Kind: retrieval.KindDoc, Tenant: q.Tenant}, Score: cos, DenseScore: cos, DenseRank: rank}
		}
		return retrieval.Result{Hits: []retrieval.Hit{
			hit("warranty", "The Lumen hub has a 2-year warranty. Keep the receipt.", 1, top),
			hit("shipping", "Orders ship within 3 days.", 2, second),
		}}, nil
	}
}

// TestCrossLanguageAnswer: with an embedder, a Russian question whose best
// passage is English is quoted from it under the notice line and scored by
// the cross-language model on its features; a passage that does not stand
// out of the retrieved ones escalates; without an embedder the question
// escalates as before, without evidence.
// TestCrossLanguageQuotesOffByDefault: without a Generator and without
// Config.CrossLanguageQuotes, a confident cross-language quote escalates
// as cross_language with the quote as the attempted answer; a quote below
// the threshold stays a low-confidence escalation.
func TestCrossLanguageQuotesOffByDefault(t *testing.T) {
	cfg := answer.DefaultConfig()
	if cfg.CrossLanguageQuotes {
		t.Fatal("cross-language quotes are on by default")
	}
	cfg.CrossConfidence = answer.ConfidenceModel{Intercept: -5, Weights: map[string]float64{answer.FeatureDenseMargin: 100}, Threshold: 0.9}
	emb := embedderFunc(func(string) ([]float32, error) { return []float32{1, 0}, nil })
	q := "Какая гарантия на хаб Lumen?"

	r := newRig(t, cfg, func(d *answer.Deps) { d.Retriever, d.Embedder = crossKB(0.90, 0.80), emb })
	a := ask(t, r, q)
	if a.Decision != answer.Escalated || a.Reason != answer.ReasonCrossLanguage || a.Confidence < a.Threshold {
		t.Fatalf("confident quote: %s (%s), confidence %.3f, threshold %v; want a cross_language escalation", a.Decision, a.Reason, a.Confidence, a.Threshold)
	}
	if a.Text != "" || !a.CrossLanguage || !strings.HasPrefix(a.Attempted, "Из нашей") || len(a.AttemptedCitations) != 1 {
		t.Errorf("text %q, cross %v, attempted %q, citations %+v; want no text and the quote attempted", a.Text, a.CrossLanguage, a.Attempted, a.AttemptedCitations)
	}

	r = newRig(t, cfg, func(d *answer.Deps) { d.Retriever, d.Embedder = crossKB(0.90, 0.89), emb })
	if a = ask(t, r, q); a.Reason != answer.ReasonLowConfidence {
		t.Errorf("two passages alike: %s (%s), want a low-confidence escalation", a.Decision, a.Reason)
	}
}

func TestCrossLanguageAnswer(t *testing.T) {
	cfg := answer.DefaultConfig()
	cfg.CrossConfidence = answer.ConfidenceModel{Intercept: -5, Weights: map[string]float64{answer.FeatureDenseMargin: 100}, Threshold: 0.9}
	cfg.CrossLanguageQuotes = true
	emb := embedderFunc(func(string) ([]float32, error) { return []float32{1, 0}, nil })
	q := "Какая гарантия на хаб Lumen?"

	r := newRig(t, cfg, func(d *answer.Deps) { d.Retriever, d.Embedder = crossKB(0.90, 0.80), emb })
	a := ask(t, r, q)
	if a.Decision != answer.Answered || a.Threshold != 0.9 {
		t.Fatalf("clear best passage: %s (%s), confidence %.3f, threshold %v; features %v", a.Decision, a.Reason, a.Confidence, a.Threshold, a.Features)
	}
	if !a.CrossLanguage {
		t.Error("a cross-language answer does not say so (Answer.CrossLanguage)")
	}
	want := "Из нашей документации на английском:\nThe Lumen hub has a 2-year warranty. [1] Keep the receipt. [1]"
	if a.Text != want || len(a.Citations) != 1 || a.Citations[0].DocumentID != "warranty" {
		t.Errorf("answer %q, citations %+v; want %q citing warranty", a.Text, a.Citations, want)
	}
	var margin float64
	for _, f := range a.Features {
		switch f.Name {
		case answer.FeatureDenseMargin:
			margin = f.Value
			if f.Contribution == 0 {
				t.Errorf("dense_margin has no contribution: %+v", f)
			}
		case answer.FeatureCoverage, answer.FeatureIDFCoverage, answer.FeatureSentenceCoverage:
			t.Errorf("lexical feature %s scored a cross-language answer", f.Name)
		}
	}
	if d := margin - 0.10; d > 1e-9 || d < -1e-9 {
		t.Errorf("dense_margin %v, want 0.10", margin)
	}

	r = newRig(t, cfg, func(d *answer.Deps) { d.Retriever, d.Embedder = crossKB(0.90, 0.89), emb })
	a = ask(t, r, q)
	if a.Decision != answer.Escalated || a.Reason != answer.ReasonLowConfidence || !strings.HasPrefix(a.Attempted, "Из нашей") {
		t.Errorf("two passages alike: %s (%s), confidence %.3f, attempted %q; want a low-confidence escalation", a.Decision, a.Reason, a.Confidence, a.Attempted)
	}

	r = newRig(t, cfg, func(d *answer.Deps) { d.Retriever = crossKB(0.90, 0.80) })
	a = ask(t, r, q)
	if a.Decision != answer.Escalated || a.Reason != answer.ReasonNoEvidence {
		t.Errorf("without an embedder: %s (%s), want a no-evidence escalation", a.Decision, a.Reason)
	}
	if a.CrossLanguage {
		t.Error("without an embedder the answer is marked cross-language")
	}
}

// passageEmbedder embeds questions as embedderFunc does and passage
// sentences by doc, counting the sentences it is given.
type passageEmbedder struct {
	embedderFunc
	doc   func(string) []float32
	err   error
	texts atomic.Int64
}

func (p *passageEmbedder) EmbedDocuments(_ context.Context, texts []string) ([][]float32, error) {
	p.texts.Add(int64(len(texts)))
	if p.err != nil {
		return nil, p.err
	}
	out := make([][]float32, len(texts))
	for i, t := range texts {
		out[i] = p.doc(t)
	}
	return out, nil
}

// TestCrossQuoteNearestSentence: with an embedder that embeds passages
// too, a cross-language answer quotes its passage from the sentence
// nearest the question, not from the opening nor from the one with the
// question's anchors; each passage's sentences are embedded once; when
// that embedding fails, the anchors choose as without it.
func TestCrossQuoteNearestSentence(t *testing.T) {
	cfg := answer.DefaultConfig()
	cfg.CrossConfidence = answer.ConfidenceModel{Intercept: -5, Weights: map[string]float64{answer.FeatureDenseMargin: 100}, Threshold: 0.9}
	cfg.CrossLanguageQuotes = true
	cfg.MaxSentences = 2
	text := "The Lumen hub has a 2-year warranty. Keep the receipt. Claims go through the shop that sold it. Shipping is free."
	kb := retrieverFunc(func(q retrieval.Query) (retrieval.Result, error) {
		if q.Dense == nil {
			return retrieval.Result{}, nil
		}
		hit := func(doc, text string, rank int, cos float64) retrieval.Hit {
			return retrieval.Hit{Chunk: retrieval.Chunk{ID: doc + "#0", DocumentID: doc, Title: doc, Text: text, Lang: "en",
				Kind: retrieval.KindDoc, Tenant: q.Tenant}, Score: cos, DenseScore: cos, DenseRank: rank}
		}
		return retrieval.Result{Hits: []retrieval.Hit{hit("warranty", text, 1, 0.9), hit("shipping", "Orders ship within 3 days.", 2, 0.8)}}, nil
	})
	emb := &passageEmbedder{
		embedderFunc: func(string) ([]float32, error) { return []float32{1, 0}, nil },
		doc: func(s string) []float32 {
			if strings.Contains(s, "Claims") {
				return []float32{0.9, 0.1}
			}
			return []float32{0.1, 0.9}
		},
	}
	// "Lumen" is an anchor of the question, in the opening sentence.
	q := "Куда обращаться по гарантии на Lumen?"
	r := newRig(t, cfg, func(d *answer.Deps) { d.Retriever, d.Embedder = kb, emb })
	want := "Из нашей документации на английском:\nClaims go through the shop that sold it. [1] Shipping is free. [1]"
	for i := range 2 {
		a := ask(t, r, q)
		if a.Decision != answer.Answered || a.Text != want {
			t.Errorf("ask %d: %s (%s) %q, want %q", i, a.Decision, a.Reason, a.Text, want)
		}
	}
	if n := emb.texts.Load(); n != 4 {
		t.Errorf("%d sentences embedded for two answers from one 4-sentence passage, want 4 (once)", n)
	}
	// The cross-language features read the same sentence cosines: the
	// best is the claims sentence's, the median one of the three others'.
	best, other := 0.9/math.Sqrt(0.82), 0.1/math.Sqrt(0.82)
	wantSentences := map[string]float64{answer.FeatureDenseSentenceCos: best, answer.FeatureDenseSentenceLift: best - other, answer.FeatureDenseSentenceGain: best - 0.9}
	checkSentenceFeatures(t, "embedded sentences", ask(t, r, q).Features, wantSentences)

	failing := &passageEmbedder{embedderFunc: emb.embedderFunc, err: errors.New("embedding server down")}
	r = newRig(t, cfg, func(d *answer.Deps) { d.Retriever, d.Embedder = kb, failing })
	a := ask(t, r, q)
	if want := "Из нашей документации на английском:\nThe Lumen hub has a 2-year warranty. [1] Keep the receipt. [1]"; a.Text != want {
		t.Errorf("sentence embedding failed: %q, want the anchors' choice %q", a.Text, want)
	}
	// No sentence embedded: the passage's cosine, nothing stands out.
	checkSentenceFeatures(t, "sentence embedding failed", a.Features,
		map[string]float64{answer.FeatureDenseSentenceCos: 0.9, answer.FeatureDenseSentenceLift: 0, answer.FeatureDenseSentenceGain: 0})
}

// checkSentenceFeatures reports the features of want that fs lacks or has
// with another value.
func checkSentenceFeatures(t *testing.T, name string, fs []answer.Feature, want map[string]float64) {
	t.Helper()
	got := map[string]float64{}
	for _, f := range fs {
		got[f.Name] = f.Value
	}
	for n, v := range want {
		if g, ok := got[n]; !ok || math.Abs(g-v) > 1e-6 {
			t.Errorf("%s: %s = %v (reported %v), want %v", name, n, g, ok, v)
		}
	}
}

// TestAnswerTypeVeto: a model that vetoes answer_type_miss holds the
// confidence of an answer whose passage lacks the asked type of value
// below its threshold (at most half of it), the feature shown in the
// answer; the same question is answered by the same model without the
// veto, and a question the passage has the type for is answered with it.
func TestAnswerTypeVeto(t *testing.T) {
	cfg := answer.DefaultConfig()
	cfg.CrossConfidence = answer.ConfidenceModel{Intercept: -5, Weights: map[string]float64{answer.FeatureDenseMargin: 100}, Threshold: 0.9,
		Vetoes: []string{answer.FeatureAnswerTypeMiss}}
	cfg.CrossLanguageQuotes = true
	emb := embedderFunc(func(string) ([]float32, error) { return []float32{1, 0}, nil })
	r := newRig(t, cfg, func(d *answer.Deps) { d.Retriever, d.Embedder = crossKB(0.90, 0.80), emb })

	miss := func(a answer.Answer) float64 { return answerFeature(t, a, answer.FeatureAnswerTypeMiss) }
	// The warranty passage holds a warranty, not a price.
	a := ask(t, r, "Сколько стоит хаб Lumen?")
	if a.Decision != answer.Escalated || a.Reason != answer.ReasonLowConfidence || a.Confidence > a.Threshold/2 || miss(a) != 1 {
		t.Errorf("price asked of a warranty passage: %s (%s), confidence %.3f, threshold %v, %s %v; want a low-confidence escalation at most half the threshold",
			a.Decision, a.Reason, a.Confidence, a.Threshold, answer.FeatureAnswerTypeMiss, miss(a))
	}
	if a = ask(t, r, "Какая гарантия на хаб Lumen?"); a.Decision != answer.Answered || miss(a) != 0 {
		t.Errorf("warranty asked of the warranty passage: %s (%s), confidence %.3f; want it answered", a.Decision, a.Reason, a.Confidence)
	}

	cfg.CrossConfidence.Vetoes = nil
	r = newRig(t, cfg, func(d *answer.Deps) { d.Retriever, d.Embedder = crossKB(0.90, 0.80), emb })
	if a = ask(t, r, "Сколько стоит хаб Lumen?"); a.Decision != answer.Answered || miss(a) != 1 {
		t.Errorf("without the veto: %s (%s), confidence %.3f; want the price question answered (topic alone)", a.Decision, a.Reason, a.Confidence)
	}
}
