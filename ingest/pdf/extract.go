package pdf

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"regexp"
	"sort"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	lpdf "github.com/ledongthuc/pdf"
	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"
	"golang.org/x/text/unicode/norm"

	"github.com/answerdesk/answerdesk/ingest"
)

// Errors Extract returns besides ingest.ErrEmpty and ingest.ErrMalformed
// (both sentinels below wrap ingest.ErrMalformed).
var (
	// ErrEncrypted: the file needs a password to open.
	ErrEncrypted = fmt.Errorf("encrypted with a password: %w", ingest.ErrMalformed)
	// ErrTimeout: extraction did not finish within the time bound.
	ErrTimeout = fmt.Errorf("extraction timed out: %w", ingest.ErrMalformed)
	// ErrCrashed: the extraction process died (panic outside recovery,
	// memory limit, signal).
	ErrCrashed = fmt.Errorf("extraction crashed: %w", ingest.ErrMalformed)
)

// Limits on the document as a whole.
const (
	maxPages     = 20_000
	maxTreeDepth = 64
)

// Page is the text of one page.
type Page struct {
	Number int    `json:"page"` // 1-based
	Text   string `json:"text"`
	// Respaced is set when words came out glued and spaces were rebuilt
	// from glyph positions.
	Respaced bool `json:"respaced,omitempty"`
}

// Result is what a PDF yields.
type Result struct {
	Title  string        `json:"title,omitempty"`
	Pages  []Page        `json:"pages"` // pages with text, in order
	Count  int           `json:"page_count"`
	Losses []ingest.Loss `json:"losses,omitempty"`
	// Decrypted is set when the file was encrypted without a user password.
	Decrypted bool `json:"decrypted,omitempty"`
	// Repaired is set when the cross-reference table was rebuilt.
	Repaired bool `json:"repaired,omitempty"`
}

// Extract parses a PDF in the calling process. It recovers panics of the
// parser per page and per document, but cannot bound a parser loop: use a
// Loader with a Command for untrusted files.
func Extract(ctx context.Context, data []byte) (res *Result, err error) {
	defer func() {
		if r := recover(); r != nil {
			res = nil
			if e, ok := r.(error); ok && (errors.Is(e, context.Canceled) || errors.Is(e, context.DeadlineExceeded)) {
				err = e
				return
			}
			err = fmt.Errorf("parse: %v: %w", r, ingest.ErrMalformed)
		}
	}()
	orig := data
	res = &Result{}
	data, err = repair(data)
	if err != nil {
		// No header or no %%EOF: readers rebuild such files from their objects.
		fixed, ok := rebuild(orig)
		if !ok {
			return nil, err
		}
		data, res.Repaired = fixed, true
	}
	if bytes.Contains(data, []byte("/Encrypt")) {
		if dec, derr := decrypt(data); derr == nil {
			data, res.Decrypted = dec, true
		}
	}
	r, err := openReader(data)
	if err != nil && !res.Repaired {
		if fixed, ok := rebuild(orig); ok {
			if r2, err2 := openReader(fixed); err2 == nil {
				r, err, res.Repaired = r2, nil, true
			}
		}
	}
	if err != nil {
		if errors.Is(err, lpdf.ErrInvalidPassword) || strings.Contains(err.Error(), "encrypt") {
			return nil, fmt.Errorf("%v: %w", err, ErrEncrypted)
		}
		return nil, fmt.Errorf("%v: %w", err, ingest.ErrMalformed)
	}
	if !res.Repaired && len(pagesOf(r)) == 0 {
		// A table that parses but leads to no page: try the objects.
		if fixed, ok := rebuild(orig); ok {
			if r2, err2 := openReader(fixed); err2 == nil && len(pagesOf(r2)) > 0 {
				r, res.Repaired = r2, true
			}
		}
	}
	if res.Repaired {
		res.Losses = append(res.Losses, ingest.Loss{Where: "file", Reason: "damaged cross-reference table rebuilt from the objects"})
	}
	res.Title = safeTitle(r)
	pages := pagesOf(r)
	if len(pages) == 0 {
		return nil, fmt.Errorf("no pages: %w", ingest.ErrMalformed)
	}
	res.Count = len(pages)
	var hiddenOnly, garbage, failed int
	for i, p := range pages {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		n := i + 1
		pt, losses, perr := extractPage(ctx, p)
		if perr != nil {
			if errors.Is(perr, context.Canceled) || errors.Is(perr, context.DeadlineExceeded) {
				return nil, perr
			}
			failed++
			res.Losses = append(res.Losses, ingest.Loss{Where: fmt.Sprintf("page %d", n), Reason: perr.Error()})
			continue
		}
		for _, l := range losses {
			l.Where = fmt.Sprintf("page %d", n)
			res.Losses = append(res.Losses, l)
		}
		switch {
		case pt.garbage:
			garbage++
		case pt.text == "" && pt.hidden > 0:
			hiddenOnly++
		case pt.text != "":
			res.Pages = append(res.Pages, Page{Number: n, Text: pt.text, Respaced: pt.respaced})
		}
	}
	if len(res.Pages) == 0 {
		switch {
		case garbage > 0:
			return nil, fmt.Errorf("no readable text: %d of %d pages have undecodable text: %w", garbage, len(pages), ingest.ErrEmpty)
		case hiddenOnly > 0:
			return nil, fmt.Errorf("only hidden text on %d pages: %w", hiddenOnly, ingest.ErrEmpty)
		case failed == len(pages):
			return nil, fmt.Errorf("no page could be read (%s): %w", res.Losses[0].Reason, ingest.ErrMalformed)
		default:
			return nil, fmt.Errorf("no text layer (scanned?): %w", ingest.ErrEmpty)
		}
	}
	return res, nil
}

// repair fixes what the parser rejects but readers accept: a PDF 2.0 or
// oddly terminated header and bytes after the last %%EOF.
func repair(data []byte) ([]byte, error) {
	if len(data) < 8 || !bytes.HasPrefix(data, []byte("%PDF-")) {
		return nil, fmt.Errorf("not a PDF (no %%PDF- header): %w", ingest.ErrMalformed)
	}
	okVersion := data[5] == '1' && data[6] == '.' && data[7] >= '0' && data[7] <= '7'
	okEnd := len(data) > 8 && (data[8] == '\r' || data[8] == '\n')
	if !okVersion || !okEnd {
		if len(data) > 8 && (okEnd || data[8] == ' ' || data[8] == '\t') {
			data = bytes.Clone(data)
			copy(data[5:], "1.7\n")
		} else if !okEnd {
			return nil, fmt.Errorf("malformed PDF header %q: %w", data[:min(len(data), 12)], ingest.ErrMalformed)
		}
	}
	i := bytes.LastIndex(data, []byte("%%EOF"))
	if i < 0 {
		return nil, fmt.Errorf("truncated PDF (no %%%%EOF): %w", ingest.ErrMalformed)
	}
	return data[:i+5], nil
}

// openReader opens data with the parser, recovering its panics.
func openReader(data []byte) (r *lpdf.Reader, err error) {
	defer func() {
		if x := recover(); x != nil {
			r, err = nil, fmt.Errorf("parse: %v", x)
		}
	}()
	return lpdf.NewReader(bytes.NewReader(data), int64(len(data)))
}

var pdfcpuOnce sync.Once

// decrypt removes password-less encryption (empty user password) in memory.
func decrypt(data []byte) (out []byte, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("decrypt: %v", r)
		}
	}()
	pdfcpuOnce.Do(api.DisableConfigDir)
	conf := model.NewDefaultConfiguration()
	conf.ValidationMode = model.ValidationRelaxed
	var buf bytes.Buffer
	if err := api.Decrypt(bytes.NewReader(data), &buf, conf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// pagesOf returns a reader's pages, none when even the root is unreadable.
func pagesOf(r *lpdf.Reader) (pages []pageNode) {
	defer func() {
		if x := recover(); x != nil {
			if e, ok := x.(error); ok && (errors.Is(e, context.Canceled) || errors.Is(e, context.DeadlineExceeded)) {
				panic(x)
			}
			pages = nil
		}
	}()
	return collectPages(r.Trailer().Key("Root").Key("Pages"))
}

func safeTitle(r *lpdf.Reader) (title string) {
	defer func() {
		if recover() != nil {
			title = ""
		}
	}()
	return cleanTitle(r.Trailer().Key("Info").Key("Title").Text())
}

type pageNode struct {
	v    lpdf.Value
	res  lpdf.Value
	crop rect
}

// collectPages walks the page tree with inherited attributes, bounded in
// depth and count (a cyclic tree cannot loop).
func collectPages(root lpdf.Value) []pageNode {
	var out []pageNode
	var walk func(v, res lpdf.Value, box rect, hasBox bool, depth int)
	walk = func(v, res lpdf.Value, box rect, hasBox bool, depth int) {
		// A broken node (the parser panics resolving it) loses its subtree,
		// not the document.
		defer func() {
			if x := recover(); x != nil {
				if e, ok := x.(error); ok && (errors.Is(e, context.Canceled) || errors.Is(e, context.DeadlineExceeded)) {
					panic(x)
				}
			}
		}()
		if depth > maxTreeDepth || len(out) >= maxPages || v.Kind() != lpdf.Dict {
			return
		}
		if r := v.Key("Resources"); r.Kind() == lpdf.Dict {
			res = r
		}
		for _, k := range []string{"MediaBox", "CropBox"} {
			if b := v.Key(k); b.Len() == 4 {
				x0, y0, x1, y1 := b.Index(0).Float64(), b.Index(1).Float64(), b.Index(2).Float64(), b.Index(3).Float64()
				r := rect{math.Min(x0, x1), math.Min(y0, y1), math.Max(x0, x1), math.Max(y0, y1)}
				if r.x1-r.x0 > 1 && r.y1-r.y0 > 1 {
					box, hasBox = r, true
				}
			}
		}
		kids := v.Key("Kids")
		if v.Key("Type").Name() == "Pages" || (kids.Kind() == lpdf.Array && v.Key("Type").Name() != "Page") {
			for i := 0; i < kids.Len() && len(out) < maxPages; i++ {
				walk(kids.Index(i), res, box, hasBox, depth+1)
			}
			return
		}
		if !hasBox {
			box = rect{0, 0, 612, 792}
		}
		out = append(out, pageNode{v: v, res: res, crop: box})
	}
	walk(root, lpdf.Value{}, rect{}, false, 0)
	return out
}

type pageText struct {
	text     string
	respaced bool
	garbage  bool
	hidden   int
}

// extractPage interprets one page and turns its visible glyphs into text.
func extractPage(ctx context.Context, p pageNode) (pt pageText, losses []ingest.Loss, err error) {
	in := newInterp(ctx, p.crop)
	func() {
		defer func() {
			if r := recover(); r != nil {
				if e, ok := r.(error); ok {
					err = e
				} else {
					err = fmt.Errorf("%v", r)
				}
			}
		}()
		if c := p.v.Key("Contents"); c.Kind() == lpdf.Stream || c.Kind() == lpdf.Array {
			in.run(c, p.res, 0)
		}
	}()
	if err != nil {
		if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
			return pt, nil, err
		}
		if len(in.glyphs) == 0 {
			return pt, nil, fmt.Errorf("unreadable content: %v", err)
		}
		// Keep what was read before the fault, and say so.
		losses = append(losses, ingest.Loss{Reason: fmt.Sprintf("content cut short: %v", err)})
	}
	hidden := map[string]int{}
	visible := in.glyphs[:0:0]
	for _, g := range in.glyphs {
		if g.hidden == "" && len(visible) > 0 && strings.TrimSpace(g.text) == "" {
			// A space drawn inside the previous glyph (InDesign writes one
			// after a ligature) is not a word break.
			if p := visible[len(visible)-1]; math.Abs(g.y-p.y) < 0.1*math.Max(g.size, 1) && g.x < p.x+p.w-0.2*g.size && g.x >= p.x {
				continue
			}
		}
		if g.hidden != "" {
			if t := strings.TrimSpace(g.text); t != "" {
				hidden[g.hidden] += utf8.RuneCountInString(t)
				pt.hidden++
			}
			continue
		}
		visible = append(visible, g)
	}
	reasons := make([]string, 0, len(hidden))
	for r := range hidden {
		reasons = append(reasons, r)
	}
	sort.Strings(reasons)
	for _, r := range reasons {
		losses = append(losses, ingest.Loss{Reason: fmt.Sprintf("hidden text dropped (%s): %d characters", r, hidden[r])})
	}
	text := plainText(visible)
	if glued(text) {
		if spaced := positionalText(visible); !glued(spaced) || len(spaced) > len(text) {
			text, pt.respaced = spaced, true
		}
	}
	text = normalize(text)
	if bad, total := unreadable(text); total > 0 && float64(bad) > 0.2*float64(total) {
		pt.garbage = true
		losses = append(losses, ingest.Loss{Reason: fmt.Sprintf("page rejected: undecodable text (%d of %d characters unreadable; font encoding not supported?)", bad, total)})
		return pt, losses, nil
	}
	pt.text = stripUnreadable(text)
	return pt, losses, nil
}

// plainText concatenates glyphs in content order, as the plain extraction
// of the underlying library does, but where the content positions text
// explicitly (a new text object, a line move, a TJ adjustment) it writes a
// line break when the baseline changed and a space when the move left a
// gap of more than 0.15 em.
func plainText(gs []glyph) string {
	var b strings.Builder
	for i, g := range gs {
		if g.brk && i > 0 {
			p := gs[i-1]
			size := math.Max(math.Max(g.size, p.size), 1)
			gap := g.x - (p.x + p.w)
			switch {
			case math.Abs(g.y-p.y) > 0.5*size || gap < -size:
				b.WriteByte('\n')
			case gap > 0.15*size && !endsSpace(p.text) && !startsSpace(g.text):
				b.WriteByte(' ')
			}
		}
		b.WriteString(g.text)
	}
	return b.String()
}

// positionalText rebuilds spaces and line breaks from glyph positions: a gap
// wider than 0.15 em between neighbours in content order is a space, a
// baseline change is a new line, a vertical gap over 1.5 lines a paragraph.
func positionalText(gs []glyph) string {
	var b strings.Builder
	for i, g := range gs {
		if i > 0 {
			p := gs[i-1]
			size := math.Max(math.Max(g.size, p.size), 1)
			dy := p.y - g.y
			gap := g.x - (p.x + p.w)
			switch {
			case math.Abs(dy) > 0.5*size:
				if dy > 2.2*size {
					b.WriteString("\n\n")
				} else {
					b.WriteByte('\n')
				}
			case gap < -size*2:
				b.WriteByte('\n')
			case gap > 0.15*size && !endsSpace(p.text) && !startsSpace(g.text):
				b.WriteByte(' ')
			}
		}
		b.WriteString(g.text)
	}
	return b.String()
}

// reHyphenBreak matches a word hyphenated across a line break.
var reHyphenBreak = regexp.MustCompile(`(\p{L})-[ ]*\n[ ]*(\p{Ll})`)

func endsSpace(s string) bool {
	r, _ := utf8.DecodeLastRuneInString(s)
	return unicode.IsSpace(r)
}

func startsSpace(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsSpace(r)
}

// glued reports whether words in alphabetic text have lost their spaces:
// the mean length of tokens holding Latin or Cyrillic letters is well above
// that of any natural language, or many tokens are very long.
func glued(s string) bool {
	var tokens, letters, long int
	for _, f := range strings.Fields(s) {
		n := 0
		for _, r := range f {
			if r < 0x0530 && unicode.IsLetter(r) {
				n++
			}
		}
		if n == 0 {
			continue
		}
		tokens++
		letters += n
		if n >= 25 {
			long++
		}
	}
	if letters < 40 {
		return false
	}
	return float64(letters)/float64(tokens) > 10 || float64(long) > 0.08*float64(tokens)
}

// normalize applies NFKC (which also splits ligatures such as "ﬁ"), drops
// soft hyphens and zero-width characters, and tidies whitespace.
func normalize(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = norm.NFKC.String(s)
	s = strings.Map(func(r rune) rune {
		switch r {
		case '\u00ad', '\u200b', '\u200c', '\u200d', '\u2060', '\ufeff':
			return -1
		case '\u00a0', '\t', '\u2002', '\u2003', '\u2009':
			return ' '
		case '\r':
			return '\n'
		}
		return r
	}, s)
	s = reHyphenBreak.ReplaceAllString(s, "$1$2")
	lines := strings.Split(s, "\n")
	out := lines[:0]
	blank := 0
	for _, l := range lines {
		l = strings.Join(strings.Fields(l), " ")
		if l == "" {
			blank++
			if blank > 1 || len(out) == 0 {
				continue
			}
		} else {
			blank = 0
		}
		out = append(out, l)
	}
	return strings.TrimSpace(strings.Join(out, "\n"))
}

// unreadable counts characters that cannot be real text: replacement
// characters (which fonts without a text mapping yield), controls,
// private-use and unprintable code points.
func unreadable(s string) (bad, total int) {
	for _, r := range s {
		if unicode.IsSpace(r) {
			continue
		}
		total++
		if r == unicode.ReplacementChar || unicode.IsControl(r) || unicode.Is(unicode.Co, r) || !unicode.IsPrint(r) {
			bad++
		}
	}
	return bad, total
}

func stripUnreadable(s string) string {
	return strings.Map(func(r rune) rune {
		if r == unicode.ReplacementChar || (unicode.IsControl(r) && r != '\n') || unicode.Is(unicode.Co, r) {
			return -1
		}
		return r
	}, s)
}

// reFileTitle matches titles that are only the source file's name, as
// layout programs write them ("191119 Blades.indd", "Microsoft Word - x.docx").
var reFileTitle = regexp.MustCompile(`(?i)^(microsoft (word|powerpoint) - )?.*\.(indd|docx?|pptx?|xlsx?|pdf|qxp|qxd|pages|odt|rtf|tex|dvi|ps|txt|html?)$|^untitled`)

// cleanTitle keeps a document-info title worth citing; "" lets the loader
// fall back to the file name.
func cleanTitle(s string) string {
	s = strings.TrimSpace(normalize(s))
	if !utf8.ValidString(s) || strings.ContainsRune(s, unicode.ReplacementChar) || len(s) > 300 || reFileTitle.MatchString(s) {
		return ""
	}
	return s
}
