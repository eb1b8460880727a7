package answer

import (
	"hash/maphash"
	"net/url"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/answerdesk/answerdesk/retrieval"
)

// AddressesAssistant reports whether text addresses a language model or an
// assistant rather than a customer: a note to the assistant, an order to
// drop its instructions ("ignore all previous instructions"), role-play and
// jailbreak vocabulary, or a demand to print a fixed string, in English,
// Russian and Chinese. A support document has no reason to say these; a
// poisoned one does. Such a passage is never quoted in an extractive answer
// and cannot support a generated one (answer/llm), and such a sentence is
// never shown.
//
// It runs on every cited passage, so it is plain string work over the
// lowercased text (a regular expression was 0.7 to 4 ms per 2 KB).
func AddressesAssistant(text string) bool {
	l := strings.ToLower(text)
	for _, p := range injectionPhrases {
		if strings.Contains(l, p) {
			return true
		}
	}
	if phraseOrder(l) {
		return true
	}
	if dropOrder(l) {
		return true
	}
	// Chinese: a drop verb followed closely by an instruction noun.
	for _, v := range []string{"忽略", "无视", "忘记", "忘掉"} {
		for off := 0; ; {
			i := strings.Index(l[off:], v)
			if i < 0 {
				break
			}
			start := off + i + len(v)
			win := l[start:]
			if n := runeOffset(win, 12); n < len(win) {
				win = win[:n]
			}
			for _, o := range []string{"指令", "指示", "规则", "提示词", "设定"} {
				if strings.Contains(win, o) {
					return true
				}
			}
			off = start
		}
	}
	return false
}

var injectionPhrases = []string{
	"system prompt", "developer mode", "do anything now", "dan mode", "as an ai language model",
	"stay in character", "you are no longer", "stop everything", "take on the role of", "as a language model", "системный промпт", "режим разработчика",
	"系统提示", "开发者模式",
	// Notes addressed to the assistant rather than the reader.
	"note to the assistant", "note to the ai", "note to ai ", "message to the assistant", "message to the ai",
	"instructions for the assistant", "instruction for the assistant", "instructions to the assistant", "instructions for the ai",
	"attention assistant", "attention, assistant", "attention ai", "attention, ai", "dear assistant", "dear ai", "hey assistant",
	"if you are an ai", "if you are a language model", "if you are an llm", "if you're an ai", "to any ai ", "to the ai model",
	"ai assistant reading this", "assistant reading this", "model reading this", "system note to", "system message to",
	"для ассистента", "ассистенту:", "внимание, ассистент", "внимание ассистент", "для ии-ассистента", "если ты ии", "если вы ии", "для языковой модели",
	"给助手", "致助手", "助手注意", "给ai助手", "致ai", "如果你是ai", "如果你是人工智能", "给人工智能", "给语言模型",
}

// phraseOrders are "TRIGGER NEXT" pairs matched at word starts.
var phraseOrders = []struct{ triggers, nexts []string }{
	{[]string{"just ", "only ", "simply "}, []string{"print", "say", "output", "type", "write", "respond with", "reply with"}},
	{[]string{"from now on you ", "from now on, you ", "from here on you ", "from here on, you "}, []string{"are ", "will ", "must ", "shall "}},
	{[]string{"pretend "}, []string{"to be", "you are"}},
	{[]string{"act as if you "}, []string{"are", "have"}},
}

// phraseOrder reports a trigger phrase followed by one of its nexts; for
// the print/say orders the next word must be followed by a quote, so that
// "only print the invoice" passes.
func phraseOrder(l string) bool {
	for n, po := range phraseOrders {
		for _, tr := range po.triggers {
			found := atWordStarts(l, tr, func(end int) bool {
				rest := l[end:]
				for _, nx := range po.nexts {
					if !strings.HasPrefix(rest, nx) {
						continue
					}
					if n > 0 {
						return true
					}
					q := strings.TrimLeft(rest[len(nx):], " :")
					if r, _ := utf8.DecodeRuneInString(q); strings.ContainsRune("\"“'«", r) {
						return true
					}
				}
				return false
			})
			if found {
				return true
			}
		}
	}
	return false
}

// atWordStarts calls f with the end offset of each occurrence of w in l
// that starts a word, until f returns true, and reports whether it did.
func atWordStarts(l, w string, f func(end int) bool) bool {
	for off := 0; ; {
		i := strings.Index(l[off:], w)
		if i < 0 {
			return false
		}
		at := off + i
		off = at + len(w)
		if at > 0 {
			if r, _ := utf8.DecodeLastRuneInString(l[:at]); unicode.IsLetter(r) {
				continue
			}
		}
		if f(off) {
			return true
		}
	}
}

var (
	dropVerbs   = []string{"ignore", "disregard", "forget", "override", "bypass", "игнорир", "проигнорир", "забудь", "забудьте", "отбрось", "отбросьте"}
	dropTargets = []string{"previous", "prior", "above", "earlier", "preceding", "all", "any", "your", "system", "original", "initial", "following",
		"все", "всё", "предыдущ", "прошл", "свои", "твои", "ваши", "системн", "изначальн"}
	dropObjects = []string{"instruction", "rule", "prompt", "guideline", "directive", "programming", "restriction",
		"инструкц", "правил", "указани", "ограничени"}
)

// dropOrder finds "VERB … TARGET … OBJECT" within a few words:
// "ignore any previous and following instructions", "forget your rules",
// "игнорируй все предыдущие инструкции"; but not "if you forget your
// password, follow the reset instructions".
func dropOrder(l string) bool {
	for _, v := range dropVerbs {
		found := atWordStarts(l, v, func(end int) bool {
			// The next few words only.
			win := l[end:]
			if n := runeOffset(win, 120); n < len(win) {
				win = win[:n]
			}
			words := strings.FieldsFunc(win, func(r rune) bool { return !unicode.IsLetter(r) })
			if len(words) > 0 {
				words = words[1:] // the rest of the verb ("ignoring", "игнорируй")
			}
			for j := 0; j < len(words) && j < 4; j++ {
				if !hasAnyPrefix(words[j], dropTargets) {
					continue
				}
				for k := j + 1; k < len(words) && k <= j+3; k++ {
					if hasAnyPrefix(words[k], dropObjects) {
						return true
					}
				}
			}
			return false
		})
		if found {
			return true
		}
	}
	return false
}

func hasAnyPrefix(w string, ps []string) bool {
	for _, p := range ps {
		if strings.HasPrefix(w, p) {
			return true
		}
	}
	return false
}

// runeOffset returns the byte offset of the n-th rune of s (len(s) when
// shorter).
func runeOffset(s string, n int) int {
	off := 0
	for i := 0; i < n && off < len(s); i++ {
		_, size := utf8.DecodeRuneInString(s[off:])
		off += size
	}
	return off
}

// LinkAllowed reports whether raw is an http(s) link to a host in allowed
// (or a subdomain of one).
func LinkAllowed(raw string, allowed []string) bool {
	if strings.HasPrefix(strings.ToLower(raw), "www.") {
		raw = "https://" + raw
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.User != nil {
		return false
	}
	host := strings.ToLower(u.Hostname())
	for _, d := range allowed {
		d = strings.ToLower(strings.TrimPrefix(d, "."))
		if d != "" && (host == d || strings.HasSuffix(host, "."+d)) {
			return true
		}
	}
	return false
}

// linkRE finds links in passage text: a scheme or a "www." start.
var linkRE = regexp.MustCompile(`(?i)\b(?:[a-z][a-z0-9+.-]*://|www\.)[^\s<>()\[\]"'“”]+`)

// foreignLink returns the first link of text outside allowed, or "".
func foreignLink(text string, allowed []string) string {
	for _, m := range linkRE.FindAllString(text, -1) {
		m = strings.TrimRight(m, ".,;:!?")
		if !LinkAllowed(m, allowed) {
			return m
		}
	}
	return ""
}

// unsafePassage reports why a retrieved passage of tenant must never be
// quoted, or "": it addresses the assistant, or it links outside the
// tenant's allowed domains (when the tenant has a list). This is the one
// screen of both answer paths: the extractive composer and the Generator
// only ever see passages it let through.
func (e *Engine) unsafePassage(tenant string, h retrieval.Hit) string {
	if e.screened.addressesAssistant(h) {
		return "addresses the assistant"
	}
	if allowed, ok := e.linkDomains(tenant); ok {
		if foreignLink(h.Text, allowed) != "" {
			return "links outside the allowed domains"
		}
	}
	return ""
}

// screenCache keeps AddressesAssistant of passages between requests, by
// a hash of the title and text: every answer screens each retrieved
// passage, support traffic retrieves the same ones again and again, and
// the check scans the whole text once per phrase.
type screenCache struct {
	seed maphash.Seed
	c    *boundedCache[screenKey, bool]
}

// screenKey identifies a passage's title and text: their hash (seeded at
// random per process) and length.
type screenKey struct {
	hash uint64
	n    int
}

// screenCacheSize bounds the screened passages kept (a few dozen bytes
// each).
const screenCacheSize = 1 << 16

func newScreenCache(max int) *screenCache {
	return &screenCache{seed: maphash.MakeSeed(), c: newBoundedCache[screenKey, bool](max)}
}

// addressesAssistant is AddressesAssistant(h.Title + "\n" + h.Text),
// from the cache when it has h.
func (c *screenCache) addressesAssistant(h retrieval.Hit) bool {
	var mh maphash.Hash
	mh.SetSeed(c.seed)
	mh.WriteString(h.Title)
	mh.WriteByte('\n')
	mh.WriteString(h.Text)
	k := screenKey{hash: mh.Sum64(), n: len(h.Title) + 1 + len(h.Text)}
	if v, ok := c.c.get(k); ok {
		return v
	}
	v := AddressesAssistant(h.Title + "\n" + h.Text)
	c.c.put(k, v)
	return v
}

// linkDomains returns tenant's allowed link domains and whether it has a
// list (its own, else the "*" entry).
func (e *Engine) linkDomains(tenant string) ([]string, bool) {
	if d, ok := e.cfg.LinkDomains[tenant]; ok {
		return d, true
	}
	d, ok := e.cfg.LinkDomains["*"]
	return d, ok
}

// screen splits hits into those that may be quoted and those that may not.
func (e *Engine) screen(tenant string, hits []retrieval.Hit) (safe, unsafe []retrieval.Hit) {
	for i, h := range hits {
		if e.unsafePassage(tenant, h) == "" {
			if unsafe != nil {
				safe = append(safe, h)
			}
			continue
		}
		if unsafe == nil { // the first unsafe passage: the safe ones so far
			safe = append(safe, hits[:i]...)
		}
		unsafe = append(unsafe, h)
	}
	if len(unsafe) == 0 {
		return hits, nil // nearly always: no copy
	}
	return safe, unsafe
}

// needsUnsafe reports whether the unscreened passages would have given a
// confident extractive answer citing a refused one: the escalation is then
// unsafe_content rather than a lack of evidence.
func (e *Engine) needsUnsafe(all retrieval.Result, unsafe []retrieval.Hit, q query, tr Triage, ps passages) bool {
	c, ok := extract(preferLang(all.Hits, tr.Lang), q, e.cfg.MaxSentences, ps)
	if !ok {
		return false
	}
	refused := make(map[string]bool, len(unsafe))
	for _, h := range unsafe {
		refused[h.ID] = true
	}
	cites := false
	for _, h := range c.cited {
		cites = cites || refused[h.ID]
	}
	if !cites {
		return false
	}
	f := computeFeatures(featureInput{res: all, q: q, c: c, tr: tr, lang: tr.Lang, qLength: q.all, ps: ps, asked: q.asked})
	return e.cfg.Confidence.Probability(f) >= e.cfg.Confidence.Threshold
}
