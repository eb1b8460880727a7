package markup

import (
	"net/url"
	"regexp"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// maxPasses bounds decoding rounds: "&amp;lt;b&amp;gt;" needs two, raw
// text inside raw text one per level.
const maxPasses = 8

var (
	// autolink is a Markdown autolink (<https://…>, <mailto:…>, <a@b.c>),
	// whose address is kept as text.
	autolink = regexp.MustCompile(`<((?:https?|mailto|ftp):[^<>\s]+|[^<>\s@]+@[^<>\s@]+)>`)
	// scriptURL is a URL that runs code when followed.
	scriptURL = regexp.MustCompile(`(?i)\b(?:java|vb|live)script\s*:[^\s]*|\bdata\s*:\s*[a-z-]+/[a-z0-9.+-]+[;,][^\s]*`)
)

// rawText elements hold no text a reader sees.
var rawText = map[atom.Atom]bool{
	atom.Script: true, atom.Style: true, atom.Template: true, atom.Iframe: true, atom.Noscript: true,
	atom.Noembed: true, atom.Noframes: true, atom.Xmp: true, atom.Object: true, atom.Svg: true, atom.Math: true,
	atom.Textarea: true, atom.Title: true, atom.Plaintext: true,
}

// inline elements join their text to the surrounding words; any other tag
// becomes a space.
var inline = map[atom.Atom]bool{
	atom.A: true, atom.B: true, atom.I: true, atom.Em: true, atom.Strong: true, atom.Span: true, atom.Code: true,
	atom.U: true, atom.S: true, atom.Small: true, atom.Sub: true, atom.Sup: true, atom.Mark: true, atom.Abbr: true,
	atom.Kbd: true, atom.Font: true, atom.Tt: true, atom.Del: true, atom.Ins: true, atom.Q: true, atom.Cite: true,
}

// lineBreaks are the elements that end a line of text: an HTML email's
// paragraphs, line breaks and quoted blocks.
var lineBreaks = map[atom.Atom]bool{
	atom.Br: true, atom.P: true, atom.Div: true, atom.Li: true, atom.Tr: true, atom.Blockquote: true,
	atom.H1: true, atom.H2: true, atom.H3: true, atom.H4: true, atom.H5: true, atom.H6: true,
	atom.Hr: true, atom.Pre: true, atom.Table: true, atom.Ul: true, atom.Ol: true,
}

// Strip returns s as plain text. Text without '<', '&' or a script URL is
// returned unchanged.
func Strip(s string) string { return stripText(s, false) }

// StripLines is Strip keeping the lines of an HTML body: an element that
// ends a line (br, p, div, li, blockquote, …) becomes a line break instead
// of a space, so that a mail body keeps the lines its reader sees (an
// attribution line above a quoted reply, a signature below "--").
func StripLines(s string) string { return stripText(s, true) }

func stripText(s string, lines bool) string {
	for i := 0; i < maxPasses && strings.ContainsAny(s, "<&"); i++ {
		next := strip(autolink.ReplaceAllString(s, "$1"), lines)
		if next == s {
			break
		}
		s = next
	}
	// Nesting deeper than maxPasses ("<b><style><style/><img …>") can
	// still hold a tag: remove what is left of any, up to its '>'. Each
	// pattern needs a character most text lacks ('<', ':'): looked for
	// first, so that plain text costs no regular expression.
	if strings.Contains(s, "<") {
		s = leftTag.ReplaceAllString(s, " ")
	}
	if strings.Contains(s, ":") {
		s = scriptURL.ReplaceAllString(s, "")
	}
	return s
}

// leftTag is a '<' a browser would read as the start of a tag, and the rest
// of that tag.
var leftTag = regexp.MustCompile(`<[a-zA-Z!/?][^>]*>?`)

func strip(s string, lines bool) string {
	z := html.NewTokenizer(strings.NewReader(s))
	lower := asciiLower(s)
	lastEnd := map[atom.Atom]int{} // byte offset of the last "</name" in s, per raw-text element
	var b strings.Builder
	space := func(a atom.Atom) {
		if lines && lineBreaks[a] {
			if b.Len() > 0 && !strings.HasSuffix(b.String(), "\n") {
				b.WriteByte('\n')
			}
			return
		}
		if !inline[a] && b.Len() > 0 && !strings.HasSuffix(b.String(), " ") && !(lines && strings.HasSuffix(b.String(), "\n")) {
			b.WriteByte(' ')
		}
	}
	skip := atom.Atom(0) // inside a raw-text element until its end tag
	pos := 0             // bytes of s tokenized so far
	for {
		tt := z.Next()
		pos += len(z.Raw())
		switch tt {
		case html.ErrorToken:
			return b.String()
		case html.TextToken:
			if skip == 0 {
				b.Write(z.Text())
			}
		case html.StartTagToken:
			name, _ := z.TagName()
			a := atom.Lookup(name)
			// An element that is never closed hides nothing in plain text:
			// what follows "<script>" in a ticket subject is still the
			// customer's text (and is stripped of tags in the next pass).
			if skip == 0 && rawText[a] {
				end, ok := lastEnd[a]
				if !ok {
					end = strings.LastIndex(lower, "</"+string(name))
					lastEnd[a] = end
				}
				if end >= pos {
					skip = a
				}
			}
			space(a)
		case html.EndTagToken:
			name, _ := z.TagName()
			a := atom.Lookup(name)
			if a == skip {
				skip = 0
			}
			space(a)
		case html.SelfClosingTagToken:
			name, _ := z.TagName()
			space(atom.Lookup(name))
		}
	}
}

// asciiLower lowers ASCII letters only, so that byte offsets in its result
// are those of s: strings.ToLower changes the length of "ẞ" and of invalid
// UTF-8, and a tokenizer offset into s would then fall outside it.
func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// URL returns u when it is an absolute http(s) URL or a relative reference
// without a scheme, and "" for anything else (javascript:, data:, …).
func URL(u string) string {
	u = strings.TrimSpace(u)
	if u == "" {
		return ""
	}
	p, err := url.Parse(u)
	if err != nil || strings.ContainsAny(u, "<>\"'`") {
		return ""
	}
	switch strings.ToLower(p.Scheme) {
	case "http", "https":
		return u
	case "":
		if strings.Contains(u, ":") && !strings.HasPrefix(u, "/") && !strings.HasPrefix(u, ".") && !strings.HasPrefix(u, "#") && !strings.HasPrefix(u, "?") {
			return "" // "javascript&colon;…" after decoding, or an odd scheme
		}
		return u
	}
	return ""
}
