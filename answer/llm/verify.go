package llm

import (
	"html"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode"

	"github.com/answerdesk/answerdesk/answer"
	"github.com/answerdesk/answerdesk/retrieval"
)

// verifier checks a model's output against the passages it was shown.
type verifier struct {
	passages   map[int]*passageIndex // by N, only the passages shown
	minSupport float64
	crossW     float64
	allowed    []string
	canary     string
}

// passageIndex is what verification needs of one passage, built lazily.
type passageIndex struct {
	p     answer.Passage
	built bool
	terms map[string]bool
	lower string
	nums  map[string]bool
	lang  string
	// suspicious: the passage speaks to the assistant (prompt injection);
	// it cannot support a claim.
	suspicious bool
}

func (x *passageIndex) build() {
	if x.built {
		return
	}
	x.built = true
	text := x.p.Title + "\n" + x.p.Heading + "\n" + x.p.Text
	x.terms = map[string]bool{}
	for _, t := range retrieval.DefaultAnalyzer.Terms(text) {
		x.terms[t] = true
	}
	x.lower = strings.ToLower(text)
	x.nums = map[string]bool{}
	for _, n := range numberRE.FindAllString(text, -1) {
		x.nums[normNumber(n)] = true
	}
	x.lang = retrieval.DetectLang(x.p.Text)
	x.suspicious = answer.AddressesAssistant(x.p.Title + "\n" + x.p.Text)
}

func newVerifier(passages []answer.Passage, shown []int, cfg Config, canary string) *verifier {
	v := &verifier{
		passages:   make(map[int]*passageIndex, len(shown)),
		minSupport: cfg.MinSupport,
		crossW:     cfg.CrossLingualWeight,
		allowed:    cfg.AllowedLinkDomains,
		canary:     canary,
	}
	ok := make(map[int]bool, len(shown))
	for _, n := range shown {
		ok[n] = true
	}
	for _, p := range passages {
		if ok[p.N] {
			v.passages[p.N] = &passageIndex{p: p}
		}
	}
	return v
}

// Verdict is what verification concluded about one sentence.
type verdict struct {
	text    string // the sentence as kept (invalid citations removed)
	cites   []int
	counted bool    // it carries content terms, so it counts in SupportRatio
	weight  float64 // its contribution when kept: 1, or the cross-lingual weight
	keep    bool
	why     string
	sep     string
}

// verify turns raw model output into a Generation.
func (v *verifier) verify(raw string) answer.Generation {
	if v.leaks(raw) {
		return answer.Generation{Dropped: []string{"[withheld: the output revealed the system prompt]"}}
	}
	if isAbstain(raw) {
		return answer.Generation{Abstained: true}
	}
	clean := citeBrackets.Replace(sanitize(raw, v.allowed))
	units := splitSentences(clean)
	var g answer.Generation
	var kept []verdict
	total, score := 0, 0.0
	cited := map[int]bool{}
	for _, u := range units {
		vd := v.check(u)
		if vd.counted {
			total++
		}
		if !vd.keep {
			g.Dropped = append(g.Dropped, u.text)
			continue
		}
		if vd.counted {
			score += vd.weight
		}
		for _, n := range vd.cites {
			cited[n] = true
		}
		kept = append(kept, vd)
	}
	var b strings.Builder
	for i, k := range kept {
		if i > 0 {
			if strings.Contains(kept[i-1].sep, "\n") {
				b.WriteString("\n")
			} else {
				b.WriteString(" ")
			}
		}
		b.WriteString(k.text)
	}
	if total > 0 {
		g.Text = b.String()
		g.SupportRatio = score / float64(total)
	}
	for n := range cited {
		g.Cited = append(g.Cited, n)
	}
	sort.Ints(g.Cited)
	return g
}

// citeBrackets normalizes the full-width brackets and digits models use in
// Chinese text (【1】, ［２］) to [n].
var citeBrackets = strings.NewReplacer("【", "[", "】", "]", "［", "[", "］", "]",
	"０", "0", "１", "1", "２", "2", "３", "3", "４", "4", "５", "5", "６", "6", "７", "7", "８", "8", "９", "9")

// citeRE matches [n], [n, m] and [n; m].
var citeRE = regexp.MustCompile(`\[\s*(\d{1,4}(?:\s*[,;]\s*\d{1,4})*)\s*\]`)

func (v *verifier) check(u unit) verdict {
	vd := verdict{sep: u.sep}
	// Keep valid citations only, rewriting mixed markers.
	seen := map[int]bool{}
	text := citeRE.ReplaceAllStringFunc(u.text, func(m string) string {
		var good []string
		for _, f := range strings.FieldsFunc(m, func(r rune) bool { return r < '0' || r > '9' }) {
			n, err := strconv.Atoi(f)
			if err != nil || v.passages[n] == nil {
				continue
			}
			good = append(good, "["+f+"]")
			if !seen[n] {
				seen[n] = true
				vd.cites = append(vd.cites, n)
			}
		}
		return strings.Join(good, "")
	})
	text = strings.TrimSpace(spaceBeforePunct.ReplaceAllString(multiSpace.ReplaceAllString(text, " "), "$1"))
	vd.text = text
	content := citeRE.ReplaceAllString(u.text, " ")
	terms := retrieval.DefaultAnalyzer.Terms(content)
	// Nothing is shown without a valid citation. Sentences of fewer than two
	// content terms ("Sure!", "Hello.") do not count in the support ratio, so
	// that courtesy does not read as invention.
	vd.counted = len(distinctTerms(terms)) >= 2
	if len(vd.cites) == 0 {
		vd.why = "no valid citation"
		return vd
	}
	if len(terms) == 0 {
		vd.keep = true
		return vd
	}
	sort.Ints(vd.cites)
	if answer.AddressesAssistant(content) {
		vd.why = "addresses the assistant, not the customer"
		return vd
	}
	var srcs []*passageIndex
	for _, n := range vd.cites {
		x := v.passages[n]
		x.build()
		if !x.suspicious {
			srcs = append(srcs, x)
		}
	}
	if len(srcs) == 0 {
		vd.why = "its passages contain instructions aimed at the assistant"
		return vd
	}
	lang := retrieval.DetectLang(content)
	cross := true
	for _, x := range srcs {
		if x.lang == "" || lang == "" || x.lang == lang {
			cross = false
		}
	}
	// Numbers must appear in a cited passage.
	for _, n := range numberRE.FindAllString(content, -1) {
		if !anyPassage(srcs, func(x *passageIndex) bool { return x.nums[normNumber(n)] }) {
			vd.why = "number " + n + " not in the cited passages"
			return vd
		}
	}
	// Names must appear too (in the passages' script when cross-lingual).
	for _, e := range entities(content) {
		if cross && !sameScript(e, srcs[0].p.Text) {
			continue
		}
		le := strings.ToLower(e)
		stem := retrieval.DefaultAnalyzer.Terms(e)
		if !anyPassage(srcs, func(x *passageIndex) bool {
			if strings.Contains(x.lower, le) {
				return true
			}
			for _, t := range stem {
				if !x.terms[t] {
					return false
				}
			}
			return len(stem) > 0
		}) {
			vd.why = "name " + e + " not in the cited passages"
			return vd
		}
	}
	if cross {
		vd.keep, vd.weight = true, v.crossW
		return vd
	}
	distinct := distinctTerms(terms)
	hit := 0
	for t := range distinct {
		if anyPassage(srcs, func(x *passageIndex) bool { return x.terms[t] }) {
			hit++
		}
	}
	if float64(hit)/float64(len(distinct)) < v.minSupport {
		vd.why = "too few of its words in the cited passages"
		return vd
	}
	vd.keep, vd.weight = true, 1
	return vd
}

func distinctTerms(terms []string) map[string]bool {
	d := make(map[string]bool, len(terms))
	for _, t := range terms {
		d[t] = true
	}
	return d
}

func anyPassage(xs []*passageIndex, f func(*passageIndex) bool) bool {
	for _, x := range xs {
		if f(x) {
			return true
		}
	}
	return false
}

var (
	multiSpace       = regexp.MustCompile(`[ \t]{2,}`)
	spaceBeforePunct = regexp.MustCompile(`\s+([.,;:!?。，！？])`)
	numberRE         = regexp.MustCompile(`\d+(?:[.,]\d+)*`)
)

// normNumber drops separators so that 1,000 and 1000 compare equal.
func normNumber(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, s)
}

// entities returns the words of s that look like names: a capital letter
// anywhere but at the start of the sentence, letters mixed with digits, or
// Latin words inside non-Latin text.
func entities(s string) []string {
	words := strings.FieldsFunc(s, func(r rune) bool {
		return !(unicode.IsLetter(r) || unicode.IsDigit(r) || r == '-' || r == '_')
	})
	nonLatin := false
	for _, r := range s {
		if unicode.IsLetter(r) && !unicode.Is(unicode.Latin, r) {
			nonLatin = true
			break
		}
	}
	var out []string
	i := -1 // index among real words: the first may be capitalized as such
	for _, w := range words {
		w = strings.Trim(w, "-_")
		if w == "" {
			continue
		}
		i++
		letters, digits, upper, latin := 0, 0, 0, 0
		for j, r := range w {
			switch {
			case unicode.IsDigit(r):
				digits++
			case unicode.IsLetter(r):
				letters++
				if unicode.Is(unicode.Latin, r) {
					latin++
				}
				if unicode.IsUpper(r) && (i > 0 || j > 0) {
					upper++
				}
			}
		}
		switch {
		case letters > 0 && digits > 0:
			out = append(out, w)
		case upper > 0 && letters > 1:
			out = append(out, w)
		case nonLatin && latin == letters && latin > 1:
			out = append(out, w)
		}
	}
	return out
}

// sameScript reports whether word w is written in the main script of text.
func sameScript(w, text string) bool {
	latin := func(s string) bool {
		l, o := 0, 0
		for _, r := range s {
			if unicode.IsLetter(r) {
				if unicode.Is(unicode.Latin, r) {
					l++
				} else {
					o++
				}
			}
		}
		return l >= o
	}
	return latin(w) == latin(text)
}

// leaks reports whether out reveals the canary, also when spaced out,
// hyphenated differently or case-changed.
func (v *verifier) leaks(out string) bool {
	if v.canary == "" {
		return false
	}
	return canaryIn(out, v.canary)
}

func canaryIn(out, canary string) bool {
	if strings.Contains(strings.ToLower(out), strings.ToLower(canary)) {
		return true
	}
	c := alnumLower(canary)
	// The random part alone is evidence enough.
	if i := strings.LastIndexByte(canary, '-'); i >= 0 && len(canary)-i > 8 {
		c = alnumLower(canary[i+1:])
	}
	return strings.Contains(alnumLower(out), c)
}

func alnumLower(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return unicode.ToLower(r)
		}
		return -1
	}, s)
}

// isAbstain reports whether the model used the abstain marker.
func isAbstain(out string) bool {
	u := strings.ToUpper(out)
	u = strings.NewReplacer(" ", "_", "-", "_", "\\_", "_").Replace(u)
	return strings.Contains(u, AbstainMarker)
}

// unit is one sentence or list item of the output.
type unit struct {
	text string
	sep  string // whitespace that followed it
}

var leadingCites = regexp.MustCompile(`^\s*((?:\[\s*\d{1,4}(?:\s*[,;]\s*\d{1,4})*\s*\]\s*)+)`)

// splitSentences splits text into sentences and list items
// (retrieval.Sentences, every line ending one). Citations that follow a
// sentence's final punctuation ("… days. [2]") belong to it.
func splitSentences(text string) []unit {
	ss := retrieval.Sentences(text, retrieval.SentenceOptions{EveryLine: true})
	units := make([]unit, len(ss))
	for i, s := range ss {
		next := len(text)
		if i+1 < len(ss) {
			next = ss[i+1].Start
		}
		units[i] = unit{text: text[s.Start:s.End], sep: text[s.End:next]}
	}
	// Move leading citations to the sentence before when it has none.
	out := units[:0]
	for _, u := range units {
		if m := leadingCites.FindStringSubmatch(u.text); m != nil && len(out) > 0 {
			prev := &out[len(out)-1]
			rest := strings.TrimSpace(u.text[len(m[0]):])
			if !citeRE.MatchString(prev.text) || rest == "" {
				prev.text += " " + strings.TrimSpace(m[1])
				if rest == "" {
					prev.sep += u.sep
					continue
				}
				u.text = rest
			}
		}
		out = append(out, u)
	}
	return out
}

var (
	scriptRE  = regexp.MustCompile(`(?is)<\s*(script|style|iframe|object|embed|svg|math|template)\b.*?(<\s*/\s*(script|style|iframe|object|embed|svg|math|template)\s*>|$)`)
	commentRE = regexp.MustCompile(`(?s)<!--.*?(-->|$)`)
	specialRE = regexp.MustCompile(`<\|[^|<>\n]{1,40}\|>|\[/?INST\]|<</?SYS>>`)
	tagRE     = regexp.MustCompile(`</?[a-zA-Z][^>]*>?`)
	imageRE   = regexp.MustCompile(`!\[[^\]]*\]\([^)]*\)?`)
	mdLinkRE  = regexp.MustCompile(`\[([^\]]+)\]\(\s*<?([^)\s>]*)>?(?:\s+"[^"]*")?\s*\)`)
	bareURLRE = regexp.MustCompile(`(?i)\b(?:(?:https?|ftp)://|www\.)[^\s<>()\[\]"']+`)
	badURIRE  = regexp.MustCompile(`(?i)\b(?:javascript|vbscript|data|file)\s*:[^\s)]*`)
)

// sanitize removes active content: scripts and other executable elements,
// HTML tags and comments, images, and links to hosts not in allowed.
func sanitize(s string, allowed []string) string {
	// Decode entities first (repeatedly, for double encoding) so that an
	// encoded tag is seen, and removed, as a tag.
	for i := 0; i < 3 && strings.Contains(s, "&"); i++ {
		s = html.UnescapeString(s)
	}
	s = specialRE.ReplaceAllString(s, " ") // chat-template tokens a model may echo
	s = commentRE.ReplaceAllString(s, " ")
	s = scriptRE.ReplaceAllString(s, " ")
	s = imageRE.ReplaceAllString(s, " ")
	s = mdLinkRE.ReplaceAllStringFunc(s, func(m string) string {
		sub := mdLinkRE.FindStringSubmatch(m)
		if answer.LinkAllowed(sub[2], allowed) {
			return m
		}
		return sub[1]
	})
	s = tagRE.ReplaceAllString(s, " ")
	s = badURIRE.ReplaceAllString(s, " ")
	s = bareURLRE.ReplaceAllStringFunc(s, func(m string) string {
		trail := ""
		for strings.HasSuffix(m, ".") || strings.HasSuffix(m, ",") {
			trail = m[len(m)-1:] + trail
			m = m[:len(m)-1]
		}
		if answer.LinkAllowed(m, allowed) {
			return m + trail
		}
		return trail
	})
	return s
}
