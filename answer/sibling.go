package answer

import (
	"strings"
	"unicode"

	"github.com/answerdesk/answerdesk/retrieval"
)

// nameWord is a word of a text as FeatureSiblingMiss reads it: its term
// (Analyzer.QuestionTerms: stemmed, stop words kept), whether the text
// writes it as a name, and whether it is a stop word.
type nameWord struct {
	term string
	name bool
	stop bool
}

// wordPair is two words standing together, in order.
type wordPair struct{ left, right string }

// pairNames says whether a pair's left and right words were written as
// names in at least one of its occurrences.
type pairNames struct{ left, right bool }

// namePhrases splits text into phrases — runs of words separated by
// spaces or hyphens only, so that two words of a phrase stand together
// ("Волна 50", "Pro plan") and no phrase crosses punctuation, a line or a
// table cell — with each word's term and whether it reads as a name:
//
//   - it has a digit (a number, a model code: "50", "X100", "2FA");
//   - it has a capital letter after its first ("iPhone", "PLUS");
//   - it starts with a capital and does not start a sentence ("the Pro
//     plan", "на тарифе Волна Безлимит"), the English pronoun "I" aside;
//   - it is a Latin word in a text written mostly in another script (a
//     product named in Latin in a Russian or Chinese text).
//
// Chinese characters end a phrase: the engine has no word segmentation,
// and two adjacent characters are as often two words' edges as one word.
// withStop marks stop words (the question's words need it, a passage's
// do not).
func namePhrases(text string, withStop bool) [][]nameWord {
	latin, other, words := 0, 0, 0
	inWord := false
	for _, r := range text {
		switch {
		case unicode.Is(unicode.Latin, r):
			latin++
		case unicode.IsLetter(r):
			other++
		}
		w := unicode.IsLetter(r) || unicode.IsDigit(r)
		if w && !inWord {
			words++
		}
		inWord = w
	}
	foreignLatin := other > latin
	// The phrases are consecutive runs of one array of the words.
	all := make([]nameWord, 0, words)
	start := 0 // of the current phrase in all
	var out [][]nameWord
	word := make([]rune, 0, 32)
	var buf []byte
	var terms []string
	sentenceStart := true
	end := func() {
		if len(all)-start > 1 {
			out = append(out, all[start:len(all):len(all)])
		} else {
			all = all[:start]
		}
		start = len(all)
	}
	flush := func() {
		if len(word) == 0 {
			return
		}
		name, isLatin := false, true
		for i, r := range word {
			switch {
			case unicode.IsDigit(r):
				name = true
			case unicode.IsUpper(r) && (i > 0 || !sentenceStart):
				name = true
			}
			if unicode.IsLetter(r) && !unicode.Is(unicode.Latin, r) {
				isLatin = false
			}
		}
		if isLatin && foreignLatin {
			name = true
		}
		if len(word) == 1 && word[0] == 'I' && !foreignLatin {
			// English capitalizes the pronoun by rule, as it does a
			// sentence's first word: no name.
			name = false
		}
		var stop bool
		terms, stop = retrieval.DefaultAnalyzer.WordTerms(word, &buf, terms[:0])
		stop = withStop && stop
		for _, t := range terms {
			all = append(all, nameWord{term: t, name: name, stop: stop})
		}
		word = word[:0]
		sentenceStart = false
	}
	for _, r := range text {
		switch {
		case isHanRune(r):
			flush()
			end()
		case unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r) && len(word) > 0:
			word = append(word, r)
		case r == ' ' || r == '\t' || r == '\u00a0' || r == '-' || r == '\u2010' || r == '\u2011':
			flush()
		default:
			flush()
			end()
			if strings.ContainsRune(".!?…\n:;", r) {
				sentenceStart = true
			}
		}
	}
	flush()
	end()
	return out
}

// siblingPairs are the word pairs of a passage (title, heading and its
// quotable sentences) for FeatureSiblingMiss: every pair with its name
// flags, indexed by each word.
type siblingPairs struct {
	pairs   map[wordPair]pairNames
	byLeft  map[string][]string // left word → its right partners
	byRight map[string][]string // right word → its left partners
}

func newSiblingPairs(texts ...string) *siblingPairs {
	sp := &siblingPairs{pairs: map[wordPair]pairNames{}, byLeft: map[string][]string{}, byRight: map[string][]string{}}
	for _, text := range texts {
		for _, ph := range namePhrases(text, false) {
			for i := 0; i+1 < len(ph); i++ {
				a, b := ph[i], ph[i+1]
				p := wordPair{a.term, b.term}
				n, seen := sp.pairs[p]
				if !seen {
					sp.byLeft[a.term] = append(sp.byLeft[a.term], b.term)
					sp.byRight[b.term] = append(sp.byRight[b.term], a.term)
				}
				sp.pairs[p] = pairNames{n.left || a.name, n.right || b.name}
			}
		}
	}
	return sp
}

// siblingMiss is FeatureSiblingMiss of the question's phrases q against
// the first cited passage.
func siblingMiss(q [][]nameWord, hits []retrieval.Hit, cited retrieval.Hit, ps passages) float64 {
	if len(q) == 0 {
		return 0
	}
	// The miss needs a word of the question the passage lacks: most
	// cited passages have them all, and their pairs are not needed.
	words := ps.get(cited).words(cited)
	lacks := false
	for _, ph := range q {
		for _, w := range ph {
			lacks = lacks || !words[w.term]
		}
	}
	if !lacks {
		return 0
	}
	p := ps.get(cited).siblings(cited)
	asked := map[string]bool{}
	for _, ph := range q {
		for _, w := range ph {
			asked[w.term] = true
		}
	}
	// others: the pairs of the other documents' passages among the first
	// featureDocHits hits, computed when needed.
	var others []*siblingPairs
	otherHas := func(pair wordPair) (pairNames, bool) {
		if others == nil {
			others = []*siblingPairs{}
			for _, h := range hits[:min(len(hits), featureDocHits)] {
				if !sameDocument(h, cited) {
					others = append(others, ps.get(h).siblings(h))
				}
			}
		}
		var n pairNames
		found := false
		for _, o := range others {
			if v, ok := o.pairs[pair]; ok {
				n, found = pairNames{n.left || v.left, n.right || v.right}, true
			}
		}
		return n, found
	}
	for _, ph := range q {
		for i := 0; i+1 < len(ph); i++ {
			a, b := ph[i], ph[i+1]
			pair := wordPair{a.term, b.term}
			if _, ok := p.pairs[pair]; ok || a.term == b.term {
				continue
			}
			// The right word differs (a shared head on the left: "Волна
			// 50" asked, "Волна 15" cited), or the left one ("Pro plan"
			// asked, "Basic plan" cited).
			for _, rightDiffers := range []bool{true, false} {
				head, diff := a, b
				partners := p.byLeft[a.term]
				if !rightDiffers {
					head, diff = b, a
					partners = p.byRight[b.term]
				}
				if words[diff.term] || head.stop {
					continue
				}
				for _, x := range partners {
					if asked[x] {
						continue
					}
					sib := wordPair{head.term, x}
					if !rightDiffers {
						sib = wordPair{x, head.term}
					}
					sibName := p.pairs[sib].right
					if !rightDiffers {
						sibName = p.pairs[sib].left
					}
					other, ok := otherHas(pair)
					if !ok {
						break
					}
					// The question's word is a name when the question
					// or the other document writes it as one: customers
					// write "волна 50", help centres "Волна 50".
					diffName := diff.name || rightDiffers && other.right || !rightDiffers && other.left
					if sibName && diffName {
						return 1
					}
				}
			}
		}
	}
	return 0
}
