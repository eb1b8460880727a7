package answer

import (
	"maps"
	"math"
	"slices"

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
	// best answer sentence (the whole entry for an answer from an FAQ entry
	// or from a passage titled with the question asked), 0..1.
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
	// FeatureTopCited: 1 when the first cited passage comes from the
	// document of the best hit. An answer drawn from a lower-ranked
	// document than the retriever's best is less likely right.
	FeatureTopCited = "top_cited"
	// FeatureCriticalMiss: 1 when the question's most specific indexed term
	// (highest IDF) is absent from the first cited passage although the
	// index has it elsewhere: the sibling-confusion signal ("Pro plan"
	// asked, "Basic plan" cited).
	FeatureCriticalMiss = "critical_miss"
	// FeatureIDFCoverage: IDF-weighted share of the question's indexed terms
	// in the first cited passage, 0..1: missing a rare term costs more than
	// missing a common one.
	FeatureIDFCoverage = "idf_coverage"
	// FeatureQuestionSim: how closely the question matches a question-like
	// line of the cited passage (an FAQ entry's question, a title, or any
	// sentence), question words kept: Dice overlap of
	// Analyzer.QuestionTerms, 0..1. FAQ search engines match a question to
	// the FAQ's own question; a near-verbatim match is strong evidence.
	FeatureQuestionSim = "question_sim"
	// FeatureDenseCos: cosine of the question's embedding with the first
	// cited passage's (0 when dense search did not return it); only when
	// the store ran dense search.
	FeatureDenseCos = "dense_cos"
	// FeatureDenseSparseAgree: 1 when the best dense hit and the best sparse
	// hit are from the same document; only when the store ran dense search.
	FeatureDenseSparseAgree = "dense_sparse_agree"
	// FeatureRivalTerms: IDF-weighted share of the question's indexed terms
	// that the rival — the best-ranked retrieved document other than the
	// cited one — contains and the cited document lacks, 0..1. The sibling
	// confusion signal: "Pro plan" asked, the Basic plan cited, the Pro
	// plan's page retrieved below it.
	FeatureRivalTerms = "rival_terms"
	// FeatureOwnTerms: IDF-weighted share of the question's indexed terms
	// the cited document contains and the rival lacks, 0..1: the words of
	// the question that tell the cited document apart from its nearest
	// sibling. A document's terms are those of its passages among the first
	// featureDocHits hits.
	FeatureOwnTerms = "own_terms"
	// FeatureQuestionSimMargin: question_sim of the cited passage minus the
	// best question_sim of a passage of another document among the first
	// five hits, −1..1. Siblings in an FAQ knowledge base are worded alike;
	// a question that matches two entries equally well is ambiguous.
	FeatureQuestionSimMargin = "question_sim_margin"
	// FeatureCitedRank: 1/rank of the cited passage's document among the
	// retrieved documents (1 when it is the best hit's, ½ the second's, …),
	// 0 without a citation: the answer's source rank.
	FeatureCitedRank = "cited_rank"
	// FeaturePassageLines: how many sentences the cited passage has,
	// log(1+n)/log(101) capped at 1. question_sim and sentence_coverage are
	// the best over the passage's lines, and the best of many lines is high
	// by chance more often than the best of few: an FAQ entry whose one
	// question matches says more than one phrasing among a hundred that
	// does. This lets the model discount them by the number of lines they
	// were the best of.
	FeaturePassageLines = "passage_lines"
	// FeatureAnswerTypeMiss: 1 when the question asks for a kind of value
	// — a price, a duration, a weight, a size, a number, contact details, a
	// commerce policy (buying, refunds, warranty, shipping), or a value in
	// a unit it names ("how many mAh", "сколько ГБ", "多少瓦": a charge, an
	// amount of data, a power, a voltage, a frequency, a volume, a
	// resolution, degrees, a percentage) — and the cited passage (its
	// title, heading and text) holds no evidence of that kind: no price,
	// no time unit, no weight, no value in a unit of the family named, no
	// such policy's words, nor the same question (an FAQ entry asking it);
	// or when a Chinese yes/no question asks about an action (可以退吗: 退)
	// the passage never writes (askedAction, actionMiss). The expected answer type of
	// question answering (answer/answertype.go owns the en/ru/zh lexicons):
	// the other features measure topic, and a question naming a product is
	// on the topic of its manual whatever it asks; this measures whether the
	// passage holds the asked attribute. 0 when the question's type is not
	// clear, in every language and in both the lexical and the
	// cross-language feature sets.
	FeatureAnswerTypeMiss = "answer_type_miss"
	// FeatureSiblingMiss: 1 when the cited passage is about another member
	// of a family the question names: two words of the question standing
	// together ("Волна 50", "Pro plan"; stop words kept, so that they
	// really stand together) are not together in the cited passage, which
	// has the family's word with another partner in the same place
	// ("Волна 15", "Basic plan") and lacks the question's other word, while
	// another retrieved document has the question's two words together;
	// the family's word is not a stop word, the cited sibling's word is not
	// in the question (a comparison asks for both), and both differing
	// words are written as names (a number, a code, a capitalized word
	// inside a sentence, a Latin word in a Russian or Chinese text). Two
	// products whose names differ by one word share every other word of
	// their FAQ entries, so no topic feature tells them apart. Chinese
	// characters form no pairs (the engine has no word segmentation); Latin
	// words and numbers in a Chinese text do, and a Chinese name is read by
	// its family head instead (familyHeads: 团队版 asked, 企业版 cited, 团队版
	// in another retrieved document; familyMiss). It is 1 as well for a
	// base product asked and its extension cited (extensionMiss): the
	// question names X ("Nimbus Protect", "Сфера", "S9") without an
	// extension word E, every X of the cited passage is followed by one
	// (extensionWords: Plus, Pro, Max, Mini, Плюс, Про …, written as a
	// name, or a number its title or heading puts there: "Hub 2"), which
	// the question does not have anywhere, and another retrieved document
	// writes X as a name with no name after it; X followed by another name
	// that is no extension word, in the passage or another document, is a
	// brand's or a family's name ("Learnly Teams") and never fires. And it
	// is 1 for the reverse, a variant asked and its base cited (baseMiss):
	// the question names X E ("hub 2", "cam pro", "S9 Pro"; E an extension
	// word or a number), the cited passage writes X as a name with no name
	// after it and never X E, the question does not name X bare too (a
	// comparison), another retrieved document writes X E as a variant's
	// name, and X is no brand or family head there or in the passage. On
	// a page whose title names both X and X E ("Mealhop Pass and Mealhop
	// Pass Plus"), the two forms are read in the cited section's own
	// heading and text as well: the title names both, the section states
	// one. Chinese extends a name at its front (单车 / 电单车): the
	// question's name written in the cited passage only inside one longer
	// name its title or heading is about, and on its own in another
	// retrieved document, is the same miss (prefixMiss). The passage's
	// layout names siblings too (segment.go): a fact written under one
	// sibling's label ("Центральный офис: … парковка. Левобережный офис: пр.
	// Мира …") asked of another's (segmentMiss), and an answering sentence
	// under a label whose sibling the question does not name, siblings by
	// the passage's labels or a table's column (labelMiss); so does a model
	// code the answering sentence names instead of the asked one (codeMiss).
	FeatureSiblingMiss = "sibling_miss"

	// The features below describe an answer quoted from a passage in
	// another language than the question's (the cross-language model):
	// they compare no words, only what survives translation.

	// FeatureDenseMargin: dense_cos of the cited passage minus the best
	// cosine of a passage of another document among the hits, −1..1 (0
	// without another): the passage the embedder prefers by a wide margin
	// is likelier the one asked about than the first of several alike.
	FeatureDenseMargin = "dense_margin"
	// FeatureDenseLift: dense_cos of the cited passage minus the mean cosine
	// of the other documents' best passages among the hits, −1..1 (0
	// without another): how far the cited passage stands out of the pack,
	// which a cosine alone cannot say (an embedder's cosines of unrelated
	// texts sit high, and differ by language pair).
	FeatureDenseLift = "dense_lift"
	// FeatureAnchorCoverage: share of the question's anchors — numbers and
	// Latin-script codes or acronyms ("2015", "NFL", "X100") — that the
	// cited passage contains, 0..1 (0 when the question has none). They
	// read the same in every language.
	FeatureAnchorCoverage = "anchor_coverage"
	// FeatureAnchorMiss: share of the question's anchors the cited passage
	// lacks, 0..1 (0 when the question has none): a year or a model number
	// asked and absent is evidence of the wrong passage.
	FeatureAnchorMiss = "anchor_miss"

	// The sentence features read the cited passage's sentences embedded
	// with the document model (its first ones, as a cross-language quote
	// has them: Engine.sentenceCosines). A question's topic makes it close
	// to a whole passage — a question naming a product is close to that
	// product's manual whatever it asks — while an answer lives in one
	// sentence: an answerable question matches one sentence much better
	// than the rest, one asking an attribute the passage lacks (a price, a
	// weight) matches none in particular.

	// FeatureDenseSentenceCos: the highest cosine of the question and one
	// of the cited passage's sentences; dense_cos when no sentence was
	// embedded (an FAQ entry, a one-sentence passage, no passage embedder).
	FeatureDenseSentenceCos = "dense_sentence_cos"
	// FeatureDenseSentenceLift: that highest sentence cosine minus the
	// median of the passage's sentence cosines, 0..1 (0 when no sentence
	// was embedded): how far one sentence stands out of its passage.
	FeatureDenseSentenceLift = "dense_sentence_lift"
	// FeatureDenseSentenceGain: the highest sentence cosine minus dense_cos
	// (0 when no sentence was embedded): whether one sentence matches the
	// question better than its whole passage does.
	FeatureDenseSentenceGain = "dense_sentence_gain"
)

// FeatureSign is the sign a feature's weight must have by its meaning: +1
// when more of it means an answer more likely right (coverage, margin), −1
// when less likely (out-of-vocabulary share, critical-term miss), 0 when
// its meaning sets no direction (language, FAQ, query length, sentiment).
// Calibration (eval, --monotone) holds fitted weights to it.
func FeatureSign(name string) int {
	switch name {
	case FeatureTopScoreRatio, FeatureMargin, FeatureCoverage, FeatureTitleCoverage,
		FeatureSentenceCoverage, FeatureAgreeing, FeatureLangMatch, FeatureDenseAgreement,
		FeatureSupportRatio, FeatureTopCited, FeatureIDFCoverage, FeatureQuestionSim,
		FeatureDenseCos, FeatureDenseSparseAgree, FeatureOwnTerms, FeatureQuestionSimMargin,
		FeatureCitedRank, FeatureDenseMargin, FeatureDenseLift, FeatureAnchorCoverage,
		FeatureDenseSentenceCos, FeatureDenseSentenceLift, FeatureDenseSentenceGain:
		return 1
	case FeatureOOV, FeatureCriticalMiss, FeatureRivalTerms, FeatureAnchorMiss, FeaturePassageLines,
		FeatureAnswerTypeMiss, FeatureSiblingMiss:
		return -1
	}
	return 0
}

// featureDocHits bounds the hits a document's terms are gathered from (the
// engine's default number of retrieved passages), so that the features do
// not depend on how many passages a caller asked for beyond it.
const featureDocHits = 8

// featureInput is what confidence features are computed from.
type featureInput struct {
	res retrieval.Result
	q   query
	// whole is the whole question's query when q is narrowed to the
	// question's focus (focusQuery), for FeatureOOV; the zero value when q
	// is the whole question.
	whole   query
	c       composed
	tr      Triage
	gen     *Generation // nil for extractive answers
	lang    string      // answer language
	qLength int         // distinct analyzed question terms
	ps      passages
	// asked is the (standalone) question's terms with question words kept
	// (analyzed.asked, as newQuery has them); nil makes the question
	// similarity features 0.
	asked map[string]bool
	// anchors are the (standalone) question's anchors (anchorsOf), for the
	// cross-language features.
	anchors map[string]bool
	// sentences are the question's cosines with the first sentences of a
	// passage (Engine.sentenceCosines), for the cross-language features
	// when that passage is the cited one.
	sentences sentenceScores
	// askedType is the (standalone) question's expected answer type
	// (askedType), and action the action a Chinese yes/no question asks
	// about (askedAction), for FeatureAnswerTypeMiss.
	askedType answerType
	action    string
	// sibling is the (standalone) question as FeatureSiblingMiss reads it
	// (newSiblingQuestion); the zero value makes it 0.
	sibling siblingQuestion
}

// sentenceScores are the cosines of a question's embedding and the
// sentences of one passage.
type sentenceScores struct {
	chunk string    // the passage's chunk id
	cos   []float64 // one per sentence, in order; nil when none embedded
}

// appendFeature appends a feature, a value that is not a finite number
// counting as 0.
func appendFeature(f []Feature, name string, v float64) []Feature {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		v = 0
	}
	return append(f, Feature{Name: name, Value: v})
}

func computeFeatures(in featureInput) []Feature {
	f := make([]Feature, 0, 14)
	add := func(name string, v float64) { f = appendFeature(f, name, v) }
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
			if !sameDocument(h, hits[best]) && h.SparseScore > s2 {
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
	indexed, all := len(in.q.terms), in.qLength
	if in.whole.terms != nil {
		indexed, all = len(in.whole.terms), in.whole.all
	}
	if all > 0 {
		oov = clamp01(1 - float64(indexed)/float64(all))
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

	add(FeatureTopCited, b2f(cited != nil && len(hits) > 0 && cited.DocumentID == hits[0].DocumentID))
	miss, idfCov := specificity(in.res.IDF, in.q, cited, in.ps)
	add(FeatureCriticalMiss, miss)
	add(FeatureIDFCoverage, idfCov)
	qs := 0.0
	if cited != nil {
		qs = questionSim(in.asked, *cited, in.ps)
	}
	add(FeatureQuestionSim, qs)

	own, rival, qsMargin, citedRank := 0.0, 0.0, 0.0, 0.0
	if cited != nil {
		own, rival = rivalTerms(in.res.IDF, in.q, hits, *cited, in.ps)
		qsMargin = qs - bestOtherQuestionSim(in.asked, hits, *cited, in.ps)
		citedRank = documentRank(hits, *cited)
	}
	add(FeatureRivalTerms, rival)
	add(FeatureOwnTerms, own)
	add(FeatureQuestionSimMargin, qsMargin)
	add(FeatureCitedRank, citedRank)
	lines := 0.0
	if cited != nil {
		lines = passageLines(len(in.ps.get(*cited).sents))
	}
	add(FeaturePassageLines, lines)
	add(FeatureAnswerTypeMiss, in.answerTypeMiss())
	add(FeatureSiblingMiss, in.siblingMiss())

	if agree, ran := denseSparseAgree(hits); ran {
		v, cos := 0.0, 0.0
		if cited != nil && cited.DenseRank > 0 {
			v, cos = 1/float64(cited.DenseRank), cited.DenseScore
		}
		add(FeatureDenseAgreement, v)
		add(FeatureDenseCos, cos)
		add(FeatureDenseSparseAgree, agree)
	}
	if in.gen != nil {
		add(FeatureSupportRatio, clamp01(in.gen.SupportRatio))
	}
	return f
}

// denseSparseAgree is FeatureDenseSparseAgree of hits, and whether dense
// search ran (returned the best dense hit).
func denseSparseAgree(hits []retrieval.Hit) (float64, bool) {
	var topDense, topSparse *retrieval.Hit
	for i := range hits {
		h := &hits[i]
		if h.DenseRank == 1 {
			topDense = h
		}
		if h.SparseRank == 1 {
			topSparse = h
		}
	}
	if topDense == nil {
		return 0, false
	}
	return b2f(topSparse != nil && topSparse.DocumentID == topDense.DocumentID), true
}

// crossFeatures are the features of a cross-language answer (the cited
// passage in another language than the question's), for
// Config.CrossConfidence: none compares words, which two languages do not
// share. Lexical features would all read "no evidence" there.
func crossFeatures(in featureInput) []Feature {
	f := make([]Feature, 0, 13)
	add := func(name string, v float64) { f = appendFeature(f, name, v) }
	hits := in.res.Hits
	var cited *retrieval.Hit
	if len(in.c.cited) > 0 {
		cited = &in.c.cited[0]
	}
	cos, agreement, margin, lift, rank := 0.0, 0.0, 0.0, 0.0, 0.0
	if cited != nil {
		rank = documentRank(hits, *cited)
		if cited.DenseRank > 0 {
			cos, agreement = cited.DenseScore, 1/float64(cited.DenseRank)
			margin, lift = denseStandOut(hits, *cited)
		}
	}
	add(FeatureDenseCos, cos)
	add(FeatureDenseAgreement, agreement)
	add(FeatureDenseMargin, margin)
	add(FeatureDenseLift, lift)
	agree, _ := denseSparseAgree(hits)
	add(FeatureDenseSparseAgree, agree)
	add(FeatureCitedRank, rank)
	cov, miss := 0.0, 0.0
	if cited != nil && len(in.anchors) > 0 {
		text := cited.Title + "\n" + in.ps.quotableText(*cited)
		cov = float64(sharedAnchors(in.anchors, text)) / float64(len(in.anchors))
		miss = 1 - cov
	}
	add(FeatureAnchorCoverage, cov)
	add(FeatureAnchorMiss, miss)
	add(FeatureAnswerTypeMiss, in.answerTypeMiss())
	add(FeatureSiblingMiss, in.siblingMiss())
	best, lift, gain := sentenceStandOut(in.citedSentences(), cos)
	add(FeatureDenseSentenceCos, best)
	add(FeatureDenseSentenceLift, lift)
	add(FeatureDenseSentenceGain, gain)
	add(FeatureIsFAQ, b2f(in.c.faq))
	if in.gen != nil {
		add(FeatureSupportRatio, clamp01(in.gen.SupportRatio))
	}
	return f
}

// answerTypeMiss is FeatureAnswerTypeMiss: 1 when the question asks a
// type of value the cited passage holds no evidence of.
func (in featureInput) answerTypeMiss() float64 {
	if len(in.c.cited) == 0 {
		return 0
	}
	h := in.c.cited[0]
	if in.action != "" && actionMiss(in.action, h.Title+"\n"+h.Heading+"\n"+h.Text) {
		return 1
	}
	if in.askedType == 0 {
		return 0
	}
	p := in.ps.get(h)
	held := evidence(in.askedType, func(look answerType) answerType { return p.typesHeld(h, look) })
	return b2f(in.askedType&^held != 0)
}

// siblingMiss is FeatureSiblingMiss of the first cited passage.
func (in featureInput) siblingMiss() float64 {
	if len(in.c.cited) == 0 {
		return 0
	}
	return siblingMiss(in.sibling, in.askedType, in.res.Hits, in.c.cited[0], in.ps, in.c.body, in.c.sentences)
}

// citedSentences are the cosines of the question and the cited passage's
// sentences, nil when none were embedded for it.
func (in featureInput) citedSentences() []float64 {
	if len(in.c.cited) == 0 || in.sentences.chunk != in.c.cited[0].ID {
		return nil
	}
	return in.sentences.cos
}

// sentenceStandOut returns FeatureDenseSentenceCos, FeatureDenseSentenceLift
// and FeatureDenseSentenceGain of a passage whose sentences have cosines
// sents with the question and whose whole has cosine passage: passage, 0, 0
// without sentences.
func sentenceStandOut(sents []float64, passage float64) (best, lift, gain float64) {
	if len(sents) == 0 {
		return passage, 0, 0
	}
	sorted := slices.Clone(sents)
	slices.Sort(sorted)
	best = sorted[len(sorted)-1]
	n := len(sorted)
	median := sorted[n/2]
	if n%2 == 0 {
		median = (sorted[n/2-1] + sorted[n/2]) / 2
	}
	return best, best - median, best - passage
}

// denseStandOut returns FeatureDenseMargin and FeatureDenseLift of cited
// (retrieved by dense search): its cosine minus the best, and minus the
// mean, of the other documents' best cosines among hits; 0, 0 when dense
// search returned no other document.
func denseStandOut(hits []retrieval.Hit, cited retrieval.Hit) (margin, lift float64) {
	best := map[string]float64{} // document → its best cosine
	var order []string           // documents in hit order, for a fixed sum
	for _, h := range hits {
		if h.DenseRank == 0 || h.DocumentID == cited.DocumentID {
			continue
		}
		v, ok := best[h.DocumentID]
		if !ok {
			order = append(order, h.DocumentID)
		}
		if !ok || h.DenseScore > v {
			best[h.DocumentID] = h.DenseScore
		}
	}
	if len(order) == 0 {
		return 0, 0
	}
	top, sum := math.Inf(-1), 0.0
	for _, d := range order {
		top = max(top, best[d])
		sum += best[d]
	}
	return cited.DenseScore - top, cited.DenseScore - sum/float64(len(order))
}

// passageLines is FeaturePassageLines of a passage of n sentences.
func passageLines(n int) float64 {
	return math.Min(1, math.Log1p(float64(n))/math.Log(101))
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

// specificity returns FeatureCriticalMiss and FeatureIDFCoverage of the
// first cited passage: whether the question's highest-IDF indexed term is
// missing from it, and the IDF-weighted share of the question's terms in
// it. Without IDFs (a backend that does not report them) every term weighs
// the same and no term is critical.
func specificity(idf map[string]float64, q query, first *retrieval.Hit, ps passages) (miss, coverage float64) {
	if first == nil || len(q.terms) == 0 {
		return 0, 0
	}
	weight := func(t string) float64 {
		if w, ok := idf[t]; ok && w > 0 {
			return w
		}
		return 1
	}
	terms := ps.get(*first).terms
	var total, have float64
	critical, best := "", -1.0
	// In a fixed order, so that the float sums are the same on every run.
	for _, t := range slices.Sorted(maps.Keys(q.terms)) {
		w := weight(t)
		total += w
		if terms[t] {
			have += w
		}
		// Ties break by the term itself, so that the feature does not
		// depend on map order.
		if idf != nil && (w > best || w == best && t < critical) {
			critical, best = t, w
		}
	}
	if total > 0 {
		coverage = have / total
	}
	if critical == "" || terms[critical] {
		return 0, coverage
	}
	return 1, coverage
}

// questionSim is the best Dice overlap between the question's terms, stop
// words kept (q), and a question-like line of h: its title (an FAQ entry's
// question) or any of its sentences.
func questionSim(q map[string]bool, h retrieval.Hit, ps passages) float64 {
	if len(q) == 0 {
		return 0
	}
	best := 0.0
	for _, line := range ps.get(h).questionTerms(h.Title) {
		if best == 1 {
			break
		}
		best = max(best, dice(q, line))
	}
	return best
}

func termSet(terms []string) map[string]bool {
	m := make(map[string]bool, len(terms))
	for _, t := range terms {
		m[t] = true
	}
	return m
}

// dice is 2|a∩b|/(|a|+|b|).
func dice(a, b map[string]bool) float64 {
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	n := 0
	for t := range a {
		if b[t] {
			n++
		}
	}
	return 2 * float64(n) / float64(len(a)+len(b))
}

// sameDocument reports whether two hits come from one document: the same
// id, or the same non-empty title (a page split or duplicated under two
// ids is no rival of itself).
func sameDocument(a, b retrieval.Hit) bool {
	return a.DocumentID == b.DocumentID || a.Title != "" && a.Title == b.Title
}

// rivalTerms returns FeatureOwnTerms and FeatureRivalTerms: the IDF-weighted
// shares of the question's terms that only the cited document, and only the
// rival document, contain. A document's terms are the union of its passages
// among the first featureDocHits hits (the cited passage always counts for
// the cited document). Without a rival both are 0.
func rivalTerms(idf map[string]float64, q query, hits []retrieval.Hit, cited retrieval.Hit, ps passages) (own, rival float64) {
	if len(q.terms) == 0 {
		return 0, 0
	}
	var rivalHit *retrieval.Hit
	for i := range hits[:min(len(hits), featureDocHits)] {
		if !sameDocument(hits[i], cited) {
			rivalHit = &hits[i]
			break
		}
	}
	if rivalHit == nil {
		return 0, 0
	}
	has := func(of retrieval.Hit, t string) bool {
		for _, h := range hits[:min(len(hits), featureDocHits)] {
			if sameDocument(h, of) && ps.get(h).terms[t] {
				return true
			}
		}
		return false
	}
	var total, o, r float64
	for _, t := range slices.Sorted(maps.Keys(q.terms)) { // a fixed order: the same sums every run
		w := 1.0
		if v, ok := idf[t]; ok && v > 0 {
			w = v
		}
		total += w
		inCited := ps.get(cited).terms[t] || has(cited, t)
		inRival := has(*rivalHit, t)
		switch {
		case inCited && !inRival:
			o += w
		case inRival && !inCited:
			r += w
		}
	}
	return o / total, r / total
}

// bestOtherQuestionSim is the best questionSim of a passage among the first
// five hits that comes from another document than cited (0 when none).
func bestOtherQuestionSim(q map[string]bool, hits []retrieval.Hit, cited retrieval.Hit, ps passages) float64 {
	best := 0.0
	for _, h := range hits[:min(len(hits), 5)] {
		if !sameDocument(h, cited) {
			best = max(best, questionSim(q, h, ps))
		}
	}
	return best
}

// documentRank is 1/rank of cited's document among the documents of hits,
// in hit order; 0 when no hit is from it.
func documentRank(hits []retrieval.Hit, cited retrieval.Hit) float64 {
	var seen []retrieval.Hit
	for _, h := range hits {
		if sameDocument(h, cited) {
			return 1 / float64(len(seen)+1)
		}
		if !slices.ContainsFunc(seen, func(s retrieval.Hit) bool { return sameDocument(s, h) }) {
			seen = append(seen, h)
		}
	}
	return 0
}
