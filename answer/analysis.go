package answer

import "github.com/answerdesk/answerdesk/retrieval"

// analyzed is a text with its terms by retrieval.DefaultAnalyzer. The
// request path analyzes the question once and hands this to triage, the
// follow-up heuristic, the intent classifier, the store
// (retrieval.Query.Terms), the composer and the confidence features.
type analyzed struct {
	text  string
	terms []string // never nil, so that a store knows it was analyzed
	// asked is the terms with question words kept
	// (Analyzer.QuestionTerms), to match the question against an FAQ's.
	asked []string
}

func analyzeText(text string) analyzed {
	terms := retrieval.DefaultAnalyzer.Terms(text)
	if terms == nil {
		terms = []string{}
	}
	return analyzed{text: text, terms: terms, asked: retrieval.DefaultAnalyzer.QuestionTerms(text)}
}

// reanalyze is the analysis of text, a's when text is a's text.
func reanalyze(a analyzed, text string) analyzed {
	if text == a.text {
		return a
	}
	return analyzeText(text)
}
