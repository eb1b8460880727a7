package bench

import (
	"strings"
	"unicode"
)

// section is one .SH section of a man page as plain text paragraphs.
type section struct {
	heading string
	paras   []string
}

// textMacros emit their arguments as text; the alternating-font macros
// (.BR, .IR, …) join them without spaces, the rest with spaces.
var textMacros = map[string]bool{
	"B": true, "I": true, "SM": true, "SB": true, "TQ": false,
	// mdoc(7) macros whose arguments are text.
	"Nm": true, "Ar": true, "Dq": true, "Xr": true, "Op": true, "Ic": true, "Ev": true, "It": true,
	"Pa": true, "Va": true, "Cm": true, "Em": true, "Sy": true, "Li": true, "Ql": true, "Fn": true,
	"Fa": true, "Ft": true, "Fo": true, "Dv": true, "Er": true, "Pq": true, "Sq": true, "Aq": true,
	"Qq": true, "Dl": true, "Tn": true, "Ad": true, "Lb": true, "Vt": true, "St": true, "Ux": true,
	"Ns": true, "No": true, "Ms": true, "Ot": true, "Cd": true, "In": true, "Bq": true, "Brq": true,
	"Oo": true, "Oc": true, "An": true, "Lk": true, "Mt": true, "Rs": false, "%A": true, "%T": true,
	"UR": false, "UE": true, "MT": false, "ME": true, "OP": true, "SY": true, "Nd": true, "Fl": true,
}

var alternating = map[string]bool{"BR": true, "IR": true, "BI": true, "RB": true, "RI": true, "IB": true}

// breakMacros end a paragraph.
var breakMacros = map[string]bool{
	"PP": true, "P": true, "LP": true, "sp": true, "TP": true, "IP": true, "HP": true,
	"Pp": true, "Lp": true, "It": true, "Bl": true, "El": true, "Bd": true, "Ed": true,
	"EX": true, "EE": true, "nf": true, "fi": true, "TS": true, "TE": true, "Vb": true, "Ve": true,
	"SY": true, "YS": true,
}

// parseRoff turns man(7)/mdoc(7) source into sections of plain-text
// paragraphs. It is deliberately simple: requests it does not know are
// dropped, macros whose arguments are text keep them, escapes are decoded or
// dropped. Good enough to make realistic passages, not a troff.
func parseRoff(src string) []section {
	var (
		secs []section
		cur  *section
		para []string
		inDe bool
		inTS int // 0 outside a table, 1 in its format lines, 2 in its data
	)
	flush := func() {
		if len(para) == 0 {
			return
		}
		p := strings.Join(strings.Fields(strings.Join(para, " ")), " ")
		para = para[:0]
		if p == "" {
			return
		}
		if cur == nil {
			secs = append(secs, section{})
			cur = &secs[len(secs)-1]
		}
		cur.paras = append(cur.paras, p)
	}
	startSection := func(h string, sub bool) {
		flush()
		h = strings.TrimSpace(h)
		if sub && cur != nil {
			base, _, _ := strings.Cut(cur.heading, " › ")
			h = base + " › " + h
		}
		secs = append(secs, section{heading: h})
		cur = &secs[len(secs)-1]
	}
	pendingHeading := 0 // 1: .SH without arguments, heading on next line; 2: same for .SS
	for _, line := range strings.Split(src, "\n") {
		line = strings.TrimRight(line, "\r")
		if inDe {
			if strings.HasPrefix(line, "..") {
				inDe = false
			}
			continue
		}
		if inTS == 1 {
			if strings.HasSuffix(strings.TrimSpace(line), ".") {
				inTS = 2
			}
			continue
		}
		if len(line) > 0 && (line[0] == '.' || line[0] == '\'') {
			name, args := splitRequest(line[1:])
			switch {
			case name == "\\\"" || strings.HasPrefix(name, "\\\""):
				continue
			case name == "de" || name == "de1" || name == "am":
				inDe = true
				continue
			case name == "TS":
				flush()
				inTS = 1
				continue
			case name == "TE":
				flush()
				inTS = 0
				continue
			case name == "SH" || name == "Sh":
				if len(args) == 0 {
					pendingHeading = 1
					flush()
					continue
				}
				startSection(unescape(strings.Join(args, " ")), false)
				continue
			case name == "SS" || name == "Ss":
				if len(args) == 0 {
					pendingHeading = 2
					flush()
					continue
				}
				startSection(unescape(strings.Join(args, " ")), true)
				continue
			}
			if breakMacros[name] {
				flush()
			}
			switch {
			case alternating[name]:
				para = append(para, unescape(strings.Join(args, "")))
			case name == "Nd":
				para = append(para, "- "+unescape(strings.Join(args, " ")))
			case name == "Fl":
				for i := range args {
					args[i] = "-" + args[i]
				}
				para = append(para, unescape(strings.Join(args, " ")))
			case textMacros[name]:
				para = append(para, unescape(strings.Join(args, " ")))
			case name == "IP" && len(args) > 0:
				para = append(para, unescape(args[0]))
			}
			continue
		}
		if pendingHeading != 0 {
			startSection(unescape(line), pendingHeading == 2)
			pendingHeading = 0
			continue
		}
		if strings.TrimSpace(line) == "" {
			flush()
			continue
		}
		if inTS == 2 {
			line = strings.ReplaceAll(line, "\t", " ")
		}
		para = append(para, unescape(line))
	}
	flush()
	return secs
}

// splitRequest splits a request line (without its leading dot) into the
// macro name and its arguments, honouring double quotes.
func splitRequest(s string) (string, []string) {
	s = strings.TrimLeft(s, " \t")
	i := strings.IndexAny(s, " \t")
	if i < 0 {
		return s, nil
	}
	name, rest := s[:i], s[i:]
	var args []string
	var b strings.Builder
	inQ, have := false, false
	for j := 0; j < len(rest); j++ {
		c := rest[j]
		switch {
		case c == '"' && inQ && j+1 < len(rest) && rest[j+1] == '"':
			b.WriteByte('"')
			j++
		case c == '"':
			inQ = !inQ
			have = true
		case (c == ' ' || c == '\t') && !inQ:
			if have || b.Len() > 0 {
				args = append(args, b.String())
				b.Reset()
				have = false
			}
		case c == '\\' && j+1 < len(rest) && rest[j+1] == '"' && !inQ:
			j = len(rest) // comment to end of line
		default:
			b.WriteByte(c)
		}
	}
	if have || b.Len() > 0 {
		args = append(args, b.String())
	}
	return name, args
}

// specials maps the roff special characters that carry meaning in text.
var specials = map[string]string{
	"em": "—", "en": "–", "hy": "-", "mi": "-", "bu": "•", "aq": "'", "dq": "\"", "lq": "\"",
	"rq": "\"", "oq": "'", "cq": "'", "ga": "`", "ti": "~", "ha": "^", "rs": "\\", "co": "©",
	"rg": "®", "tm": "™", "de": "°", "+-": "±", "mu": "×", "di": "÷", "<=": "≤", ">=": "≥",
	"!=": "≠", "->": "→", "<-": "←", "ba": "|", "or": "|", "lB": "[", "rB": "]", "lC": "{",
	"rC": "}", "sl": "/", "at": "@", "sh": "#", "Do": "$", "eq": "=", "pl": "+", "fm": "′",
}

// unescape decodes the roff escapes of one line of text.
func unescape(s string) string {
	if !strings.Contains(s, "\\") {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '\\' || i+1 >= len(s) {
			b.WriteByte(c)
			continue
		}
		i++
		switch e := s[i]; e {
		case '-', '.', '\'', '`':
			b.WriteByte(e)
		case 'e', '\\':
			b.WriteByte('\\')
		case ' ', '0', '~':
			b.WriteByte(' ')
		case '&', '%', '|', '^', 'c', ':', ')', '/', ',', '!':
		case '"':
			return b.String() // comment to end of line
		case '(':
			if i+2 < len(s) {
				b.WriteString(specials[s[i+1:i+3]])
				i += 2
			}
		case '[':
			if j := strings.IndexByte(s[i:], ']'); j >= 0 {
				name := s[i+1 : i+j]
				if r, ok := specials[name]; ok {
					b.WriteString(r)
				} else if strings.HasPrefix(name, "u") && len(name) == 5 {
					var r rune
					for _, h := range name[1:] {
						r = r*16 + rune(hexVal(h))
					}
					b.WriteRune(r)
				}
				i += j
			}
		case 'f', 'F', 'n', '*', 'k', 'g', 'm', 'M', 'V', 'Y':
			i = skipName(s, i)
		case 's':
			// \s-1, \s+2, \s0, \s(12, \s[12]
			if i+1 < len(s) && (s[i+1] == '-' || s[i+1] == '+') {
				i++
			}
			if i+1 < len(s) && (s[i+1] == '(' || s[i+1] == '[') {
				i = skipName(s, i)
			} else if i+1 < len(s) && s[i+1] >= '0' && s[i+1] <= '9' {
				i++
				if s[i] != '0' && i+1 < len(s) && s[i+1] >= '0' && s[i+1] <= '9' && s[i] <= '3' {
					i++
				}
			}
		case 'h', 'v', 'w', 'l', 'L', 'o', 'b', 'x', 'D', 'X', 'N', 'Z', 'A', 'B', 'C', 'R', 'S':
			// Escapes with a delimited argument: \h'1m', \w'text'.
			if i+1 < len(s) {
				d := s[i+1]
				if j := strings.IndexByte(s[i+2:], d); j >= 0 {
					i += j + 2
				} else {
					i = len(s)
				}
			}
		case 't':
			b.WriteByte(' ')
		default:
			b.WriteByte(e)
		}
	}
	return b.String()
}

// skipName skips the name argument of an escape at s[i] (\fB, \f(CW, \f[CR],
// \*(xx, \n[reg]) and returns the index of its last byte.
func skipName(s string, i int) int {
	if i+1 >= len(s) {
		return i
	}
	switch s[i+1] {
	case '(':
		return min(i+3, len(s)-1)
	case '[':
		if j := strings.IndexByte(s[i+1:], ']'); j >= 0 {
			return i + 1 + j
		}
		return len(s) - 1
	case '+', '-':
		if s[i] == 'n' {
			return skipName(s, i+1)
		}
	}
	return i + 1
}

func hexVal(r rune) int {
	switch {
	case r >= '0' && r <= '9':
		return int(r - '0')
	case r >= 'a' && r <= 'f':
		return int(r-'a') + 10
	case r >= 'A' && r <= 'F':
		return int(r-'A') + 10
	}
	return 0
}

// splitName splits a NAME section's text ("ls, dir - list directory
// contents") into the names and the one-line description.
func splitName(text string) (names, desc string) {
	for _, sep := range []string{" - ", " — ", " – ", "- ", " -"} {
		if n, d, ok := strings.Cut(text, sep); ok {
			return strings.TrimSpace(n), strings.TrimFunc(d, func(r rune) bool { return unicode.IsSpace(r) || r == '.' })
		}
	}
	return strings.TrimSpace(text), ""
}
