package answer

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/answerdesk/answerdesk/retrieval"
	"github.com/answerdesk/answerdesk/retrieval/dense"
)

// A cross-language answer quotes a passage in another language than the
// question's. The extractive composer finds no shared words there, and the
// lexical features measure nothing, so with an embedder the engine quotes
// the passage hybrid retrieval ranks first and scores it with the
// cross-language model (Config.CrossConfidence), whose features compare
// no words: dense similarity, the dense ranking, and anchors — numbers and
// Latin-script codes, which read the same in every language.

// crossLanguage reports whether an answer to a question in lang would be
// quoted across languages: dense search ran (an embedder is configured)
// and the first of hits, in preference order (preferLang), is in another
// script (crossScript). preferLang puts a comparably good passage in lang
// first, so a cross-language first hit means the knowledge base has none.
func crossLanguage(hits []retrieval.Hit, lang string) bool {
	return len(hits) > 0 && denseRan(hits) && crossScript(lang, hits[0].Lang)
}

// crossScript reports whether languages a and b are written in different
// scripts, both known (langScript): Russian and English, not Spanish and
// English. Within a script, the lexical path still finds names, numbers and
// cognates, and a short Latin-script question told as Spanish may well be
// English: only across scripts do no words match.
func crossScript(a, b string) bool {
	sa, sb := langScript(a), langScript(b)
	return sa != "" && sb != "" && sa != sb
}

// langScript is the script of a language the engine detects
// (retrieval.DetectLanguage), "" for another.
func langScript(lang string) string {
	switch lang {
	case "en", "de", "es", "fr", "it", "pt":
		return "Latin"
	case "ru", "uk":
		return "Cyrillic"
	case "zh", "ja":
		return "Han"
	case "ko":
		return "Hangul"
	}
	return ""
}

// denseRan reports whether dense search returned any of hits.
func denseRan(hits []retrieval.Hit) bool {
	for _, h := range hits {
		if h.DenseRank > 0 {
			return true
		}
	}
	return false
}

// composeCross quotes the first of hits: an FAQ entry's answer whole, else
// up to maxSentences consecutive sentences of the passage from the one
// nearest the question — by cosines (one per sentence of the passage's
// first ones, Engine.sentenceCosines) when there are, else the one sharing
// most of the question's anchors, else the opening. It returns ok=false
// when the passage has nothing quotable.
func composeCross(hits []retrieval.Hit, anchors map[string]bool, cosines []float64, maxSentences int, ps passages) (composed, bool) {
	if len(hits) == 0 {
		return composed{}, false
	}
	top := hits[0]
	if top.Kind == retrieval.KindFAQ {
		ans := faqAnswer(top)
		c := composed{faq: true, body: ans, cited: []retrieval.Hit{top}}
		c.sentences = []string{stripMarkers(ans) + " [1]"}
		c.citations = []Citation{citation(1, top, ans)}
		return c, true
	}
	p := ps.get(top)
	if len(p.sents) == 0 {
		return composed{}, false
	}
	start := 0
	if len(cosines) > 0 {
		for i, c := range cosines[:min(len(cosines), len(p.sents))] {
			if c > cosines[start] {
				start = i
			}
		}
	} else {
		most := 0
		for i, s := range p.sents {
			if n := sharedAnchors(anchors, s); n > most {
				start, most = i, n
			}
		}
	}
	var quotes, body []string
	size := 0
	for _, s := range p.sents[start:min(len(p.sents), start+maxSentences)] {
		if size > 0 && size+len(s) > maxAnswerBytes {
			break
		}
		size += len(s)
		quotes = append(quotes, truncate(s, maxQuote))
		body = append(body, stripMarkers(truncate(s, maxQuote)))
	}
	c := composed{cited: []retrieval.Hit{top}, body: strings.Join(body, " ")}
	for _, s := range body {
		c.sentences = append(c.sentences, s+" [1]")
	}
	c.citations = []Citation{citation(1, top, strings.Join(quotes, " … "))}
	return c, true
}

// anchorsOf returns the anchors of a question in lang: its numbers, its
// Latin-script codes and acronyms (a run of ASCII letters and digits with
// a digit, or with two capitals: "X100", "2FA", "NFL", "iOS"), and, in a
// question of another script than Latin, every Latin word of two letters
// or more (customers write product names in Latin whatever their
// language: "Работает ли Lumen с Zigbee?"), lowercased. The words of a
// language are not anchors: they change with the language, these do not.
func anchorsOf(text, lang string) map[string]bool {
	out := map[string]bool{}
	names := langScript(lang) != "" && langScript(lang) != "Latin"
	asciiRuns(text, func(run string) {
		digits, upper := 0, 0
		for i := 0; i < len(run); i++ {
			switch c := run[i]; {
			case c >= '0' && c <= '9':
				digits++
			case c >= 'A' && c <= 'Z':
				upper++
			}
		}
		switch {
		case digits == len(run):
			// A number; "007" is 7.
			if n, err := strconv.ParseUint(run, 10, 64); err == nil {
				out[strconv.FormatUint(n, 10)] = true
			} else {
				out[run] = true
			}
		case digits > 0 || upper >= 2 || names && len(run) >= 2:
			out[strings.ToLower(run)] = true
		}
	})
	return out
}

// sharedAnchors counts the anchors found in text as whole runs of ASCII
// letters and digits, case folded (a number also without leading zeros).
func sharedAnchors(anchors map[string]bool, text string) int {
	if len(anchors) == 0 {
		return 0
	}
	seen := map[string]bool{}
	asciiRuns(text, func(run string) {
		r := strings.ToLower(run)
		if n, err := strconv.ParseUint(run, 10, 64); err == nil {
			r = strconv.FormatUint(n, 10)
		}
		if anchors[r] {
			seen[r] = true
		}
	})
	return len(seen)
}

// asciiRuns calls f with each maximal run of ASCII letters and digits of
// text. Runs end at any other character, so "2015年" gives "2015" and
// "1,000" gives "1" and "000".
func asciiRuns(text string, f func(string)) {
	alnum := func(c byte) bool { return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
	for i := 0; i < len(text); {
		if !alnum(text[i]) {
			i++
			continue
		}
		j := i
		for j < len(text) && alnum(text[j]) {
			j++
		}
		f(text[i:j])
		i = j
	}
}

// maxEmbeddedSentences bounds the sentences of a passage embedded for a
// cross-language quote: a chunk holds a few paragraphs, and the quote
// starts near its opening in any case.
const maxEmbeddedSentences = 24

// sentenceCosines returns the cosine of the question's embedding vec and
// each of the first sentences of hit's passage, embedded with the document
// model when Deps.Embedder is a PassageEmbedder (once per cached passage:
// support traffic asks about the same passages), or nil: without such an
// embedder or a question vector, for an FAQ entry (quoted whole), and when
// embedding fails (logged; the quote then starts by the anchors).
func (e *Engine) sentenceCosines(ctx context.Context, hit retrieval.Hit, vec []float32, ps passages) []float64 {
	pe, ok := e.deps.Embedder.(PassageEmbedder)
	if !ok || len(vec) == 0 || hit.Kind == retrieval.KindFAQ {
		return nil
	}
	p := ps.get(hit)
	if len(p.sents) < 2 {
		return nil
	}
	p.vecMu.Lock()
	vecs := p.sentVecs
	if vecs == nil {
		n := min(len(p.sents), maxEmbeddedSentences)
		texts := make([]string, 0, n)
		for _, s := range p.sents[:n] {
			texts = append(texts, stripMarkers(s))
		}
		var err error
		vecs, err = pe.EmbedDocuments(ctx, texts)
		if err == nil && len(vecs) != len(texts) {
			err = fmt.Errorf("%d vectors for %d sentences", len(vecs), len(texts))
		}
		if err != nil {
			p.vecMu.Unlock()
			if ctx.Err() == nil {
				e.log.WarnContext(ctx, "sentence embedding failed; the cross-language quote starts by the anchors", "chunk", hit.ID, "err", err)
			}
			return nil
		}
		p.sentVecs = vecs
	}
	p.vecMu.Unlock()
	out := make([]float64, len(vecs))
	for i, v := range vecs {
		out[i] = dense.Cosine(vec, v)
	}
	return out
}
