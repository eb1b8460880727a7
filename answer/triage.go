package answer

import (
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/answerdesk/answerdesk/retrieval"
)

// Sentiments.
const (
	SentimentNeutral  = "neutral"
	SentimentNegative = "negative"
	SentimentAngry    = "angry"
)

// Triage is what the engine learns about a question before retrieving.
type Triage struct {
	Lang           string  // "en", "ru", "zh"
	Sentiment      string  // SentimentNeutral, SentimentNegative or SentimentAngry
	SentimentScore float64 // ≥ 0 negative evidence; < 0 positive
	HumanRequested bool
	Topic          string // the must-escalate topic matched, "" if none
	Intent         string // a Topic name, an intent label, or "question"
	// IntentScore is the trained model's probability for Intent, 0 when
	// a keyword rule (or none) decided.
	IntentScore float64
	// Cases are the references to the customer's own case the whole
	// message carries, quoted thread included (Config.CaseNouns).
	Cases []CaseRef
}

// triager holds the compiled triage rules; it is immutable after
// construction and safe for concurrent use.
type triager struct {
	human      humanRules
	topics     topicIndex
	intents    topicIndex
	sentiment  lexicon
	shortWords int
	cases      caseRules
}

type humanRules struct {
	phrases map[string][][]string // lang → phrases as raw word sequences
	hanPh   []string              // Chinese phrases, matched as substrings
	words   map[string]map[string]bool
	hanW    []string
	verbs   map[string]map[string]bool
	hanV    []string
}

type compiledTopic struct {
	name  string
	words [][]pattern // keyword word sequences
	han   []string    // Chinese keywords, matched as substrings
}

// pattern is one keyword word: exact, or a prefix when it ended in "*".
type pattern struct {
	word   string
	prefix bool
}

func newTriager(c Config) *triager {
	t := &triager{shortWords: c.Human.ShortWords, sentiment: newLexicon(c.Sentiment)}
	if t.shortWords <= 0 {
		t.shortWords = 2
	}
	t.human = humanRules{phrases: map[string][][]string{}, words: map[string]map[string]bool{}, verbs: map[string]map[string]bool{}}
	for lang, ps := range c.Human.Phrases {
		for _, p := range ps {
			if hasHan(p) {
				t.human.hanPh = append(t.human.hanPh, p)
				continue
			}
			if w := rawWords(p); len(w) > 0 {
				t.human.phrases[lang] = append(t.human.phrases[lang], w)
			}
		}
	}
	addSet := func(dst map[string]map[string]bool, han *[]string, src map[string][]string) {
		for lang, ws := range src {
			for _, w := range ws {
				if hasHan(w) {
					*han = append(*han, w)
					continue
				}
				if dst[lang] == nil {
					dst[lang] = map[string]bool{}
				}
				dst[lang][lower(w)] = true
			}
		}
	}
	addSet(t.human.words, &t.human.hanW, c.Human.Words)
	addSet(t.human.verbs, &t.human.hanV, c.Human.Verbs)
	t.topics = indexTopics(compileTopics(c.Topics))
	t.intents = indexTopics(compileTopics(c.Intents))
	t.cases = newCaseRules(c.CaseNouns)
	return t
}

func compileTopics(ts []Topic) []compiledTopic {
	out := make([]compiledTopic, 0, len(ts))
	for _, t := range ts {
		ct := compiledTopic{name: t.Name}
		for _, kws := range t.Keywords {
			for _, k := range kws {
				if hasHan(k) {
					ct.han = append(ct.han, lower(k))
					continue
				}
				var seq []pattern
				for _, f := range strings.Fields(lower(k)) {
					prefix := strings.HasSuffix(f, "*")
					if ws := rawWords(strings.TrimSuffix(f, "*")); len(ws) > 0 {
						for i, w := range ws {
							seq = append(seq, pattern{word: w, prefix: prefix && i == len(ws)-1})
						}
					}
				}
				if len(seq) > 0 {
					ct.words = append(ct.words, seq)
				}
			}
		}
		out = append(out, ct)
	}
	return out
}

// triage classifies a question. hint is the caller's language, used when
// it is one the engine knows.
func (t *triager) triage(question, hint string) Triage {
	return t.classify(analyzeText(question), hint)
}

// classify is triage of an analyzed question.
func (t *triager) classify(q analyzed, hint string) Triage {
	question, terms := q.text, q.terms
	low := lower(question)
	words := rawWords(question)
	tr := Triage{Lang: answerLang(question, hint)}
	tr.SentimentScore = t.sentiment.score(question, words)
	switch {
	case tr.SentimentScore >= t.sentiment.angry:
		tr.Sentiment = SentimentAngry
	case tr.SentimentScore >= t.sentiment.negative:
		tr.Sentiment = SentimentNegative
	default:
		tr.Sentiment = SentimentNeutral
	}
	tr.HumanRequested = t.humanRequested(low, words, terms)
	if i := t.topics.first(low, words); i >= 0 {
		tr.Topic = t.topics.topics[i].name
		tr.Intent = tr.Topic
	}
	if tr.Intent == "" {
		tr.Intent = "question"
		if i := t.intents.first(low, words); i >= 0 {
			tr.Intent = t.intents.topics[i].name
		}
	}
	return tr
}

// answerLang is the language to answer in: a known hint, else the
// question's language (script, then function words: de, es, fr, it, pt,
// uk, ja and ko too, so that a ticket is routed by its real language,
// never mislabelled English), else English.
func answerLang(question, hint string) string {
	if retrieval.Detectable(hint) {
		return hint
	}
	if l := retrieval.DetectLanguage(question); l != "" {
		return l
	}
	return "en"
}

func (ct compiledTopic) match(low string, words []string) bool {
	for _, h := range ct.han {
		if strings.Contains(low, h) {
			return true
		}
	}
	for _, seq := range ct.words {
	next:
		for i := 0; i+len(seq) <= len(words); i++ {
			for j, p := range seq {
				w := words[i+j]
				if w != p.word && !(p.prefix && strings.HasPrefix(w, p.word)) {
					continue next
				}
			}
			return true
		}
	}
	return false
}

// topicIndex is compiled topics with their keyword sequences indexed by
// the first word (a whole word, or the first byte of a prefix), so that
// first looks each of a question's words up once instead of trying every
// sequence at every word (the account-deletion topic alone has 108).
type topicIndex struct {
	topics []compiledTopic
	exact  map[string][]topicSeq
	prefix [256][]topicSeq
}

// topicSeq is a keyword sequence of topics[topic].
type topicSeq struct {
	topic int
	seq   []pattern
}

func indexTopics(ts []compiledTopic) topicIndex {
	ix := topicIndex{topics: ts, exact: map[string][]topicSeq{}}
	for i, t := range ts {
		for _, seq := range t.words {
			c := topicSeq{topic: i, seq: seq}
			if seq[0].prefix {
				if seq[0].word == "" {
					panic(fmt.Sprintf("topic %s: an empty prefix", t.name))
				}
				ix.prefix[seq[0].word[0]] = append(ix.prefix[seq[0].word[0]], c)
			} else {
				ix.exact[seq[0].word] = append(ix.exact[seq[0].word], c)
			}
		}
	}
	return ix
}

// first is the index of the first of the topics whose keywords the
// question (low, and its raw words) holds, -1 when none does: the first
// whose match is true.
func (ix topicIndex) first(low string, words []string) int {
	best := len(ix.topics)
	if !isASCII(low) { // a Chinese keyword is never ASCII
		for i := 0; i < best; i++ {
			if slices.ContainsFunc(ix.topics[i].han, func(h string) bool { return strings.Contains(low, h) }) {
				best = i
			}
		}
	}
	for i, w := range words {
		if w == "" {
			continue
		}
		for _, c := range ix.exact[w] {
			if c.topic < best && seqAt(words, i, c.seq) {
				best = c.topic
			}
		}
		for _, c := range ix.prefix[w[0]] {
			if c.topic < best && seqAt(words, i, c.seq) {
				best = c.topic
			}
		}
	}
	if best == len(ix.topics) {
		return -1
	}
	return best
}

// seqAt reports whether the keyword sequence seq matches words from i on.
func seqAt(words []string, i int, seq []pattern) bool {
	if i+len(seq) > len(words) {
		return false
	}
	for j, p := range seq {
		w := words[i+j]
		if w != p.word && !(p.prefix && strings.HasPrefix(w, p.word)) {
			return false
		}
	}
	return true
}

// isASCII reports whether s is ASCII only.
func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// containsSeq reports whether seq occurs consecutively in s.
func containsSeq(s, seq []string) bool {
	if len(seq) == 0 || len(seq) > len(s) {
		return false
	}
outer:
	for i := 0; i+len(seq) <= len(s); i++ {
		for j := range seq {
			if s[i+j] != seq[j] {
				continue outer
			}
		}
		return true
	}
	return false
}

// humanRequested reports an explicit request for a person.
func (t *triager) humanRequested(low string, words, terms []string) bool {
	h := &t.human
	for _, ps := range h.phrases {
		for _, p := range ps {
			if containsSeq(words, p) {
				return true
			}
		}
	}
	// "人工智能" (artificial intelligence) is not a request for 人工.
	lowHan := strings.ReplaceAll(low, "人工智能", "")
	for _, p := range h.hanPh {
		if strings.Contains(lowHan, p) {
			return true
		}
	}
	short := len(terms) <= t.shortWords
	if hanCount(low) > 0 {
		short = hanCount(lowHan) <= 3*t.shortWords && len(words) <= t.shortWords
	}
	for i, w := range words {
		for lang, ws := range h.words {
			if !ws[w] {
				continue
			}
			if short {
				return true
			}
			vs := h.verbs[lang]
			// A verb up to three words before the word ("talk to an agent");
			// Russian word order is free, so after it too.
			for j := max(0, i-3); j < i; j++ {
				if vs[words[j]] {
					return true
				}
			}
			if lang == "ru" {
				for j := i + 1; j < len(words) && j <= i+3; j++ {
					if vs[words[j]] {
						return true
					}
				}
			}
		}
	}
	for _, w := range h.hanW {
		at := strings.Index(lowHan, w)
		if at < 0 {
			continue
		}
		if short {
			return true
		}
		before := lastRunes(lowHan[:at], 3)
		for _, v := range h.hanV {
			if strings.Contains(before, v) {
				return true
			}
		}
	}
	return false
}

// lastRunes returns the last n runes of s.
func lastRunes(s string, n int) string {
	i := len(s)
	for ; n > 0 && i > 0; n-- {
		_, w := utf8.DecodeLastRuneInString(s[:i])
		i -= w
	}
	return s[i:]
}

// lower lowercases and folds ё to е.
func lower(s string) string {
	return strings.ReplaceAll(strings.ToLower(s), "ё", "е")
}

// rawWords splits text into lowercase words of letters and digits (Han
// characters excluded), keeping inner apostrophes ("don't"). A word that
// is already as written (lower case, no "ё", no "’") is a substring of
// text, not a copy.
func rawWords(text string) []string {
	var out []string
	start, same := -1, true // the word's first byte in text; whether text[start:] is the word so far
	var b []byte            // the word so far when it is not
	flush := func(end int) {
		if start < 0 {
			return
		}
		w := text[start:end]
		if !same {
			w = string(b)
		}
		if out == nil {
			out = make([]string, 0, 16)
		}
		out = append(out, strings.Trim(w, "'’"))
		start, same = -1, true
	}
	for i, r := range text {
		switch {
		case isHanRune(r):
			flush(i)
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			lr := unicode.ToLower(r)
			if lr == 'ё' {
				lr = 'е'
			}
			if start < 0 {
				start = i
			}
			if same && lr != r {
				same, b = false, append(b[:0], text[start:i]...)
			}
			if !same {
				b = utf8.AppendRune(b, lr)
			}
		case (r == '\'' || r == '’') && start >= 0:
			if same && r != '\'' {
				same, b = false, append(b[:0], text[start:i]...)
			}
			if !same {
				b = append(b, '\'')
			}
		default:
			flush(i)
		}
	}
	flush(len(text))
	return out
}

func isHanRune(r rune) bool {
	return r >= 0x2E80 && (unicode.Is(unicode.Han, r) || unicode.Is(unicode.Hiragana, r) || unicode.Is(unicode.Katakana, r))
}

func hasHan(s string) bool { return hanCount(s) > 0 }

func hanCount(s string) int {
	n := 0
	for _, r := range s {
		if isHanRune(r) {
			n++
		}
	}
	return n
}
