package retrieval

import (
	"hash/fnv"
	"math"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/kljensen/snowball/english"
	"github.com/kljensen/snowball/russian"
	"golang.org/x/text/unicode/norm"
)

// Analyzer turns text into index terms. One analyzer serves every language
// and every backend, so that the embedded index and Qdrant's sparse vectors
// rank alike:
//
//   - NFKC normalization and lowercasing (ё folded to е);
//   - words are runs of letters, digits and marks; Latin words are stemmed with
//     the English Snowball stemmer, Cyrillic words with the Russian one;
//   - runs of Han characters become character unigrams and bigrams, so that
//     Chinese needs no dictionary;
//   - English, Russian and Chinese stopwords are dropped.
//
// The language of each word is taken from its script, so mixed-language text
// (a Russian question naming an English product) analyzes correctly without
// knowing the document's language. An Analyzer is safe for concurrent use.
type Analyzer struct {
	// stems caches Snowball, the analyzer's hot spot: word → stem, in
	// shards by a hash of the word, so that a lookup takes a word's bytes
	// without making a string of them and concurrent analyses rarely meet
	// on one lock.
	stems [stemShards]stemShard
}

type stemShard struct {
	mu sync.RWMutex
	m  map[string]string
}

const stemShards = 32

// maxStemCache bounds the stem cache; past it, stems are computed every time.
const maxStemCache = 1 << 20

// DefaultAnalyzer is the analyzer every component uses.
var DefaultAnalyzer = &Analyzer{}

// Terms returns the index terms of text in order, with repetitions.
func (a *Analyzer) Terms(text string) []string {
	terms := make([]string, 0, len(text)/6+1)
	a.each(text, func(t string) { terms = append(terms, t) })
	return terms
}

// QuestionTerms returns the terms of text as Terms does but keeping
// stopwords and single letters: "what is X" and "where is X" must differ
// when a question is matched against another question (an FAQ entry's),
// while the index drops such words.
func (a *Analyzer) QuestionTerms(text string) []string {
	terms := make([]string, 0, len(text)/5+1)
	a.walk(text, true, func(t string) { terms = append(terms, t) })
	return terms
}

// WordTerms appends to terms the terms of one word w as
// QuestionTerms(string(w)) returns them, and reports whether Terms drops
// them all (a stop word, a single letter). w is a word as the analyzer
// splits text: letters, digits and non-spacing marks after the first,
// no Han, Hiragana or Katakana character. It lowercases w in place; buf
// is scratch space reused between calls, so that a word whose stem is
// cached costs no allocation: a caller that splits text into words of
// its own analyzes them without a string and two analyses per word.
func (a *Analyzer) WordTerms(w []rune, buf *[]byte, terms []string) ([]string, bool) {
	b := (*buf)[:0]
	for _, r := range w {
		b = utf8.AppendRune(b, r)
	}
	*buf = b
	if !norm.NFKC.IsNormal(b) {
		// Normalization changes the word (and may split it): analyze it
		// as a text.
		s := string(b)
		return append(terms, a.QuestionTerms(s)...), len(a.Terms(s)) == 0
	}
	// A normalized word is one word of walk: the analysis of its runes.
	stop := true
	a.word(w, false, buf, func(string) { stop = false })
	a.word(w, true, buf, func(t string) { terms = append(terms, t) })
	return terms, stop
}

// TermFreqs returns the distinct terms of text with their counts, and the
// total number of terms (the BM25 document length).
func (a *Analyzer) TermFreqs(text string) (map[string]int, int) {
	tf := make(map[string]int, len(text)/10+1)
	n := 0
	a.each(text, func(t string) { tf[t]++; n++ })
	return tf, n
}

// each calls emit for every term of text.
func (a *Analyzer) each(text string, emit func(string)) { a.walk(text, false, emit) }

// walk calls emit for every term of text, stopwords included when keep.
func (a *Analyzer) walk(text string, keep bool, emit func(string)) {
	if !utf8.ValidString(text) {
		text = strings.ToValidUTF8(text, " ")
	}
	if !isASCII(text) {
		text = norm.NFKC.String(text)
	}
	var word []rune
	var han []rune
	var buf []byte // the word's UTF-8, reused
	flushWord := func() {
		if len(word) == 0 {
			return
		}
		a.word(word, keep, &buf, emit)
		word = word[:0]
	}
	flushHan := func() {
		if len(han) == 0 {
			return
		}
		for i, r := range han {
			if keep || !zhStop[r] {
				emit(string(r))
			}
			if i+1 < len(han) {
				emit(string(han[i : i+2]))
			}
		}
		han = han[:0]
	}
	for _, r := range text {
		switch {
		case isHan(r):
			flushWord()
			han = append(han, r)
		case unicode.IsLetter(r) || unicode.IsDigit(r) || (unicode.Is(unicode.Mn, r) && len(word) > 0):
			flushHan()
			word = append(word, r)
		default:
			flushWord()
			flushHan()
		}
	}
	flushWord()
	flushHan()
}

// word lowercases, filters (unless keep) and stems one word; buf is
// scratch space for its UTF-8, so that a word whose stem is cached costs no
// allocation.
func (a *Analyzer) word(w []rune, keep bool, buf *[]byte, emit func(string)) {
	cyr, latin := 0, 0
	for i, r := range w {
		r = unicode.ToLower(r)
		if r == 'ё' {
			r = 'е'
		}
		w[i] = r
		switch {
		case r < 128:
			latin++
		case unicode.Is(unicode.Cyrillic, r):
			cyr++
		case unicode.Is(unicode.Latin, r):
			latin++
		}
	}
	if n := unitSplit(w); n > 0 {
		// "5GHz" reads as "5 GHz", "128gb" as "128 gb": the number and the
		// unit are indexed apart however they were written.
		emit(string(w[:n]))
		a.word(w[n:], keep, buf, emit)
		return
	}
	b := (*buf)[:0]
	for _, r := range w {
		b = utf8.AppendRune(b, r)
	}
	*buf = b
	if len(b) > 64 { // hashes, base64, garbage: index a bounded prefix
		s := string(b[:64])
		for !utf8.ValidString(s) {
			s = s[:len(s)-1]
		}
		emit(s)
		return
	}
	switch {
	case cyr > 0 && cyr >= latin:
		if ruStop[string(b)] && !keep {
			return
		}
		emit(a.stem(b, true))
	case latin > 0:
		if !keep && (enStop[string(b)] || len(w) == 1 && !unicode.IsDigit(w[0])) {
			return
		}
		emit(a.stem(b, false))
	default:
		emit(string(b))
	}
}

// unitSplit returns the number of leading digits of a lowercased word made
// of one to six ASCII digits followed by two or more ASCII letters ("5ghz",
// "128gb", "25mm"), or 0 for any other word. Ordinals ("1st", "22nd") stay
// whole.
func unitSplit(w []rune) int {
	n := 0
	for n < len(w) && w[n] >= '0' && w[n] <= '9' {
		n++
	}
	if n == 0 || n > 6 || len(w)-n < 2 {
		return 0
	}
	for _, r := range w[n:] {
		if r < 'a' || r > 'z' {
			return 0
		}
	}
	switch string(w[n:]) {
	case "st", "nd", "rd", "th":
		return 0
	}
	return n
}

// stem returns the stem of the lowercased word b, from the cache when it
// is there.
func (a *Analyzer) stem(b []byte, ru bool) string {
	h := uint32(2166136261) // FNV-1a
	for _, c := range b {
		h = (h ^ uint32(c)) * 16777619
	}
	sh := &a.stems[h%stemShards]
	sh.mu.RLock()
	st, ok := sh.m[string(b)]
	sh.mu.RUnlock()
	if ok {
		return st
	}
	s := string(b)
	if ru {
		st = russian.Stem(s, true)
	} else {
		allDigits := true
		for i := 0; i < len(s); i++ {
			if s[i] < '0' || s[i] > '9' {
				allDigits = false
				break
			}
		}
		if allDigits {
			return s
		}
		st = english.Stem(s, true)
	}
	if st == "" {
		st = s
	}
	sh.mu.Lock()
	if len(sh.m) < maxStemCache/stemShards {
		if sh.m == nil {
			sh.m = make(map[string]string)
		}
		sh.m[s] = st
	}
	sh.mu.Unlock()
	return st
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

func isHan(r rune) bool {
	return r >= 0x2E80 && (unicode.Is(unicode.Han, r) || unicode.Is(unicode.Hiragana, r) || unicode.Is(unicode.Katakana, r))
}

// DetectLang returns "zh", "ru" or "en" from the dominant script of text's
// letters, or "" when text has no letters. Text in other Latin-script
// languages is reported as "en": the analyzer treats it alike.
func DetectLang(text string) string {
	han, cyr, latin := 0, 0, 0
	n := 0
	for _, r := range text {
		if n > 4000 {
			break
		}
		switch {
		case isHan(r):
			han += 2 // a Han character carries about a word's worth
		case unicode.Is(unicode.Cyrillic, r):
			cyr++
		case unicode.Is(unicode.Latin, r):
			latin++
		default:
			continue
		}
		n++
	}
	switch {
	case han == 0 && cyr == 0 && latin == 0:
		return ""
	case han >= cyr && han >= latin:
		return "zh"
	case cyr >= latin:
		return "ru"
	default:
		return "en"
	}
}

// TermID maps a term to the uint32 index of sparse vectors (FNV-1a).
func TermID(term string) uint32 {
	h := fnv.New32a()
	h.Write([]byte(term))
	return h.Sum32()
}

// BM25 parameters shared by every backend.
const (
	BM25K1 = 1.2
	BM25B  = 0.75
)

// BM25TF is the document side of BM25: the saturated, length-normalized term
// frequency. A sparse vector's value for a term is BM25TF; multiplied by
// IDF it gives the term's BM25 contribution.
func BM25TF(tf, docLen, avgLen float64) float64 {
	if avgLen <= 0 {
		avgLen = docLen
	}
	if avgLen <= 0 {
		avgLen = 1
	}
	return tf * (BM25K1 + 1) / (tf + BM25K1*(1-BM25B+BM25B*docLen/avgLen))
}

// IDF is BM25's inverse document frequency for a term found in df of n
// chunks; it is the formula Qdrant's IDF modifier uses.
func IDF(df, n int) float64 {
	return math.Log(1 + (float64(n)-float64(df)+0.5)/(float64(df)+0.5))
}

// SparseVector is a term-id → weight vector.
type SparseVector struct {
	Indices []uint32
	Values  []float32
}

// DocSparse is the sparse vector of a chunk's indexed text for a collection
// whose average chunk length is avgLen: BM25TF per term.
func (a *Analyzer) DocSparse(text string, avgLen float64) SparseVector {
	tf, n := a.TermFreqs(text)
	v := SparseVector{Indices: make([]uint32, 0, len(tf)), Values: make([]float32, 0, len(tf))}
	for t, c := range tf {
		v.Indices = append(v.Indices, TermID(t))
		v.Values = append(v.Values, float32(BM25TF(float64(c), float64(n), avgLen)))
	}
	return v
}

// QuerySparse is the sparse vector of a query: each distinct term once, with
// weight 1; IDF is applied by the index.
func (a *Analyzer) QuerySparse(text string) SparseVector {
	tf, _ := a.TermFreqs(text)
	v := SparseVector{}
	for t := range tf {
		v.Indices = append(v.Indices, TermID(t))
		v.Values = append(v.Values, 1)
	}
	return v
}

// IndexText is the text a chunk is indexed under: title, heading path and
// body, so that a question naming a page's title finds its passages.
func IndexText(c Chunk) string {
	var b strings.Builder
	b.Grow(len(c.Title) + len(c.Heading) + len(c.Text) + 2)
	b.WriteString(c.Title)
	b.WriteByte('\n')
	if c.Heading != "" && c.Heading != c.Title {
		b.WriteString(c.Heading)
		b.WriteByte('\n')
	}
	b.WriteString(c.Text)
	return b.String()
}
