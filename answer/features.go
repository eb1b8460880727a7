package answer

import (
	"math"

	"github.com/answerdesk/answerdesk/retrieval"
)

// Feature names: stable, because the confidence model's JSON refers to
// them and the eval harness fits them.
const (
	// FeatureTopScoreRatio: the best BM25 score over the query's
	// self-score (Result.SelfScore), 0..1.
	FeatureTopScoreRatio = "top_score_ratio"
	// FeatureMargin: (best − best of another document)/best, 0..1.
	FeatureMargin = "margin"
	// FeatureCoverage: share of the query's indexed terms in the first
	// cited passage (title, heading and text), 0..1.
	FeatureCoverage = "coverage"
	// FeatureTitleCoverage: share of the query's indexed terms in the first
	// cited passage's title and heading, 0..1.
	FeatureTitleCoverage = "title_coverage"
	// FeatureSentenceCoverage: share of the query's indexed terms in the
	// best answer sentence (the whole entry for an FAQ answer), 0..1.
	FeatureSentenceCoverage = "sentence_coverage"
	// FeatureAgreeing: other passages among the top five that come from
	// the cited document or share its title, or contain most of the
	// answer's terms; divided by four, 0..1.
	FeatureAgreeing = "agreeing"
	// FeatureOOV: share of the question's terms the index has never seen.
	FeatureOOV = "oov"
	// FeatureSentimentNegative: 1 when the question is negative or angry.
	FeatureSentimentNegative = "sentiment_negative"
	// FeatureIsFAQ: 1 when the answer is an FAQ entry.
	FeatureIsFAQ = "is_faq"
	// FeatureLangMatch: 1 when the cited passage is in the answer's language.
	FeatureLangMatch = "lang_match"
	// FeatureQueryLen: log(1+terms)/log(21), capped at 1: short questions
	// are more ambiguous.
	FeatureQueryLen = "query_len"
	// FeatureLangRU and FeatureLangZH: the question's language, so that one
	// model calibrates across languages whose scores differ in scale.
	FeatureLangRU = "lang_ru"
	FeatureLangZH = "lang_zh"
	// FeatureDenseAgreement: 1/DenseRank of the cited passage (0 when dense
	// retrieval did not return it); only when the store ran dense search.
	FeatureDenseAgreement = "dense_agreement"
	// FeatureSupportRatio: Generation.SupportRatio; only with a Generator.
	FeatureSupportRatio = "support_ratio"
)

// featureInput is what confidence features are computed from.
type featureInput struct {
	res     retrieval.Result
	q       query
	c       composed
	tr      Triage
	gen     *Generation // nil for extractive answers
	lang    string      // answer language
	qLength int         // distinct analyzed question terms
	ps      passages
}

func computeFeatures(in featureInput) []Feature {
	f := make([]Feature, 0, 14)
	add := func(name string, v float64) {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			v = 0
		}
		f = append(f, Feature{Name: name, Value: v})
	}
	hits := in.res.Hits
	// Best sparse hit, and the best from another document and title.
	best := -1
	for i, h := range hits {
		if best < 0 || h.SparseScore > hits[best].SparseScore {
			best = i
		}
	}
	ratio, margin := 0.0, 0.0
	if best >= 0 && in.res.SelfScore > 0 {
		ratio = clamp01(hits[best].SparseScore / in.res.SelfScore)
	}
	if best >= 0 && hits[best].SparseScore > 0 {
		s1 := hits[best].SparseScore
		s2 := 0.0
		for _, h := range hits {
			if h.DocumentID != hits[best].DocumentID && (h.Title == "" || h.Title != hits[best].Title) && h.SparseScore > s2 {
				s2 = h.SparseScore
			}
		}
		margin = clamp01((s1 - s2) / s1)
	}
	add(FeatureTopScoreRatio, ratio)
	add(FeatureMargin, margin)

	var cited *retrieval.Hit
	if len(in.c.cited) > 0 {
		cited = &in.c.cited[0]
	}
	cov := 0.0
	if cited != nil {
		cov = in.q.coverageOf(in.ps.get(*cited).terms)
	}
	add(FeatureCoverage, cov)
	tcov := 0.0
	if cited != nil {
		tcov = in.q.coverageTerms(in.ps.get(*cited).ctxTerms)
	}
	add(FeatureTitleCoverage, tcov)
	add(FeatureSentenceCoverage, in.c.bestCoverage)

	agree := 0
	if cited != nil {
		answerTerms := map[string]bool{}
		if in.c.bodyTerms != nil {
			for t := range in.c.bodyTerms {
				if !in.q.terms[t] {
					answerTerms[t] = true
				}
			}
		} else {
			for _, t := range retrieval.DefaultAnalyzer.Terms(in.c.body) {
				if !in.q.terms[t] {
					answerTerms[t] = true
				}
			}
		}
		for i, h := range hits {
			if i == 5 {
				break
			}
			if h.ID == cited.ID {
				continue
			}
			if h.DocumentID == cited.DocumentID || (h.Title != "" && h.Title == cited.Title) {
				agree++
				continue
			}
			if len(answerTerms) >= 3 {
				terms := in.ps.get(h).terms
				n := 0
				for t := range answerTerms {
					if terms[t] {
						n++
					}
				}
				if 2*n >= len(answerTerms) {
					agree++
				}
			}
		}
	}
	add(FeatureAgreeing, math.Min(1, float64(agree)/4))

	oov := 0.0
	if in.qLength > 0 {
		oov = clamp01(1 - float64(len(in.q.terms))/float64(in.qLength))
	}
	add(FeatureOOV, oov)
	neg := 0.0
	if in.tr.Sentiment != SentimentNeutral {
		neg = 1
	}
	add(FeatureSentimentNegative, neg)
	add(FeatureIsFAQ, b2f(in.c.faq))
	add(FeatureLangMatch, b2f(cited != nil && (cited.Lang == "" || cited.Lang == in.lang)))
	add(FeatureQueryLen, math.Min(1, math.Log1p(float64(in.qLength))/math.Log(21)))
	add(FeatureLangRU, b2f(in.lang == "ru"))
	add(FeatureLangZH, b2f(in.lang == "zh"))

	dense := false
	for _, h := range hits {
		if h.DenseRank > 0 {
			dense = true
			break
		}
	}
	if dense {
		v := 0.0
		if cited != nil && cited.DenseRank > 0 {
			v = 1 / float64(cited.DenseRank)
		}
		add(FeatureDenseAgreement, v)
	}
	if in.gen != nil {
		add(FeatureSupportRatio, clamp01(in.gen.SupportRatio))
	}
	return f
}

func clamp01(v float64) float64 {
	switch {
	case v < 0 || math.IsNaN(v):
		return 0
	case v > 1:
		return 1
	}
	return v
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
