package answer

import (
	"github.com/answerdesk/answerdesk/retrieval"
)

// focusHits is how many of the best hits make the evidence a sentence of
// the question must touch to stay in its focus.
const focusHits = 3

// focusQuery narrows q to the sentences of a multi-sentence question that
// the retrieved evidence is about.
//
// Customers write to support the way they talk: "Hi! My son set this up
// for me last weekend. Where is the reset button on the Cam Pro? Thanks".
// Every word of the greeting and of the context counts against the answer
// when coverage-like features divide by the question's terms — coverage,
// IDF-weighted coverage, the best sentence's coverage, the similarity with
// an FAQ's question — and the extraction picks sentences by the same
// terms. A sentence none of whose indexed terms occurs in the best
// focusHits passages is not what those passages answer: it is left out of
// q, so that the features measure how well the evidence answers the rest.
//
// What is left out is what the evidence does not touch at all, never a
// sentence sharing one term with it: a context sentence that names the
// product or the plan ("I'm flying Light next week.") shares its name with
// the passages about it and stays. The words the index has never seen
// still count for the whole question (FeatureOOV reads whole), so a
// sentence about something the knowledge base never mentions still costs
// confidence, and the vetoes read the whole question. ok is false — q is
// returned as it is — when the question is one sentence, or when no
// sentence or every sentence would be left out.
func focusQuery(question string, q query, hits []retrieval.Hit, ps passages) (query, bool) {
	sents := retrieval.Sentences(question, retrieval.SentenceOptions{})
	if len(sents) < 2 || len(hits) == 0 {
		return q, false
	}
	evidence := make([]map[string]bool, 0, focusHits)
	for i, h := range hits {
		if i == focusHits {
			break
		}
		evidence = append(evidence, ps.get(h).terms)
	}
	touched := func(t string) bool {
		for _, e := range evidence {
			if e[t] {
				return true
			}
		}
		return false
	}
	// kept are the kept sentences with their terms, analyzed once.
	type sentence struct {
		text  string
		terms []string
	}
	var kept []sentence
	for _, sent := range sents {
		s := question[sent.Start:sent.End]
		terms := retrieval.DefaultAnalyzer.Terms(s)
		for _, t := range terms {
			if q.terms[t] && touched(t) {
				kept = append(kept, sentence{s, terms})
				break
			}
		}
	}
	if len(kept) == 0 || len(kept) == len(sents) {
		return q, false
	}
	f := query{terms: map[string]bool{}, asked: map[string]bool{}}
	all := map[string]bool{}
	for _, s := range kept {
		for _, t := range s.terms {
			all[t] = true
			if q.terms[t] {
				f.terms[t] = true
			}
		}
		for _, t := range retrieval.DefaultAnalyzer.QuestionTerms(s.text) {
			f.asked[t] = true
		}
	}
	f.all = len(all)
	return f, true
}
