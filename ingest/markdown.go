package ingest

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"unicode"

	"github.com/answerdesk/answerdesk/retrieval"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	east "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/text"
)

var md = goldmark.New(goldmark.WithExtensions(extension.Table, extension.Strikethrough))

func isLetterOrDigit(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// maxMarkdownDepth bounds nesting (quotes in lists in quotes …) so that a
// hostile file cannot exhaust the stack.
const maxMarkdownDepth = 64

// loadMarkdown parses CommonMark + GFM tables. Headings become the heading
// path of the blocks under them; the first level-1 heading is the title.
// Raw HTML is dropped: it is where hidden text would hide.
func loadMarkdown(_ context.Context, src Source) ([]Document, error) {
	body, err := readText(src)
	if err != nil {
		return nil, err
	}
	if err := checkMarkdownLimits(body); err != nil {
		return nil, err
	}
	source := []byte(body)
	root := md.Parser().Parse(text.NewReader(source))
	l := mdLoader{src: source}
	l.cur = &Section{}
	l.walkBlocks(root, 0)
	l.close()
	doc := Document{ID: src.ID, Kind: kindOr(src, retrieval.KindDoc), Title: l.title, Lang: src.Lang, Sections: l.sections}
	if doc.Title == "" {
		doc.Title = titleFromPath(src.Path)
	}
	if len(doc.Sections) == 0 {
		return nil, ErrEmpty
	}
	return []Document{doc}, nil
}

type mdLoader struct {
	src      []byte
	title    string
	path     []string // heading path, index = level-1
	cur      *Section
	sections []Section
}

func (l *mdLoader) close() {
	if l.cur != nil && len(l.cur.Blocks) > 0 {
		l.sections = append(l.sections, *l.cur)
	}
}

func (l *mdLoader) heading(level int, title string) {
	l.close()
	if level == 1 && l.title == "" {
		l.title = title
	}
	if level > len(l.path) {
		for len(l.path) < level-1 {
			l.path = append(l.path, "")
		}
		l.path = append(l.path, title)
	} else {
		l.path = append(l.path[:level-1], title)
	}
	l.cur = &Section{Heading: append([]string(nil), l.path...)}
}

func (l *mdLoader) para(s string) {
	if s = strings.TrimSpace(s); s != "" {
		l.cur.Blocks = append(l.cur.Blocks, Block{Kind: Paragraph, Text: s})
	}
}

func (l *mdLoader) walkBlocks(n ast.Node, depth int) {
	if depth > maxMarkdownDepth {
		l.para(l.inline(n))
		return
	}
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		switch v := c.(type) {
		case *ast.Heading:
			l.heading(v.Level, strings.TrimSpace(l.inline(v)))
		case *ast.Paragraph, *ast.TextBlock:
			l.para(l.inline(v))
		case *ast.List:
			l.para(l.list(v, depth))
		case *ast.FencedCodeBlock, *ast.CodeBlock:
			l.para(l.lines(v))
		case *east.Table:
			l.table(v)
		case *ast.HTMLBlock, *ast.ThematicBreak:
			// dropped
		default:
			l.walkBlocks(c, depth+1)
		}
	}
}

// list renders a list as one paragraph, an item a line.
func (l *mdLoader) list(n *ast.List, depth int) string {
	var b strings.Builder
	i := n.Start
	for item := n.FirstChild(); item != nil; item = item.NextSibling() {
		prefix := "- "
		if n.IsOrdered() {
			prefix = strconv.Itoa(i) + ". "
			i++
		}
		var parts []string
		for c := item.FirstChild(); c != nil; c = c.NextSibling() {
			switch v := c.(type) {
			case *ast.List:
				if depth < maxMarkdownDepth {
					parts = append(parts, "\n"+indent(l.list(v, depth+1)))
				}
			case *ast.FencedCodeBlock, *ast.CodeBlock:
				parts = append(parts, l.lines(v))
			default:
				parts = append(parts, l.inline(c))
			}
		}
		b.WriteString(prefix + strings.TrimSpace(strings.Join(parts, " ")) + "\n")
	}
	return b.String()
}

func indent(s string) string {
	return "  " + strings.ReplaceAll(strings.TrimRight(s, "\n"), "\n", "\n  ")
}

func (l *mdLoader) lines(n ast.Node) string {
	var b strings.Builder
	ls := n.Lines()
	for i := 0; i < ls.Len(); i++ {
		seg := ls.At(i)
		b.Write(seg.Value(l.src))
	}
	return b.String()
}

// table keeps a table as header + rows "Column: value; Column: value".
func (l *mdLoader) table(t *east.Table) {
	var header []string
	var rows []string
	for r := t.FirstChild(); r != nil; r = r.NextSibling() {
		var cells []string
		for c := r.FirstChild(); c != nil; c = c.NextSibling() {
			cells = append(cells, strings.TrimSpace(l.inline(c)))
		}
		if _, ok := r.(*east.TableHeader); ok {
			header = cells
			continue
		}
		var parts []string
		for i, v := range cells {
			if i < len(header) && header[i] != "" {
				parts = append(parts, header[i]+": "+v)
			} else {
				parts = append(parts, v)
			}
		}
		rows = append(rows, strings.Join(parts, "; "))
	}
	l.cur.Blocks = append(l.cur.Blocks, Block{Kind: Table, Header: strings.Join(header, " | "), Rows: rows})
}

// inline renders the text of inline content.
func (l *mdLoader) inline(n ast.Node) string {
	var b strings.Builder
	htmlDepth := 0 // inside inline HTML elements, whose text is dropped
	_ = ast.Walk(n, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		if raw, ok := c.(*ast.RawHTML); ok {
			htmlDepth += htmlTagDelta(l.rawText(raw))
			if htmlDepth < 0 {
				htmlDepth = 0
			}
			return ast.WalkSkipChildren, nil
		}
		if htmlDepth > 0 {
			return ast.WalkContinue, nil
		}
		switch v := c.(type) {
		case *ast.Text:
			b.Write(v.Segment.Value(l.src))
			if v.SoftLineBreak() || v.HardLineBreak() {
				b.WriteByte(' ')
			}
		case *ast.String:
			b.Write(v.Value)
		case *ast.CodeSpan:
			for cc := v.FirstChild(); cc != nil; cc = cc.NextSibling() {
				if t, ok := cc.(*ast.Text); ok {
					b.Write(t.Segment.Value(l.src))
				}
			}
			return ast.WalkSkipChildren, nil
		case *ast.AutoLink:
			b.Write(v.URL(l.src))
		case *ast.RawHTML, *ast.Image:
			// Inline HTML and image alt text are not shown as text to a
			// reader, so they are where hidden instructions would go.
			return ast.WalkSkipChildren, nil
		}
		return ast.WalkContinue, nil
	})
	return b.String()
}

// Structural limits for Markdown. Real documents stay far below them; the
// parser's time grows quickly beyond them (50k nested quotes take seconds),
// so a file past a limit is rejected with the reason instead of parsed.
const (
	maxQuoteDepth   = 32
	maxIndent       = 256 // columns of leading whitespace: about 100 nested lists
	maxBracketDepth = 128
	maxLinkRefs     = 10000
)

func checkMarkdownLimits(body string) error {
	refs := 0
	for n, line := range strings.Split(body, "\n") {
		indent, quotes := 0, 0
	prefix:
		for _, r := range line {
			switch r {
			case ' ':
				indent++
			case '\t':
				indent += 4
			case '>':
				quotes++
			default:
				break prefix
			}
		}
		switch {
		case quotes > maxQuoteDepth:
			return fmt.Errorf("%w: line %d: block quotes nested %d deep, the limit is %d", ErrMalformed, n+1, quotes, maxQuoteDepth)
		case indent > maxIndent:
			return fmt.Errorf("%w: line %d: indented %d columns, the limit is %d", ErrMalformed, n+1, indent, maxIndent)
		}
		depth := 0
		for i := 0; i < len(line); i++ {
			switch line[i] {
			case '[':
				depth++
				if depth > maxBracketDepth {
					return fmt.Errorf("%w: line %d: brackets nested more than %d deep", ErrMalformed, n+1, maxBracketDepth)
				}
			case ']':
				if depth > 0 {
					depth--
				}
			}
		}
		if t := strings.TrimLeft(line, " "); strings.HasPrefix(t, "[") && strings.Contains(t, "]:") {
			if refs++; refs > maxLinkRefs {
				return fmt.Errorf("%w: more than %d link reference definitions", ErrMalformed, maxLinkRefs)
			}
		}
	}
	return nil
}

func (l *mdLoader) rawText(r *ast.RawHTML) string {
	var b strings.Builder
	for i := 0; i < r.Segments.Len(); i++ {
		seg := r.Segments.At(i)
		b.Write(seg.Value(l.src))
	}
	return b.String()
}

// voidElements never have a closing tag.
var voidElements = map[string]bool{"br": true, "img": true, "hr": true, "input": true, "meta": true, "link": true, "wbr": true, "area": true, "base": true, "col": true, "embed": true, "source": true, "track": true}

// htmlTagDelta is +1 for an opening tag, -1 for a closing tag, 0 for
// comments, void and self-closing tags.
func htmlTagDelta(tag string) int {
	switch {
	case strings.HasPrefix(tag, "</"):
		return -1
	case strings.HasPrefix(tag, "<!"), strings.HasPrefix(tag, "<?"), strings.HasSuffix(tag, "/>"):
		return 0
	}
	name := strings.TrimPrefix(tag, "<")
	if i := strings.IndexAny(name, " \t\n/>"); i >= 0 {
		name = name[:i]
	}
	if voidElements[strings.ToLower(name)] {
		return 0
	}
	return 1
}
