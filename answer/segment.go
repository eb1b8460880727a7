package answer

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/answerdesk/answerdesk/retrieval"
)

// A passage often states the facts of two or three siblings one after the
// other, each under a label of its own: "Центральный офис: ул. Ленина, 12.
// У офиса бесплатная парковка. Левобережный офис: пр. Мира, 40 …",
// "Lite: two brushes. Pro: three brushes and a HEPA filter.", "标准快递：…
// 经济快递：…". A sentence states the fact of the label it is written under,
// though it names no sibling itself. segmentMiss reads that layout.

// maxLabelRunes and maxLabelWords bound a label: the name of a sibling
// ("Левобережный офис", "X500", "经济快递"), not a sentence with a colon
// ("To change the plan you need the following: …").
const (
	maxLabelRunes = 40
	maxLabelWords = 4
)

// notSiblingLabels are labels that name no sibling: notes and warnings,
// examples, sources and edits, questions and answers of a Q&A, and the steps
// of one procedure (lowercased, digits after them dropped: "Step 2", "Шаг
// 3", "步骤1"). A sentence under them belongs to the segment before.
var notSiblingLabels = map[string]bool{
	"note": true, "notes": true, "please note": true, "tip": true, "tips": true, "important": true,
	"warning": true, "caution": true, "attention": true, "example": true, "for example": true,
	"q": true, "a": true, "question": true, "answer": true, "step": true, "nb": true, "edit": true,
	"update": true, "upd": true, "in short": true, "source": true, "sources": true, "see also": true,
	"примечание": true, "важно": true, "внимание": true, "обратите внимание": true, "совет": true,
	"пример": true, "например": true, "вопрос": true, "ответ": true, "шаг": true, "источник": true,
	"см. также": true, "注意": true, "提示": true, "温馨提示": true, "说明": true, "备注": true, "例如": true,
	"问": true, "答": true, "步骤": true, "来源": true,
}

// segmentLabel returns the label a sentence starts with ("Pro" of "Pro:
// three brushes"), or "" when it starts with none: the words before its
// first colon, at most maxLabelWords of them and maxLabelRunes runes, with
// a letter, no punctuation but a name's (notInLabel), not starting in
// lower case (a label is written as a heading is: "error: the key …" quotes
// a message); a Latin colon is followed by a space (not a time, "8:00").
func segmentLabel(s string) string {
	s = strings.TrimLeft(s, "-*•·#> \t")
	s = strings.TrimPrefix(s, "**")
	i := strings.IndexAny(s, ":：")
	if i <= 0 {
		return ""
	}
	label := strings.TrimSpace(strings.Trim(s[:i], "*"))
	colon, w := utf8.DecodeRuneInString(s[i:])
	after, _ := utf8.DecodeRuneInString(s[i+w:])
	if colon == ':' && after != ' ' && after != utf8.RuneError {
		return "" // "8:00", "https://…": a label's colon is followed by a space
	}
	if label == "" || utf8.RuneCountInString(label) > maxLabelRunes ||
		len(strings.Fields(label)) > maxLabelWords || !strings.ContainsFunc(label, unicode.IsLetter) ||
		strings.ContainsFunc(label, notInLabel) || startsLower(label) {
		return ""
	}
	return label
}

// notInLabel says whether r cannot be in a label: punctuation other than
// what names are written with ("Wi-Fi", "M&M's", "S9+", "Ver. 2").
func notInLabel(r rune) bool {
	return (unicode.IsPunct(r) || unicode.IsSymbol(r)) && !strings.ContainsRune("-'’.&+/", r)
}

// startsLower says whether s starts with a lower-case letter.
func startsLower(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsLower(r)
}

// hasSiblingLabel says whether sentence s starts with a sibling's label.
func hasSiblingLabel(s string) bool {
	l := segmentLabel(s)
	return l != "" && siblingLabel(l)
}

// siblingLabel says whether label names a sibling (notSiblingLabels).
func siblingLabel(label string) bool {
	l := strings.ToLower(label)
	if strings.HasPrefix(l, "第") && strings.HasSuffix(l, "步") {
		return false
	}
	l = strings.TrimRightFunc(l, func(r rune) bool { return unicode.IsDigit(r) || unicode.IsSpace(r) })
	return !notSiblingLabels[l]
}

// segmentsOf returns, for each of sents, the labelled segment it is in —
// a sibling label's sentence and those after it up to the next label,
// numbered from 1 — or 0 before the first label. A sibling label is written
// once in the passage. It returns nil when fewer than two labels are found:
// a passage about one thing.
func segmentsOf(sents []string) []int {
	// A label written twice is a field's name ("Часы работы:" under each
	// office, a table's column as rows are written out), not a sibling's.
	labels := make([]string, len(sents))
	seen := map[string]int{}
	for i, s := range sents {
		if l := segmentLabel(s); l != "" && siblingLabel(l) {
			labels[i] = strings.ToLower(l)
			seen[labels[i]]++
		}
	}
	var in []int
	n := 0
	for i, l := range labels {
		if l != "" && seen[l] == 1 {
			if in == nil {
				in = make([]int, len(sents))
			}
			n++
		}
		if in != nil {
			in[i] = n
		}
	}
	if n < 2 {
		return nil
	}
	return in
}

// maxSegments is how many labelled segments of a passage segmentMiss
// reads (a bit set's).
const maxSegments = 64

// segmentMiss says whether the cited passage p states what the question
// (its terms, asked) asks about only under another sibling's label than
// the one the question names: a word of the question (t, "Мира") is written only in some
// labelled segments, another (a, "парковка") only in others, and neither
// in the text before the first label (which is about every segment). The
// title and heading do not count: they name the siblings the passage
// compares ("Lite and Pro compared"). The question is then about t's sibling,
// and the passage states a only for another one.
func segmentMiss(asked map[string]bool, p *passage) bool {
	segs := segmentsOf(p.sents)
	if segs == nil {
		return false
	}
	common := map[string]bool{}
	for i, terms := range p.sentTerms {
		if segs[i] == 0 {
			for _, t := range terms {
				common[t] = true
			}
		}
	}
	// in[t] is the set of labelled segments a question term is written in.
	in := map[string]uint64{}
	for t := range asked {
		if !common[t] {
			in[t] = 0
		}
	}
	for i, terms := range p.sentTerms {
		if seg := segs[i]; seg > 0 && seg <= maxSegments {
			for _, t := range terms {
				if _, ok := in[t]; ok {
					in[t] |= 1 << (seg - 1)
				}
			}
		}
	}
	for t, st := range in {
		for a, sa := range in {
			if a != t && st != 0 && sa != 0 && st&sa == 0 {
				return true
			}
		}
	}
	return false
}

// labelMiss says whether every sentence of answers (the answering
// sentences) of a question whose terms are asked is written under a
// sibling's label — "Cargo: the tyres have a
// 3 mm puncture protection belt" — while the question names another
// sibling of that label and not the label itself. A label's siblings are
// the passage's other sibling labels, or the other values of a table's
// column the label is a value of (a table written out row by row, "Model:
// Tour; Tyre: …"), in sents.
func labelMiss(asked map[string]bool, answers, sents []string) bool {
	if len(answers) == 0 {
		return false
	}
	names := func(s string) (terms []string, asks bool) {
		terms = retrieval.DefaultAnalyzer.Terms(s)
		for _, t := range terms {
			asks = asks || asked[t]
		}
		return terms, asks
	}
	groups := siblingGroups(sents)
	for _, a := range answers {
		l := segmentLabel(a)
		if l == "" || !siblingLabel(l) {
			return false
		}
		lt, asks := names(l)
		if asks || len(lt) == 0 {
			return false
		}
		other := false
		for _, g := range groups {
			if !g[strings.ToLower(l)] {
				continue
			}
			for v := range g {
				if vt, _ := names(v); len(vt) > 0 && v != strings.ToLower(l) && allIn(vt, asked) {
					other = true
				}
			}
		}
		if !other {
			return false
		}
	}
	return true
}

// siblingGroups are the names a passage writes in parallel, lowercased:
// its sibling labels (segmentLabel, written once), and the values of each
// column of a table written out row by row ("Model: Lite; Tyre: …",
// "Model: Tour; …"), values of at most maxLabelWords words. Groups of one
// name are left out.
func siblingGroups(sents []string) []map[string]bool {
	seen := map[string]int{}
	columns := map[string]map[string]bool{}
	for _, s := range sents {
		if l := segmentLabel(s); l != "" && siblingLabel(l) {
			seen[strings.ToLower(l)]++
		}
		for _, cell := range strings.Split(s, "; ") {
			k, v, ok := strings.Cut(cell, ": ")
			k, v = strings.ToLower(strings.TrimSpace(k)), strings.ToLower(strings.TrimSpace(v))
			if !ok || k == "" || v == "" || len(strings.Fields(k)) > maxLabelWords || len(strings.Fields(v)) > maxLabelWords {
				continue
			}
			if columns[k] == nil {
				columns[k] = map[string]bool{}
			}
			columns[k][v] = true
		}
	}
	labels := map[string]bool{}
	for l, n := range seen {
		if n == 1 {
			labels[l] = true
		}
	}
	var out []map[string]bool
	if len(labels) > 1 {
		out = append(out, labels)
	}
	for _, c := range columns {
		if len(c) > 1 {
			out = append(out, c)
		}
	}
	return out
}

// allIn says whether every term is in set.
func allIn(terms []string, set map[string]bool) bool {
	for _, t := range terms {
		if !set[t] {
			return false
		}
	}
	return true
}
