package llm

import (
	"bytes"
	"crypto/rand"
	"embed"
	"encoding/hex"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"text/template"
	"unicode"
	"unicode/utf8"

	"github.com/answerdesk/answerdesk/answer"
	"github.com/answerdesk/answerdesk/retrieval"
)

// AbstainMarker is what the model must answer when the passages do not
// answer the question. It is language-neutral so that it survives any
// answer language.
const AbstainMarker = "NO_ANSWER_IN_PASSAGES"

//go:embed templates/*.tmpl
var templateFS embed.FS

var templates = template.Must(template.New("").Funcs(template.FuncMap{
	"quote": strconv.Quote,
}).ParseFS(templateFS, "templates/*.tmpl"))

// Prompt is a rendered chat prompt.
type Prompt struct {
	System string
	User   string
	// Shown lists the passage numbers the prompt contains (passages that did
	// not fit the context window are left out, and citing them is invalid).
	Shown []int
}

type answerData struct {
	Abstain      string
	Canary       string
	LangName     string
	MaxSentences int
	Passages     []answer.Passage
	History      []answer.Message
	Question     string
}

// maxHistoryTurns and maxTurnRunes bound the conversation in a prompt.
const (
	maxHistoryTurns = 6
	maxTurnRunes    = 600
	maxQuestionRune = 2000
)

// renderAnswer renders the grounded prompt, fitting passages into the token
// budget in their given order (the retrieval order, best first).
func renderAnswer(in answer.GenerateInput, canary string, maxSentences, budget int) (Prompt, error) {
	d := answerData{
		Abstain:      AbstainMarker,
		Canary:       canary,
		LangName:     langName(in.Lang, in.Question),
		MaxSentences: maxSentences,
		Question:     cleanData(truncateRunes(in.Question, maxQuestionRune)),
		History:      cleanHistory(in.History),
	}
	var sys, usr bytes.Buffer
	if err := templates.ExecuteTemplate(&sys, "answer_system.tmpl", d); err != nil {
		return Prompt{}, fmt.Errorf("render system prompt: %w", err)
	}
	// Budget what the passages may use: the rest of the prompt first.
	if err := templates.ExecuteTemplate(&usr, "answer_user.tmpl", d); err != nil {
		return Prompt{}, fmt.Errorf("render user prompt: %w", err)
	}
	left := budget - EstimateTokens(sys.String()) - EstimateTokens(usr.String())
	var shown []int
	for _, p := range in.Passages {
		p.Title = cleanData(p.Title)
		p.Text = cleanData(p.Text)
		frame := EstimateTokens(fmt.Sprintf("<passage n=\"%d\" title=%s>\n\n</passage>\n", p.N, strconv.Quote(p.Title)))
		cost := frame + EstimateTokens(p.Text)
		if cost > left {
			// Truncate the passage to what fits, when a useful part does.
			if left-frame < 64 {
				break
			}
			p.Text = truncateTokens(p.Text, left-frame-2)
			cost = frame + EstimateTokens(p.Text)
		}
		left -= cost
		d.Passages = append(d.Passages, p)
		shown = append(shown, p.N)
	}
	usr.Reset()
	if err := templates.ExecuteTemplate(&usr, "answer_user.tmpl", d); err != nil {
		return Prompt{}, fmt.Errorf("render user prompt: %w", err)
	}
	return Prompt{System: sys.String(), User: usr.String(), Shown: shown}, nil
}

type rewriteData struct {
	Canary   string
	History  []answer.Message
	Question string
}

func renderRewrite(history []answer.Message, question, canary string) (Prompt, error) {
	d := rewriteData{Canary: canary, History: cleanHistory(history), Question: cleanData(truncateRunes(question, maxQuestionRune))}
	var sys, usr bytes.Buffer
	if err := templates.ExecuteTemplate(&sys, "rewrite_system.tmpl", d); err != nil {
		return Prompt{}, fmt.Errorf("render rewrite prompt: %w", err)
	}
	if err := templates.ExecuteTemplate(&usr, "rewrite_user.tmpl", d); err != nil {
		return Prompt{}, fmt.Errorf("render rewrite prompt: %w", err)
	}
	return Prompt{System: sys.String(), User: usr.String()}, nil
}

func cleanHistory(h []answer.Message) []answer.Message {
	if len(h) > maxHistoryTurns {
		h = h[len(h)-maxHistoryTurns:]
	}
	out := make([]answer.Message, 0, len(h))
	for _, m := range h {
		role := "customer"
		if m.Role == "assistant" || m.Role == "agent" {
			role = "support"
		}
		text := strings.Join(strings.Fields(cleanData(truncateRunes(m.Text, maxTurnRunes))), " ")
		out = append(out, answer.Message{Role: role, Text: text})
	}
	return out
}

// delimiterRE matches anything that could open or close one of the prompt's
// data delimiters, so that data cannot end its own quoting.
var delimiterRE = regexp.MustCompile(`(?i)<\s*/?\s*(passage|question|conversation|message)`)

// cleanData makes untrusted text safe to quote in a prompt: valid UTF-8, no
// control characters but newlines and tabs, no prompt delimiters.
func cleanData(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.Map(func(r rune) rune {
		if r == '\n' || r == '\t' {
			return r
		}
		if unicode.IsControl(r) || r == '\u2028' || r == '\u2029' || (r >= '\u200b' && r <= '\u200f') || r == '\ufeff' {
			return -1
		}
		return r
	}, s)
	return delimiterRE.ReplaceAllStringFunc(s, func(m string) string { return "‹" + m[1:] })
}

func truncateRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n]) + "…"
}

var langNames = map[string]string{
	"en": "English", "ru": "Russian", "zh": "Chinese", "de": "German", "fr": "French",
	"es": "Spanish", "pt": "Portuguese", "it": "Italian", "uk": "Ukrainian", "ja": "Japanese",
}

// langName names the answer language: the hint, else the question's.
func langName(lang, question string) string {
	if lang == "" {
		lang = retrieval.DetectLang(question)
	}
	if n, ok := langNames[strings.ToLower(lang)]; ok {
		return n
	}
	if lang == "" {
		return "the language of the question"
	}
	return "the language with code " + strconv.Quote(lang)
}

// NewCanary returns a random canary token for a system prompt.
func NewCanary() string {
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic("llm: crypto/rand: " + err.Error()) // never fails on supported platforms
	}
	return "CANARY-" + hex.EncodeToString(b[:])
}

// EstimateTokens estimates the number of model tokens of s offline: Han,
// kana and hangul characters count one each, other words about one per four
// bytes of Latin or two characters of other scripts, punctuation one each.
// It errs on the high side so that prompts fit.
func EstimateTokens(s string) int {
	n := 0
	word := 0 // weight of the current word, in quarter tokens
	flush := func() {
		if word > 0 {
			n += (word + 3) / 4
			word = 0
		}
	}
	for _, r := range s {
		switch {
		case unicode.Is(unicode.Han, r) || unicode.Is(unicode.Hiragana, r) || unicode.Is(unicode.Katakana, r) || unicode.Is(unicode.Hangul, r):
			flush()
			n++
		case unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r):
			if r < 128 {
				word++
			} else {
				word += 2
			}
		case unicode.IsSpace(r):
			flush()
		default:
			flush()
			n++
		}
	}
	flush()
	return n
}

// truncateTokens cuts s to about max tokens at a word boundary.
func truncateTokens(s string, max int) string {
	if max <= 0 {
		return ""
	}
	if EstimateTokens(s) <= max {
		return s
	}
	lo, hi := 0, len(s)
	for lo < hi { // largest prefix that fits
		mid := (lo + hi + 1) / 2
		for mid < len(s) && !utf8.RuneStart(s[mid]) {
			mid++
		}
		if mid > hi {
			mid = hi
		}
		if EstimateTokens(s[:mid]) <= max {
			if lo == mid {
				break
			}
			lo = mid
		} else {
			hi = mid - 1
			for hi > 0 && hi < len(s) && !utf8.RuneStart(s[hi]) {
				hi--
			}
		}
	}
	cut := s[:lo]
	if i := strings.LastIndexAny(cut, " \n\t"); i > len(cut)/2 {
		cut = cut[:i]
	}
	return cut + " …"
}
