package llm

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// injectionLike reports whether text addresses a language model rather than
// a customer: an order to drop its instructions ("ignore all previous
// instructions"), role-play and jailbreak vocabulary, or a demand to print a
// fixed string, in English, Russian and Chinese. A support document has no
// reason to say these; a poisoned one does. Such a passage cannot support an
// answer and such a sentence is never shown.
//
// It runs on every cited passage, so it is plain string work over the
// lowercased text (a regular expression was 0.7 to 4 ms per 2 KB).
func injectionLike(text string) bool {
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
			for off := 0; ; {
				i := strings.Index(l[off:], tr)
				if i < 0 {
					break
				}
				at := off + i
				off = at + len(tr)
				if at > 0 {
					if r, _ := utf8.DecodeLastRuneInString(l[:at]); unicode.IsLetter(r) {
						continue
					}
				}
				rest := l[off:]
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
			}
		}
	}
	return false
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
		for off := 0; ; {
			i := strings.Index(l[off:], v)
			if i < 0 {
				break
			}
			at := off + i
			off = at + len(v)
			if at > 0 {
				if r, _ := utf8.DecodeLastRuneInString(l[:at]); unicode.IsLetter(r) {
					continue
				}
			}
			// The next few words only.
			win := l[off:]
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
