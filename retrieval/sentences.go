package retrieval

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Sentence is one sentence of a text: text[Start:End], without the space
// around it.
type Sentence struct{ Start, End int }

// SentenceOptions adapt the segmenter to what it cuts.
type SentenceOptions struct {
	// EveryLine ends a sentence at every line break (answers, passages
	// with list lines); otherwise only a blank line does (prose wrapped
	// across lines).
	EveryLine bool
	// ListItems makes a list item ("- ", "* ", "• ", "1. ", "2) ") one
	// sentence to the end of its line.
	ListItems bool
}

// closers are the closing quotes and brackets that stay with the sentence
// their CJK punctuation ends.
const closers = `"'”’»)]）」`

// Sentences is the one sentence segmenter, for the languages the analyzer
// reads (Latin and Cyrillic scripts, CJK): a sentence ends after 。！？；
// (with the closing quotes and brackets that follow), after . ! ? followed
// by a space, a line break or the end of the text ("2.4" and "e.g.x" do
// not end one, nor does the "1." that starts an enumerated sentence or
// the period of an abbreviation, abbreviated), and at line breaks as o
// says. Empty sentences are dropped.
func Sentences(text string, o SentenceOptions) []Sentence {
	var out []Sentence
	start := 0
	add := func(end int) {
		s, e := start, end
		for s < e {
			r, w := utf8.DecodeRuneInString(text[s:])
			if !unicode.IsSpace(r) {
				break
			}
			s += w
		}
		for e > s {
			r, w := utf8.DecodeLastRuneInString(text[:e])
			if !unicode.IsSpace(r) {
				break
			}
			e -= w
		}
		if s < e {
			out = append(out, Sentence{Start: s, End: e})
		}
		start = end
	}
	for i := 0; i < len(text); {
		if i == start && o.ListItems {
			lead := len(text[i:]) - len(strings.TrimLeft(text[i:], " \t\n"))
			if IsListItem(text[i+lead:]) {
				end := strings.IndexByte(text[i+lead:], '\n')
				if end < 0 {
					end = len(text)
				} else {
					end += i + lead
				}
				add(end)
				i = end
				continue
			}
		}
		r, w := utf8.DecodeRuneInString(text[i:])
		end := i + w
		switch r {
		case '。', '！', '？', '；':
			for end < len(text) {
				q, qw := utf8.DecodeRuneInString(text[end:])
				if !strings.ContainsRune(closers, q) {
					break
				}
				end += qw
			}
			add(end)
		case '.', '!', '?':
			if end >= len(text) || text[end] == ' ' || text[end] == '\t' || text[end] == '\n' {
				if r == '.' && isEnumerator(text[start:i]) {
					break // "1. Keep the hub plugged in."
				}
				if r == '.' && abbreviated(text[start:i], text[end:]) {
					break // "ул. Ленина", "e.g. the hub"
				}
				add(end)
			}
		case '\n':
			if o.EveryLine || (end < len(text) && text[end] == '\n') {
				add(end)
			}
		}
		i = end
	}
	add(len(text))
	return out
}

// SentenceTexts returns the text of each sentence of text.
func SentenceTexts(text string, o SentenceOptions) []string {
	ss := Sentences(text, o)
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = text[s.Start:s.End]
	}
	return out
}

// IsListItem reports whether s starts with a list marker: "- ", "* ",
// "• ", or one or two digits and "." or ")" and a space.
func IsListItem(s string) bool {
	if strings.HasPrefix(s, "- ") || strings.HasPrefix(s, "* ") || strings.HasPrefix(s, "• ") {
		return true
	}
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	return i > 0 && i < 3 && i+1 < len(s) && (s[i] == '.' || s[i] == ')') && s[i+1] == ' '
}

// isEnumerator reports whether s (a sentence so far) is one or two digits.
func isEnumerator(s string) bool {
	s = strings.TrimSpace(s)
	if len(s) == 0 || len(s) > 2 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// abbreviations are the abbreviations whose period never ends a sentence in
// English and Russian: titles, address parts ("ул. Ленина, д. 5", "St.
// James"), and Latin and Russian phrases written with periods ("e.g.",
// "т.е."). soft are those that end sentences too ("… 2020 г.", "… etc."):
// their period ends one only before a capital letter.
var (
	abbreviations = map[string]bool{
		"mr": true, "mrs": true, "ms": true, "dr": true, "prof": true, "st": true, "mt": true, "vs": true,
		"e.g": true, "i.e": true, "approx": true, "fig": true, "incl": true, "cf": true,
		"ул": true, "пр": true, "просп": true, "пер": true, "пл": true, "наб": true, "ш": true, "д": true,
		"корп": true, "стр": true, "кв": true, "оф": true, "обл": true, "им": true, "тел": true, "напр": true,
		"т.е": true, "т.к": true, "т.н": true, "рис": true, "табл": true, "прим": true, "см": true,
	}
	soft = map[string]bool{
		"etc": true, "inc": true, "ltd": true, "co": true, "no": true,
		"г": true, "гг": true, "руб": true, "коп": true, "тыс": true, "млн": true, "млрд": true,
		"т.д": true, "т.п": true, "др": true, "мин": true, "сек": true, "ч": true, "шт": true,
	}
)

// abbreviated says whether the period after sentence (the text of a
// sentence so far, the period not included) is an abbreviation's rather
// than the sentence's end; next is the text after the period.
func abbreviated(sentence, next string) bool {
	i := len(sentence)
	for i > 0 {
		r, w := utf8.DecodeLastRuneInString(sentence[:i])
		if !unicode.IsLetter(r) && r != '.' {
			break
		}
		i -= w
	}
	word := strings.ToLower(strings.TrimLeft(sentence[i:], "."))
	if abbreviations[word] {
		return true
	}
	if !soft[word] {
		return false
	}
	next = strings.TrimLeft(next, " \t")
	r, _ := utf8.DecodeRuneInString(next)
	return next != "" && !unicode.IsUpper(r) && r != '\n'
}
