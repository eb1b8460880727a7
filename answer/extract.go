package answer

import (
	"hash/maphash"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/answerdesk/answerdesk/ingest/redact"
	"github.com/answerdesk/answerdesk/retrieval"
)

// query is the analyzed question the answer is built for.
type query struct {
	terms map[string]bool // distinct query terms found in the index
	all   int             // distinct analyzed query terms, found or not
	// asked is the question's terms with question words kept
	// (Analyzer.QuestionTerms), to match it against an FAQ's question.
	asked map[string]bool
}

// newQuery is the query of an analyzed question.
func newQuery(question analyzed, res retrieval.Result) query {
	all := map[string]bool{}
	for _, t := range question.terms {
		all[t] = true
	}
	q := query{terms: make(map[string]bool, len(res.Terms)), all: len(all), asked: termSet(question.asked)}
	for _, t := range res.Terms {
		if all[t] {
			q.terms[t] = true
		}
	}
	if len(res.Terms) > 0 && len(q.terms) == 0 {
		// A store that reports terms of its own analysis: trust it.
		for _, t := range res.Terms {
			q.terms[t] = true
		}
	}
	return q
}

// coverage is the share of the query's indexed terms that text contains.
func (q query) coverage(text string) float64 {
	if len(q.terms) == 0 {
		return 0
	}
	seen := 0
	found := make(map[string]bool, len(q.terms))
	for _, t := range retrieval.DefaultAnalyzer.Terms(text) {
		if q.terms[t] && !found[t] {
			found[t] = true
			seen++
		}
	}
	return float64(seen) / float64(len(q.terms))
}

// passage is a retrieved chunk analyzed once per request: the extractive
// composer and the confidence features read the same terms.
type passage struct {
	sents     []string
	sentTerms [][]string
	ctxTerms  []string        // title and heading
	terms     map[string]bool // every term of title, heading and text

	// questionLines are the question terms (question words kept) of the
	// title and of each sentence, for questionSim; computed on first use,
	// once per cached passage (it may be shared by concurrent requests).
	questionOnce  sync.Once
	questionLines []map[string]bool

	// allWords are the question terms of the title, heading and
	// sentences, and siblingPairs the passage's word pairs, for
	// FeatureSiblingMiss; computed on first use like questionLines.
	wordsOnce    sync.Once
	allWords     map[string]bool
	siblingOnce  sync.Once
	siblingPairs *siblingPairs

	// typesKnown are the answer types whose evidence in the passage
	// (typesHeld of its title, heading and quotable text) was looked
	// for, typesFound those found: FeatureAnswerTypeMiss looks once
	// per cached passage and type.
	typesMu    sync.Mutex
	typesKnown answerType
	typesFound answerType

	// sentVecs are the document-model embeddings of the first
	// maxEmbeddedSentences sentences, for a cross-language quote
	// (Engine.sentenceCosines); embedded on first use, once per cached
	// passage while an attempt fails.
	vecMu    sync.Mutex
	sentVecs [][]float32

	// size approximates the bytes p holds (passageCache's budget).
	size int
}

// questionTerms returns p's questionLines; title is the passage's title
// (part of the cache key, so the same for every caller).
func (p *passage) questionTerms(title string) []map[string]bool {
	p.questionOnce.Do(func() {
		p.questionLines = make([]map[string]bool, 0, 1+len(p.sents))
		p.questionLines = append(p.questionLines, termSet(retrieval.DefaultAnalyzer.QuestionTerms(title)))
		for _, s := range p.sents {
			p.questionLines = append(p.questionLines, termSet(retrieval.DefaultAnalyzer.QuestionTerms(s)))
		}
	})
	return p.questionLines
}

// siblings returns p's siblingPairs; h is the passage's hit (its title and
// heading are part of the cache key, so the same for every caller).
func (p *passage) siblings(h retrieval.Hit) *siblingPairs {
	p.siblingOnce.Do(func() {
		p.siblingPairs = newSiblingPairs(h.Title, h.Heading, strings.Join(p.sents, "\n"))
	})
	return p.siblingPairs
}

// words returns p's allWords: its questionLines and the heading's terms
// (h is the passage's hit, as for siblings).
func (p *passage) words(h retrieval.Hit) map[string]bool {
	p.wordsOnce.Do(func() {
		words := termSet(retrieval.DefaultAnalyzer.QuestionTerms(h.Heading))
		for _, line := range p.questionTerms(h.Title) {
			for t := range line {
				words[t] = true
			}
		}
		p.allWords = words
	})
	return p.allWords
}

// typesHeld is typesHeld of the passage's title, heading and quotable
// sentences (h is the passage's hit, as for siblings), from what p
// already found.
func (p *passage) typesHeld(h retrieval.Hit, look answerType) answerType {
	p.typesMu.Lock()
	defer p.typesMu.Unlock()
	if missing := look &^ p.typesKnown; missing != 0 {
		p.typesFound |= typesHeld(h.Title+"\n"+h.Heading+"\n"+strings.Join(p.sents, " "), missing)
		p.typesKnown |= missing
	}
	return p.typesFound & look
}

// passages caches analyzed hits by chunk id for one request, in front of
// the engine's shared cache.
type passages struct {
	m      map[string]*passage
	shared *passageCache
}

func newPassages(shared *passageCache) passages {
	return passages{m: map[string]*passage{}, shared: shared}
}

func (ps passages) get(h retrieval.Hit) *passage {
	if p, ok := ps.m[h.ID]; ok {
		return p
	}
	key := keyOf(h)
	p := ps.shared.get(key)
	if p == nil {
		p = analyze(h)
		ps.shared.put(key, p)
	}
	ps.m[h.ID] = p
	return p
}

// passageCache shares analyzed passages between requests: support traffic
// asks about the same passages again and again, and analysis is most of
// the engine's own cost. It is bounded by the approximate bytes of the
// passages it holds rather than by their number, so that it holds the
// passages a large store's traffic retrieves (tens of thousands of short
// man-page passages, or fewer long ones) in the same memory. Entries are
// immutable; when full it starts over.
type passageCache struct {
	mu       sync.RWMutex
	m        map[passageKey]*passage
	bytes    int
	maxBytes int
}

func newPassageCache(maxBytes int) *passageCache {
	return &passageCache{m: make(map[passageKey]*passage), maxBytes: maxBytes}
}

func (c *passageCache) get(key passageKey) *passage {
	if c == nil {
		return nil
	}
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.m[key]
}

func (c *passageCache) put(key passageKey, p *passage) {
	size := key.size() + p.size
	if c == nil || size > c.maxBytes {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.bytes+size > c.maxBytes {
		clear(c.m)
		c.bytes = 0
	}
	if old, ok := c.m[key]; ok {
		c.bytes -= key.size() + old.size
	}
	c.m[key] = p
	c.bytes += size
}

// passageKey identifies a passage's content: chunk ids are stable across
// re-ingestion while the text may change, so the text is part of the key,
// as a 64-bit hash (hash/maphash, seeded once per process: two texts of
// one chunk id collide with a probability of 2^-64). A struct, not a
// string of the two, so that looking a passage up allocates nothing.
type passageKey struct {
	id  string
	sum uint64 // of the title, heading and text, NUL-separated
}

// size is the bytes the key counts for in the cache's budget: those of
// the string it used to be (the id, a NUL and a 16-byte hash).
func (k passageKey) size() int { return len(k.id) + 17 }

// passageSeed seeds the passages' hashes.
var passageSeed = maphash.MakeSeed()

func keyOf(h retrieval.Hit) passageKey {
	var m maphash.Hash
	m.SetSeed(passageSeed)
	m.WriteString(h.Title)
	m.WriteByte(0)
	m.WriteString(h.Heading)
	m.WriteByte(0)
	m.WriteString(h.Text)
	return passageKey{id: h.ID, sum: m.Sum64()}
}

// ticketResolution starts the resolution of a ticket document
// (ingest/ticket writes "subject\nProblem: …\nResolution: …").
const ticketResolution = "Resolution: "

// ticketPenalty lowers a ticket's sentences below a doc's or FAQ's of the
// same coverage one rank further down: on equal evidence the product's own
// documentation is quoted, not what an agent once wrote.
const ticketPenalty = 0.06

// quotable splits a hit into the text an answer may quote and context
// that only says what the text is about. A ticket answers with its
// resolution alone: its problem is another customer's words; a ticket
// without a resolution has nothing to quote.
func quotable(h retrieval.Hit) (text, context string) {
	if h.Kind != retrieval.KindTicket {
		return h.Text, ""
	}
	if strings.HasPrefix(h.Text, ticketResolution) {
		return h.Text[len(ticketResolution):], ""
	}
	if i := strings.Index(h.Text, "\n"+ticketResolution); i >= 0 {
		return h.Text[i+1+len(ticketResolution):], h.Text[:i]
	}
	return "", h.Text
}

// analyze splits a hit into sentences and analyzes them. Only quotable
// sentences are kept, and none holding a redaction placeholder (an answer
// never shows "[EMAIL]"); the terms of all of them describe the passage.
func analyze(h retrieval.Hit) *passage {
	text, about := quotable(h)
	p := &passage{terms: map[string]bool{}}
	ctx := h.Title
	if h.Heading != "" && h.Heading != h.Title {
		ctx += "\n" + h.Heading
	}
	if about != "" {
		ctx += "\n" + about
	}
	p.ctxTerms = retrieval.DefaultAnalyzer.Terms(ctx)
	for _, t := range p.ctxTerms {
		p.terms[t] = true
	}
	for _, s := range splitSentences(text) {
		terms := retrieval.DefaultAnalyzer.Terms(s)
		for _, t := range terms {
			p.terms[t] = true
		}
		if redact.Masked(s) {
			continue
		}
		p.sents = append(p.sents, s)
		p.sentTerms = append(p.sentTerms, terms)
	}
	p.size = p.footprint()
	return p
}

// Approximate costs, in bytes, of what an analyzed passage holds beyond
// its strings' bytes.
const (
	passageOverhead = 256 // the struct, its slices' headers, the map's header
	stringHeader    = 16
	termSetEntry    = 48 // a map[string]bool entry with its share of a bucket
)

// footprint approximates the bytes p holds: its sentences and their
// terms, its context terms and its term set, and as much again for the
// question terms computed on first use (questionTerms).
func (p *passage) footprint() int {
	n := passageOverhead
	for i, s := range p.sents {
		n += stringHeader + len(s) + 24 // the sentence and its terms' slice header
		for _, t := range p.sentTerms[i] {
			n += stringHeader + len(t)
		}
	}
	for _, t := range p.ctxTerms {
		n += stringHeader + len(t)
	}
	n += len(p.terms) * termSetEntry
	return 2 * n
}

// quotableText is the part of h an answer or a Generator may use: its
// quotable sentences.
func (ps passages) quotableText(h retrieval.Hit) string {
	return strings.Join(ps.get(h).sents, " ")
}

// coverageOf is the share of the query's indexed terms in a term set.
func (q query) coverageOf(terms map[string]bool) float64 {
	if len(q.terms) == 0 {
		return 0
	}
	n := 0
	for t := range q.terms {
		if terms[t] {
			n++
		}
	}
	return float64(n) / float64(len(q.terms))
}

// coverageTerms is coverage over analyzed terms.
func (q query) coverageTerms(terms []string) float64 {
	if len(q.terms) == 0 {
		return 0
	}
	seen := make(map[string]bool, len(q.terms))
	for _, t := range terms {
		if q.terms[t] {
			seen[t] = true
		}
	}
	return float64(len(seen)) / float64(len(q.terms))
}

// composed is an answer drafted from passages.
type composed struct {
	sentences []string // each with its [n] marker
	raw       bool     // sentences are exact pieces of a generated text
	cited     []retrieval.Hit
	citations []Citation
	faq       bool
	// bestCoverage is the query coverage of the best answer sentence (the
	// whole entry for an FAQ answer).
	bestCoverage float64
	// body is the answer text without markers, for agreement checks, and
	// bodyTerms its analyzed terms when known (nil: analyze body).
	body      string
	bodyTerms map[string]bool
}

// deltas are the pieces a stream sends; they concatenate to text.
func (c composed) deltas(lang string) []string {
	if c.raw {
		return c.sentences
	}
	out := make([]string, len(c.sentences))
	for i, s := range c.sentences {
		if i > 0 {
			s = sentenceSep(lang, s) + s
		}
		out[i] = s
	}
	return out
}

// pieces cuts text after each sentence end and the whitespace after it,
// keeping every byte, so that the pieces concatenate to text.
func pieces(text string) []string {
	var out []string
	start := 0
	for i := 0; i < len(text); {
		r, w := utf8.DecodeRuneInString(text[i:])
		i += w
		if !strings.ContainsRune(".!?。！？\n", r) {
			continue
		}
		ws := i
		for i < len(text) && (text[i] == ' ' || text[i] == '\n' || text[i] == '\t') {
			i++
		}
		if i == ws && i < len(text) && r < 0x80 && r != '\n' {
			continue // "2.4", "e.g.x": not a sentence end
		}
		// Keep "[1]" markers with the sentence they follow.
		if i < len(text) && text[i] == '[' {
			continue
		}
		out = append(out, text[start:i])
		start = i
	}
	if start < len(text) {
		out = append(out, text[start:])
	}
	return out
}

// sentenceSep is what goes before sentence s (not the first) of an answer:
// a line break before a list item, nothing between Chinese sentences, a
// space otherwise.
func sentenceSep(lang, s string) string {
	switch {
	case retrieval.IsListItem(s):
		return "\n"
	case lang == "zh" || lang == "ja":
		return ""
	}
	return " "
}

// preferLang orders hits so that passages in lang come first when the KB
// has a comparably good one: a hit in lang scoring at least half the top
// score. Hits of unknown language count as matching.
func preferLang(hits []retrieval.Hit, lang string) []retrieval.Hit {
	if len(hits) == 0 || hits[0].Lang == "" || hits[0].Lang == lang {
		return hits
	}
	top := hits[0].Score
	found := false
	for _, h := range hits[1:] {
		if (h.Lang == lang || h.Lang == "") && h.Score >= top/2 {
			found = true
			break
		}
	}
	if !found {
		return hits
	}
	out := make([]retrieval.Hit, 0, len(hits))
	for _, h := range hits {
		if h.Lang == lang || h.Lang == "" {
			out = append(out, h)
		}
	}
	for _, h := range hits {
		if h.Lang != lang && h.Lang != "" {
			out = append(out, h)
		}
	}
	return out
}

// faqAnswer returns the answer part of an FAQ chunk ("question\nanswer").
func faqAnswer(h retrieval.Hit) string {
	text := strings.TrimSpace(h.Text)
	if h.Title != "" && strings.HasPrefix(text, h.Title) {
		if rest := strings.TrimSpace(text[len(h.Title):]); rest != "" {
			return rest
		}
	}
	if i := strings.IndexByte(text, '\n'); i > 0 {
		if rest := strings.TrimSpace(text[i+1:]); rest != "" {
			return rest
		}
	}
	return text
}

// maxQuote bounds a citation's quoted span.
const maxQuote = 600

// maxAnswerBytes bounds the extractive answer; maxListItems bounds the list
// items it follows after the best sentence.
const (
	maxAnswerBytes = 1500
	maxListItems   = 8
)

// composeWindow is how many of the first hits the composer reads.
const composeWindow = 5

// extract composes an extractive answer from hits (already in preference
// order): the FAQ entry's answer when the first hit is an FAQ; the first
// passage's sentences when its title is the question asked (asksAsTitle);
// else the best-supported sentences of the first passages. It returns
// ok=false when no sentence shares a term with the question.
func extract(hits []retrieval.Hit, q query, maxSentences int, ps passages) (composed, bool) {
	if len(hits) == 0 || len(q.terms) == 0 {
		return composed{}, false
	}
	if top := hits[0]; top.Kind == retrieval.KindFAQ {
		cov := q.coverageOf(ps.get(top).terms)
		if cov == 0 {
			return composed{}, false
		}
		ans := faqAnswer(top)
		c := composed{faq: true, bestCoverage: cov, body: ans, bodyTerms: ps.get(top).terms, cited: []retrieval.Hit{top}}
		c.sentences = []string{stripMarkers(ans) + " [1]"}
		c.citations = []Citation{citation(1, top, ans)}
		return c, true
	}
	if asksAsTitle(hits, q) {
		// The entry answers the question its title asks: its text is the
		// answer even where it repeats none of the question's words, and a
		// lower-ranked passage that repeats more of them is not.
		if c, ok := composeSentences(hits[:1], q, maxSentences, ps); ok {
			c.bestCoverage = q.coverageOf(ps.get(hits[0]).terms) // the whole entry, as for an FAQ
			return c, true
		}
	}
	return composeSentences(hits, q, maxSentences, ps)
}

// asksAsTitle reports whether the first hit is a question–answer entry
// whose question (its title) is the one asked: the best-ranked passage, a
// document (an FAQ entry kept as a document, as in a corpus of Q&A pairs),
// whose title holds every indexed term of the question, and whose title
// matches the question, question words kept, strictly better than the
// title of any other passage the composer reads. Retrieval rank and
// question-to-question similarity then agree on the entry.
func asksAsTitle(hits []retrieval.Hit, q query) bool {
	top := hits[0]
	if top.Kind != retrieval.KindDoc || top.Title == "" || len(q.asked) == 0 {
		return false
	}
	if q.coverageTerms(retrieval.DefaultAnalyzer.Terms(top.Title)) < 1 {
		return false
	}
	sim := func(title string) float64 {
		return dice(q.asked, termSet(retrieval.DefaultAnalyzer.QuestionTerms(title)))
	}
	best := sim(top.Title)
	for i, h := range hits[1:] {
		if i+1 == composeWindow {
			break
		}
		if h.Title != top.Title && sim(h.Title) >= best {
			return false
		}
	}
	return true
}

// composeSentences drafts an answer from the best-supported sentences of
// the first passages of hits.
func composeSentences(hits []retrieval.Hit, q query, maxSentences int, ps passages) (composed, bool) {
	type cand struct {
		text    string
		passage int // index in hits
		pos     int
		score   float64
		cov     float64
		terms   []string // the question's terms the sentence holds, each once
	}
	cands := make([]cand, 0, 16)
	// terms backs the candidates' terms, appended to only: a candidate's
	// are a capped slice of it.
	terms := make([]string, 0, 32)
	sents := make([][]string, 0, composeWindow)
	for pi, h := range hits {
		// Three passages usually hold the answer; look further only when
		// they share no words with the question.
		if pi == composeWindow || pi >= 3 && len(cands) > 0 {
			break
		}
		p := ps.get(h)
		ctx := q.coverageTerms(p.ctxTerms)
		sents = append(sents, p.sents)
		for si, s := range sents[pi] {
			if len(p.sentTerms[si]) < 2 {
				continue
			}
			start := len(terms)
			for _, t := range p.sentTerms[si] {
				if q.terms[t] && !slices.Contains(terms[start:], t) {
					terms = append(terms, t)
				}
			}
			own := terms[start:len(terms):len(terms)]
			// A sentence supports the answer with its own words, or as the
			// opening of a passage whose heading matches the question.
			if len(own) == 0 && (si > 0 || ctx == 0) {
				continue
			}
			cov := float64(len(own)) / float64(len(q.terms))
			score := cov + 0.25*ctx - 0.05*float64(pi)
			if h.Kind == retrieval.KindTicket {
				// A ticket's context is its problem: it lets the
				// resolution answer, but is no evidence of its own.
				score = cov - 0.05*float64(pi) - ticketPenalty
			}
			cands = append(cands, cand{text: s, passage: pi, pos: si, cov: cov, terms: own, score: score})
		}
	}
	if len(cands) == 0 {
		return composed{}, false
	}
	slices.SortStableFunc(cands, func(a, b cand) int { return byScore(a.score, b.score) })
	best := cands[0]
	picked := []cand{best}
	covered := slices.Clone(best.terms)
	for _, c := range cands[1:] {
		if len(picked) == maxSentences {
			break
		}
		adds := slices.ContainsFunc(c.terms, func(t string) bool { return !slices.Contains(covered, t) })
		// A further sentence must add query terms, or be nearly as good
		// and come from a passage already used (its context).
		samePassage := false
		for _, p := range picked {
			if p.passage == c.passage && (c.pos == p.pos+1 || c.pos == p.pos-1) {
				samePassage = true
			}
		}
		if !(adds && c.score >= 0.5*best.score) && !(samePassage && c.score >= 0.75*best.score) {
			continue
		}
		for _, t := range c.terms {
			if !slices.Contains(covered, t) {
				covered = append(covered, t)
			}
		}
		picked = append(picked, c)
	}
	// The best sentence often introduces what follows it ("A factory reset
	// erases…" before the numbered steps): continue its passage while there
	// is room, and through a list that starts there.
	inPicked := func(p, pos int) bool {
		for _, c := range picked {
			if c.passage == p && c.pos == pos {
				return true
			}
		}
		return false
	}
	size := 0
	for _, c := range picked {
		size += len(c.text)
	}
	list := 0
	for pos := best.pos + 1; pos < len(sents[best.passage]) && size < maxAnswerBytes; pos++ {
		if inPicked(best.passage, pos) {
			continue
		}
		s := sents[best.passage][pos]
		item := retrieval.IsListItem(s)
		if !(len(picked) < maxSentences || item && list < maxListItems) {
			break
		}
		if item {
			list++
		} else if list > 0 {
			break // the list ended
		}
		picked = append(picked, cand{text: s, passage: best.passage, pos: pos})
		size += len(s)
	}
	// Read in passage order, then sentence order.
	slices.SortFunc(picked, func(a, b cand) int {
		if a.passage != b.passage {
			return a.passage - b.passage
		}
		return a.pos - b.pos
	})
	nterms := 0
	for _, p := range picked {
		nterms += len(ps.get(hits[p.passage]).sentTerms[p.pos])
	}
	out := composed{bestCoverage: best.cov, bodyTerms: make(map[string]bool, nterms),
		sentences: make([]string, 0, len(picked))}
	var num [composeWindow]int             // passage index → citation n (0: none yet)
	var quotes [composeWindow + 1][]string // by citation n
	body := make([]string, 0, len(picked))
	for _, p := range picked {
		n := num[p.passage]
		if n == 0 {
			n = len(out.cited) + 1
			num[p.passage] = n
			out.cited = append(out.cited, hits[p.passage])
		}
		s := truncate(p.text, maxQuote)
		quotes[n] = append(quotes[n], s)
		// The passage's own bracketed numbers (reference marks, code)
		// would read as citation markers.
		s = stripMarkers(s)
		body = append(body, s)
		for _, t := range ps.get(hits[p.passage]).sentTerms[p.pos] {
			out.bodyTerms[t] = true
		}
		out.sentences = append(out.sentences, s+" ["+strconv.Itoa(n)+"]")
	}
	for i, h := range out.cited {
		out.citations = append(out.citations, citation(i+1, h, strings.Join(quotes[i+1], " … ")))
	}
	out.body = strings.Join(body, " ")
	return out, true
}

// byScore orders scores from the highest, as the less function a > b did
// (a NaN is neither before nor after anything).
func byScore(a, b float64) int {
	switch {
	case a > b:
		return -1
	case b > a:
		return 1
	}
	return 0
}

var bracketNumber = regexp.MustCompile(`\s?\[\d+\]`)

// stripMarkers removes bracketed numbers ("[12]") from passage text.
func stripMarkers(s string) string {
	if !strings.Contains(s, "[") {
		return s
	}
	return strings.TrimSpace(bracketNumber.ReplaceAllString(s, ""))
}

func citation(n int, h retrieval.Hit, quote string) Citation {
	return Citation{N: n, ChunkID: h.ID, DocumentID: h.DocumentID, Title: h.Title, URL: h.URL, Page: h.Page,
		Heading: h.Heading, Quote: truncate(quote, maxQuote), Score: h.Score}
}

// truncate shortens s to at most n bytes on a rune boundary, marking the cut.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return strings.TrimSpace(s[:cut]) + "…"
}

// splitSentences splits a passage into sentences (retrieval.Sentences:
// every line ends one, a list item is one to the end of its line), with
// runs of space inside a sentence made one space.
func splitSentences(text string) []string {
	out := retrieval.SentenceTexts(text, retrieval.SentenceOptions{EveryLine: true, ListItems: true})
	for i, s := range out {
		out[i] = strings.Join(strings.Fields(s), " ")
	}
	return out
}
