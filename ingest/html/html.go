package html

import (
	"bytes"
	"context"
	"fmt"
	"path"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode"

	xhtml "golang.org/x/net/html"
	"golang.org/x/net/html/atom"
	"golang.org/x/net/html/charset"

	"github.com/answerdesk/answerdesk/ingest"
	"github.com/answerdesk/answerdesk/retrieval"
)

// Limits.
const (
	// DefaultMaxSize bounds one HTML file.
	DefaultMaxSize = 20 << 20
	// maxDepth bounds element nesting walked; deeper content is dropped.
	maxDepth = 256
)

// Loader loads HTML files.
type Loader struct {
	// MaxSize rejects larger files with ingest.ErrTooLarge (DefaultMaxSize when zero).
	MaxSize int64
}

var _ ingest.Loader = (*Loader)(nil)

// Load implements ingest.Loader.
func (l *Loader) Load(ctx context.Context, src ingest.Source) ([]ingest.Document, error) {
	return ingest.LoadWhole(ctx, src, "html", l.MaxSize, DefaultMaxSize, func(_ context.Context, data []byte, src ingest.Source) ([]ingest.Document, error) {
		doc, err := Parse(data, src)
		return []ingest.Document{doc}, err
	})
}

// Parse turns an HTML page into one document.
func Parse(data []byte, src ingest.Source) (ingest.Document, error) {
	if bytes.IndexByte(data, 0) >= 0 && !looksHTML(data) {
		return ingest.Document{}, fmt.Errorf("binary content, not HTML: %w", ingest.ErrMalformed)
	}
	r, err := charset.NewReader(bytes.NewReader(data), "text/html")
	if err != nil {
		return ingest.Document{}, fmt.Errorf("charset: %v: %w", err, ingest.ErrMalformed)
	}
	root, err := xhtml.Parse(r)
	if err != nil {
		return ingest.Document{}, fmt.Errorf("parse: %v: %w", err, ingest.ErrMalformed)
	}
	w := &walker{hiddenBy: map[string]int{}, sheet: readSheet(root)}
	d := ingest.Document{ID: src.ID, Kind: src.Kind, Lang: src.Lang, Meta: map[string]string{"format": "html"}}
	if d.Kind == "" {
		d.Kind = retrieval.KindDoc
	}
	head := find(root, func(n *xhtml.Node) bool { return n.DataAtom == atom.Head })
	if t := find(head, func(n *xhtml.Node) bool { return n.DataAtom == atom.Title }); t != nil {
		d.Title = collapse(textOf(t))
	}
	if h := find(root, func(n *xhtml.Node) bool { return n.DataAtom == atom.Html }); h != nil && d.Lang == "" {
		d.Lang = primaryLang(attr(h, "lang"))
	}
	if c := find(head, func(n *xhtml.Node) bool {
		return n.DataAtom == atom.Link && strings.EqualFold(attr(n, "rel"), "canonical")
	}); c != nil {
		d.URL = attr(c, "href")
	}
	start := mainContent(root)
	w.walk(start, 0, w.styleAt(start.Parent))
	w.flush()
	w.closeSection()
	d.Sections = w.sections
	if d.Title == "" {
		for _, s := range d.Sections {
			if len(s.Heading) > 0 {
				d.Title = s.Heading[0]
				break
			}
		}
	}
	if d.Title == "" {
		d.Title = strings.NewReplacer("_", " ", "-", " ").Replace(strings.TrimSuffix(path.Base(strings.ReplaceAll(src.Path, "\\", "/")), path.Ext(src.Path)))
	}
	reasons := make([]string, 0, len(w.hiddenBy))
	for r := range w.hiddenBy {
		reasons = append(reasons, r)
	}
	sort.Strings(reasons)
	for _, r := range reasons {
		d.Losses = append(d.Losses, ingest.Loss{Where: "page", Reason: fmt.Sprintf("hidden content dropped (%s): %d elements", r, w.hiddenBy[r])})
	}
	if w.tooDeep > 0 {
		d.Losses = append(d.Losses, ingest.Loss{Where: "page", Reason: fmt.Sprintf("content nested deeper than %d elements dropped: %d elements", maxDepth, w.tooDeep)})
	}
	if len(d.Sections) == 0 {
		return d, fmt.Errorf("no visible text in the main content: %w", ingest.ErrEmpty)
	}
	return d, nil
}

func looksHTML(data []byte) bool {
	head := bytes.ToLower(data[:min(len(data), 512)])
	return bytes.Contains(head, []byte("<html")) || bytes.Contains(head, []byte("<!doctype"))
}

// mainContent picks <main>, role=main, or the single/largest <article>;
// else the body.
func mainContent(root *xhtml.Node) *xhtml.Node {
	if m := find(root, func(n *xhtml.Node) bool {
		return n.Type == xhtml.ElementNode && (n.DataAtom == atom.Main || strings.EqualFold(attr(n, "role"), "main"))
	}); m != nil {
		return m
	}
	var best *xhtml.Node
	bestLen := 0
	findAll(root, func(n *xhtml.Node) bool { return n.DataAtom == atom.Article }, func(n *xhtml.Node) {
		if l := len(textOf(n)); l > bestLen {
			best, bestLen = n, l
		}
	})
	if best != nil {
		return best
	}
	if b := find(root, func(n *xhtml.Node) bool { return n.DataAtom == atom.Body }); b != nil {
		return b
	}
	return root
}

// dropped elements never hold main content.
var dropped = map[atom.Atom]bool{
	atom.Script: true, atom.Style: true, atom.Noscript: true, atom.Template: true, atom.Iframe: true,
	atom.Object: true, atom.Embed: true, atom.Svg: true, atom.Math: true, atom.Canvas: true,
	atom.Nav: true, atom.Header: true, atom.Footer: true, atom.Aside: true, atom.Form: true,
	atom.Button: true, atom.Select: true, atom.Input: true, atom.Textarea: true, atom.Head: true,
	atom.Meta: true, atom.Link: true, atom.Img: true, atom.Picture: true, atom.Video: true, atom.Audio: true,
	atom.Dialog: true,
}

// blocks end the current paragraph.
var blocks = map[atom.Atom]bool{
	atom.P: true, atom.Div: true, atom.Li: true, atom.Ul: true, atom.Ol: true, atom.Dl: true, atom.Dt: true,
	atom.Dd: true, atom.Pre: true, atom.Blockquote: true, atom.Section: true, atom.Article: true,
	atom.Main: true, atom.Br: true, atom.Hr: true, atom.Figure: true, atom.Figcaption: true,
	atom.Details: true, atom.Summary: true, atom.Address: true, atom.Caption: true,
}

type walker struct {
	sections []ingest.Section
	cur      ingest.Section
	path     []string // heading path
	levels   []int    // level of each path element
	para     strings.Builder
	hiddenBy map[string]int
	tooDeep  int
	sheet    *sheet
	pre      int
}

func (w *walker) walk(n *xhtml.Node, depth int, s style) {
	if n == nil {
		return
	}
	if depth > maxDepth {
		w.tooDeep++
		return
	}
	switch n.Type {
	case xhtml.TextNode:
		if w.readable(n, s) {
			w.para.WriteString(n.Data)
		}
		return
	case xhtml.CommentNode, xhtml.DoctypeNode:
		return
	case xhtml.ElementNode:
		if dropped[n.DataAtom] || chrome(n) {
			return
		}
		parent := s
		var reason string
		if s, reason = w.enter(n, s); reason != "" {
			w.hiddenBy[reason]++
			return
		}
		switch n.DataAtom {
		case atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6:
			w.heading(int(n.Data[1]-'0'), collapse(w.visibleText(n, parent)))
			return
		case atom.Table:
			w.flush()
			w.table(n, s)
			return
		case atom.Pre:
			w.flush()
			w.pre++
			defer func() { w.pre--; w.flush() }()
		}
		if blocks[n.DataAtom] {
			w.flush()
			defer w.flush()
		}
		if n.DataAtom == atom.Li {
			w.para.WriteString(listMarker(n))
			defer func() { // an empty item leaves no marker behind
				if reMarker.MatchString(strings.TrimSpace(w.para.String())) {
					w.para.Reset()
				}
			}()
		}
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		w.walk(c, depth+1, s)
	}
}

// readable reports whether a text node drawn in s can be seen; whitespace
// always passes (it separates words), invisible text is counted as a loss.
func (w *walker) readable(n *xhtml.Node, s style) bool {
	if strings.TrimSpace(n.Data) == "" {
		return true
	}
	if r := s.textHidden(); r != "" {
		w.hiddenBy[r]++
		return false
	}
	return true
}

// chromeRoles are ARIA landmarks that are page furniture, not content.
var chromeRoles = map[string]bool{"navigation": true, "banner": true, "contentinfo": true, "complementary": true, "search": true, "menu": true, "menubar": true, "dialog": true, "alertdialog": true}

// chromeNames are class or id words that mark navigation furniture in
// layouts without landmarks.
var chromeNames = map[string]bool{"breadcrumb": true, "breadcrumbs": true, "sidebar": true, "skip-link": true, "skip-to-content": true, "cookie-banner": true, "cookie-consent": true}

// chrome reports whether an element is navigation or page furniture.
func chrome(n *xhtml.Node) bool {
	if chromeRoles[strings.ToLower(attr(n, "role"))] {
		return true
	}
	for _, c := range strings.Fields(strings.ToLower(attr(n, "class") + " " + attr(n, "id"))) {
		if chromeNames[c] {
			return true
		}
	}
	return false
}

// listMarker is "- " for an unordered item and "N. " for the Nth item of
// an ordered list.
func listMarker(li *xhtml.Node) string {
	if li.Parent == nil || li.Parent.DataAtom != atom.Ol {
		return "- "
	}
	n := 1
	if s, err := strconv.Atoi(attr(li.Parent, "start")); err == nil && s > 0 && s < 1e6 {
		n = s
	}
	for c := li.Parent.FirstChild; c != nil && c != li; c = c.NextSibling {
		if c.DataAtom == atom.Li {
			n++
		}
	}
	return strconv.Itoa(n) + ". "
}

var reMarker = regexp.MustCompile(`^(?:-|\d+\.)$`)

// heading closes the current section and opens one under the new path.
func (w *walker) heading(level int, title string) {
	w.flush()
	if title == "" {
		return
	}
	w.closeSection()
	for len(w.levels) > 0 && w.levels[len(w.levels)-1] >= level {
		w.levels = w.levels[:len(w.levels)-1]
		w.path = w.path[:len(w.path)-1]
	}
	w.levels = append(w.levels, level)
	w.path = append(w.path, title)
	w.cur = ingest.Section{Heading: append([]string(nil), w.path...)}
}

func (w *walker) closeSection() {
	if len(w.cur.Blocks) > 0 {
		w.sections = append(w.sections, w.cur)
	}
	w.cur = ingest.Section{Heading: append([]string(nil), w.path...)}
}

// flush ends the current paragraph.
func (w *walker) flush() {
	var t string
	if w.pre > 0 {
		t = strings.Trim(w.para.String(), "\n")
	} else {
		t = collapse(w.para.String())
	}
	w.para.Reset()
	if reMarker.MatchString(t) {
		// A list item whose text sits in a nested block: the marker waits.
		w.para.WriteString(t + " ")
		return
	}
	if strings.TrimSpace(t) != "" {
		w.cur.Blocks = append(w.cur.Blocks, ingest.Block{Kind: ingest.Paragraph, Text: t})
	}
}

// table renders a table as rows; with a header row, each row reads
// "Column: value; Column: value".
func (w *walker) table(t *xhtml.Node, ts style) {
	var rows [][]string
	var header []string
	findAll(t, func(n *xhtml.Node) bool { return n.DataAtom == atom.Tr }, func(tr *xhtml.Node) {
		// Only rows of this table, not of nested tables.
		for p := tr.Parent; p != nil && p != t; p = p.Parent {
			if p.DataAtom == atom.Table {
				return
			}
		}
		s := ts
		if tr.Parent != t {
			var r string
			if s, r = w.enter(tr.Parent, ts); r != "" { // <thead>, <tbody>
				w.hiddenBy[r]++
				return
			}
		}
		s, reason := w.enter(tr, s)
		if reason != "" {
			w.hiddenBy[reason]++
			return
		}
		var cells []string
		allTH := true
		for c := tr.FirstChild; c != nil; c = c.NextSibling {
			if c.DataAtom != atom.Td && c.DataAtom != atom.Th {
				continue
			}
			if c.DataAtom == atom.Td {
				allTH = false
			}
			cells = append(cells, collapse(w.visibleText(c, s)))
		}
		if len(cells) == 0 {
			return
		}
		inHead := tr.Parent != nil && tr.Parent.DataAtom == atom.Thead
		if header == nil && len(rows) == 0 && (allTH || inHead) {
			header = cells
			return
		}
		rows = append(rows, cells)
	})
	if len(rows) == 0 && header == nil {
		return
	}
	b := ingest.Block{Kind: ingest.Table}
	if header != nil {
		b.Header = strings.Join(header, " | ")
	}
	for _, r := range rows {
		var parts []string
		for i, c := range r {
			if c == "" {
				continue
			}
			if i < len(header) && header[i] != "" {
				parts = append(parts, header[i]+": "+c)
			} else {
				parts = append(parts, c)
			}
		}
		sep := " | "
		if header != nil {
			sep = "; "
		}
		if len(parts) > 0 {
			b.Rows = append(b.Rows, strings.Join(parts, sep))
		}
	}
	if len(b.Rows) == 0 {
		if header == nil {
			return
		}
		// A header-only table is still text.
		w.cur.Blocks = append(w.cur.Blocks, ingest.Block{Kind: ingest.Paragraph, Text: b.Header})
		return
	}
	w.cur.Blocks = append(w.cur.Blocks, b)
}

// visibleText is the text of n (drawn in the style of n's parent) without
// dropped or hidden descendants.
func (w *walker) visibleText(n *xhtml.Node, parent style) string {
	var b strings.Builder
	var rec func(*xhtml.Node, int, style)
	rec = func(n *xhtml.Node, depth int, s style) {
		if depth > maxDepth {
			return
		}
		switch n.Type {
		case xhtml.TextNode:
			if w.readable(n, s) {
				b.WriteString(n.Data)
			}
			return
		case xhtml.ElementNode:
			if dropped[n.DataAtom] {
				return
			}
			var r string
			if s, r = w.enter(n, s); r != "" {
				w.hiddenBy[r]++
				return
			}
			if blocks[n.DataAtom] {
				b.WriteByte(' ')
			}
		case xhtml.CommentNode:
			return
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			rec(c, depth+1, s)
		}
	}
	rec(n, 0, parent)
	return b.String()
}

func textOf(n *xhtml.Node) string {
	if n == nil {
		return ""
	}
	var b strings.Builder
	var rec func(*xhtml.Node, int)
	rec = func(n *xhtml.Node, depth int) {
		if depth > maxDepth {
			return
		}
		if n.Type == xhtml.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			rec(c, depth+1)
		}
	}
	rec(n, 0)
	return b.String()
}

// find returns the first node (pre-order, iterative) matching ok.
func find(root *xhtml.Node, ok func(*xhtml.Node) bool) *xhtml.Node {
	var out *xhtml.Node
	findAll(root, ok, func(n *xhtml.Node) {
		if out == nil {
			out = n
		}
	})
	return out
}

// findAll calls fn on every node matching ok, without recursion (hostile
// pages nest very deeply).
func findAll(root *xhtml.Node, ok func(*xhtml.Node) bool, fn func(*xhtml.Node)) {
	if root == nil {
		return
	}
	stack := []*xhtml.Node{root}
	for len(stack) > 0 {
		n := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if ok(n) {
			fn(n)
		}
		var kids []*xhtml.Node
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			kids = append(kids, c)
		}
		for i := len(kids) - 1; i >= 0; i-- {
			stack = append(stack, kids[i])
		}
	}
}

func attr(n *xhtml.Node, key string) string {
	if n == nil {
		return ""
	}
	for _, a := range n.Attr {
		if strings.EqualFold(a.Key, key) {
			return a.Val
		}
	}
	return ""
}

func hasAttr(n *xhtml.Node, key string) bool {
	for _, a := range n.Attr {
		if strings.EqualFold(a.Key, key) {
			return true
		}
	}
	return false
}

// collapse folds whitespace runs to one space.
func collapse(s string) string {
	return strings.Join(strings.FieldsFunc(s, unicode.IsSpace), " ")
}

// primaryLang maps "en-US" to "en", "zh-Hans" to "zh".
func primaryLang(l string) string {
	l = strings.ToLower(strings.TrimSpace(l))
	if i := strings.IndexAny(l, "-_"); i > 0 {
		l = l[:i]
	}
	if len(l) < 2 || len(l) > 3 {
		return ""
	}
	return l
}
