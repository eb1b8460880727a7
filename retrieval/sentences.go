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
// not end one, nor does the "1." that starts an enumerated sentence), and
// at line breaks as o says. Empty sentences are dropped.
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
