package docx

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"path"
	"regexp"
	"strconv"
	"strings"
	"unicode"

	"github.com/answerdesk/answerdesk/ingest"
	"github.com/answerdesk/answerdesk/retrieval"
)

// Limits.
const (
	// DefaultMaxSize bounds the .docx file.
	DefaultMaxSize = 50 << 20
	maxEntries     = 5000
	maxPartSize    = 64 << 20 // one inflated XML part
	maxRatio       = 200      // inflated / compressed for one part
	maxXMLDepth    = 512
)

// Loader loads .docx files.
type Loader struct {
	// MaxSize rejects larger files with ingest.ErrTooLarge (DefaultMaxSize when zero).
	MaxSize int64
}

var _ ingest.Loader = (*Loader)(nil)

// Load implements ingest.Loader.
func (l *Loader) Load(ctx context.Context, src ingest.Source) ([]ingest.Document, error) {
	return ingest.LoadWhole(ctx, src, "docx", l.MaxSize, DefaultMaxSize, func(_ context.Context, data []byte, src ingest.Source) ([]ingest.Document, error) {
		doc, err := Parse(data, src)
		return []ingest.Document{doc}, err
	})
}

// Parse reads a .docx held in memory.
func Parse(data []byte, src ingest.Source) (ingest.Document, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return ingest.Document{}, fmt.Errorf("not a zip archive: %v: %w", err, ingest.ErrMalformed)
	}
	if len(zr.File) > maxEntries {
		return ingest.Document{}, fmt.Errorf("%d entries, the limit is %d: %w", len(zr.File), maxEntries, ingest.ErrMalformed)
	}
	parts := map[string]*zip.File{}
	for _, f := range zr.File {
		parts[f.Name] = f
	}
	body, ok := parts["word/document.xml"]
	if !ok {
		return ingest.Document{}, fmt.Errorf("no word/document.xml: not a Word document: %w", ingest.ErrMalformed)
	}
	docXML, err := readPart(body)
	if err != nil {
		return ingest.Document{}, err
	}
	styles := map[string]style{}
	if f, ok := parts["word/styles.xml"]; ok {
		if b, err := readPart(f); err == nil {
			styles = parseStyles(b)
		}
	}
	title := ""
	if f, ok := parts["docProps/core.xml"]; ok {
		if b, err := readPart(f); err == nil {
			title = coreTitle(b)
		}
	}
	p := &parser{styles: styles}
	if err := p.parse(docXML); err != nil {
		return ingest.Document{}, err
	}
	p.closeSection()
	d := ingest.Document{
		ID: src.ID, Kind: src.Kind, Lang: src.Lang, Title: title,
		Meta:     map[string]string{"format": "docx"},
		Sections: p.sections,
	}
	if d.Kind == "" {
		d.Kind = retrieval.KindDoc
	}
	if d.Title == "" {
		d.Title = p.title
	}
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
	for _, r := range []string{"hidden text", "white text", "tiny font"} {
		if n := p.hidden[r]; n > 0 {
			d.Losses = append(d.Losses, ingest.Loss{Where: "document", Reason: fmt.Sprintf("%s dropped: %d characters", r, n)})
		}
	}
	if len(d.Sections) == 0 {
		return d, fmt.Errorf("no visible text: %w", ingest.ErrEmpty)
	}
	return d, nil
}

// readPart inflates one part within the size and ratio limits.
func readPart(f *zip.File) ([]byte, error) {
	if f.UncompressedSize64 > maxPartSize {
		return nil, fmt.Errorf("%s: %d bytes inflated, the limit is %d: %w", f.Name, f.UncompressedSize64, maxPartSize, ingest.ErrTooLarge)
	}
	if f.CompressedSize64 > 0 && f.UncompressedSize64/f.CompressedSize64 > maxRatio && f.UncompressedSize64 > 1<<20 {
		return nil, fmt.Errorf("%s: compression ratio over %d (zip bomb?): %w", f.Name, maxRatio, ingest.ErrMalformed)
	}
	rc, err := f.Open()
	if err != nil {
		return nil, fmt.Errorf("%s: %v: %w", f.Name, err, ingest.ErrMalformed)
	}
	defer rc.Close()
	// The header sizes may lie: bound what is actually inflated.
	b, err := io.ReadAll(io.LimitReader(rc, maxPartSize+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %v: %w", f.Name, err, ingest.ErrMalformed)
	}
	if len(b) > maxPartSize {
		return nil, fmt.Errorf("%s: inflates past %d bytes: %w", f.Name, maxPartSize, ingest.ErrTooLarge)
	}
	return b, nil
}

type style struct {
	name    string
	level   int // heading level, 0 for body text
	title   bool
	basedOn string
}

var reHeadingName = regexp.MustCompile(`(?i)^(heading|заголовок|标题|überschrift|titre|título)\s*(\d)$`)

func parseStyles(b []byte) map[string]style {
	out := map[string]style{}
	dec := xml.NewDecoder(bytes.NewReader(b))
	var cur *style
	var id string
	for depth := 0; ; {
		tok, err := dec.Token()
		if err != nil {
			break
		}
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
			if depth > maxXMLDepth {
				return out
			}
			switch t.Name.Local {
			case "style":
				cur, id = &style{}, attr(t, "styleId")
			case "name":
				if cur != nil {
					cur.name = attr(t, "val")
					if m := reHeadingName.FindStringSubmatch(strings.TrimSpace(cur.name)); m != nil {
						cur.level, _ = strconv.Atoi(m[2])
					}
					if strings.EqualFold(cur.name, "title") {
						cur.title = true
					}
				}
			case "outlineLvl":
				if cur != nil && cur.level == 0 {
					if n, err := strconv.Atoi(attr(t, "val")); err == nil && n < 9 {
						cur.level = n + 1
					}
				}
			case "basedOn":
				if cur != nil {
					cur.basedOn = attr(t, "val")
				}
			}
		case xml.EndElement:
			depth--
			if t.Name.Local == "style" && cur != nil {
				out[id] = *cur
				cur = nil
			}
		}
	}
	// A style based on a heading is a heading of that level.
	for id, s := range out {
		b := s
		for i := 0; i < 10 && b.level == 0 && !b.title && b.basedOn != ""; i++ {
			b = out[b.basedOn]
		}
		s.level, s.title = b.level, b.title
		out[id] = s
	}
	return out
}

func coreTitle(b []byte) string {
	dec := xml.NewDecoder(bytes.NewReader(b))
	in := false
	for {
		tok, err := dec.Token()
		if err != nil {
			return ""
		}
		switch t := tok.(type) {
		case xml.StartElement:
			in = t.Name.Local == "title"
		case xml.CharData:
			if in {
				return collapse(string(t))
			}
		case xml.EndElement:
			in = false
		}
	}
}

func attr(e xml.StartElement, local string) string {
	for _, a := range e.Attr {
		if a.Name.Local == local {
			return a.Value
		}
	}
	return ""
}

// para is a paragraph being read.
type para struct {
	text     strings.Builder
	style    string
	level    int // direct outline level + 1
	numbered bool
}

// table is a table being read.
type table struct {
	rows      [][]string
	headerRow []bool
	row       []string
	rowHeader bool
	cell      strings.Builder
}

type parser struct {
	styles   map[string]style
	sections []ingest.Section
	cur      ingest.Section
	path     []string
	levels   []int
	title    string
	hidden   map[string]int

	paras  []*para
	tables []*table
	// run state
	runHidden string
	inText    bool
}

func (p *parser) parse(b []byte) error {
	p.hidden = map[string]int{}
	dec := xml.NewDecoder(bytes.NewReader(b))
	depth := 0
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("word/document.xml: %v: %w", err, ingest.ErrMalformed)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
			if depth > maxXMLDepth {
				return fmt.Errorf("word/document.xml: nested deeper than %d: %w", maxXMLDepth, ingest.ErrMalformed)
			}
			p.start(t)
		case xml.EndElement:
			depth--
			p.end(t)
		case xml.CharData:
			if p.inText && len(p.paras) > 0 {
				if p.runHidden != "" {
					p.hidden[p.runHidden] += len([]rune(strings.TrimSpace(string(t))))
				} else {
					p.paras[len(p.paras)-1].text.Write(t)
				}
			}
		}
	}
}

func (p *parser) top() *para {
	if len(p.paras) == 0 {
		return nil
	}
	return p.paras[len(p.paras)-1]
}

func (p *parser) start(t xml.StartElement) {
	switch t.Name.Local {
	case "p":
		p.paras = append(p.paras, &para{})
	case "pStyle":
		if q := p.top(); q != nil {
			q.style = attr(t, "val")
		}
	case "outlineLvl":
		if q := p.top(); q != nil {
			if n, err := strconv.Atoi(attr(t, "val")); err == nil && n < 9 {
				q.level = n + 1
			}
		}
	case "numPr":
		if q := p.top(); q != nil {
			q.numbered = true
		}
	case "r":
		p.runHidden = ""
	case "vanish", "specVanish":
		if v := attr(t, "val"); v != "0" && v != "false" {
			p.runHidden = "hidden text"
		}
	case "color":
		if v := strings.ToUpper(attr(t, "val")); (v == "FFFFFF" || v == "FFF") && p.runHidden == "" {
			p.runHidden = "white text"
		}
	case "sz":
		if n, err := strconv.Atoi(attr(t, "val")); err == nil && n < 4 && p.runHidden == "" {
			p.runHidden = "tiny font" // half-points: under 2pt
		}
	case "t":
		p.inText = true
	case "tab":
		if q := p.top(); q != nil && p.runHidden == "" {
			q.text.WriteByte(' ')
		}
	case "br", "cr":
		if q := p.top(); q != nil && p.runHidden == "" {
			q.text.WriteByte('\n')
		}
	case "tbl":
		p.tables = append(p.tables, &table{})
	case "tr":
		if tb := p.tbl(); tb != nil {
			tb.row, tb.rowHeader = nil, false
		}
	case "tblHeader":
		if tb := p.tbl(); tb != nil {
			tb.rowHeader = attr(t, "val") != "0" && attr(t, "val") != "false"
		}
	case "tc":
		if tb := p.tbl(); tb != nil {
			tb.cell.Reset()
		}
	}
}

func (p *parser) tbl() *table {
	if len(p.tables) == 0 {
		return nil
	}
	return p.tables[len(p.tables)-1]
}

func (p *parser) end(t xml.EndElement) {
	switch t.Name.Local {
	case "t":
		p.inText = false
	case "r":
		p.runHidden = ""
	case "p":
		q := p.top()
		if q == nil {
			return
		}
		p.paras = p.paras[:len(p.paras)-1]
		text := strings.TrimSpace(q.text.String())
		if outer := p.top(); outer != nil {
			// A text box inside a paragraph: its text joins the paragraph.
			if text != "" {
				outer.text.WriteString(" " + text)
			}
			return
		}
		if tb := p.tbl(); tb != nil {
			if text != "" {
				if tb.cell.Len() > 0 {
					tb.cell.WriteByte(' ')
				}
				tb.cell.WriteString(collapse(text))
			}
			return
		}
		p.paragraph(q, text)
	case "tc":
		if tb := p.tbl(); tb != nil {
			tb.row = append(tb.row, tb.cell.String())
		}
	case "tr":
		if tb := p.tbl(); tb != nil && len(tb.row) > 0 {
			tb.rows = append(tb.rows, tb.row)
			tb.headerRow = append(tb.headerRow, tb.rowHeader)
		}
	case "tbl":
		tb := p.tbl()
		if tb == nil {
			return
		}
		p.tables = p.tables[:len(p.tables)-1]
		if outer := p.tbl(); outer != nil {
			// A nested table flattens into the enclosing cell.
			for _, r := range tb.rows {
				outer.cell.WriteString(" " + strings.Join(r, " | "))
			}
			return
		}
		p.table(tb)
	}
}

func (p *parser) paragraph(q *para, text string) {
	if text == "" {
		return
	}
	level := q.level
	st := p.styles[q.style]
	if level == 0 {
		level = st.level
	}
	if st.title || strings.EqualFold(q.style, "Title") {
		if p.title == "" {
			p.title = collapse(text)
		}
		return
	}
	if level == 0 {
		if m := reHeadingName.FindStringSubmatch(q.style); m != nil {
			level, _ = strconv.Atoi(m[2])
		}
	}
	if level > 0 {
		p.heading(level, collapse(text))
		return
	}
	lines := strings.Split(text, "\n")
	for i := range lines {
		lines[i] = collapse(lines[i])
	}
	t := strings.TrimSpace(strings.Join(lines, "\n"))
	if q.numbered {
		t = "- " + t
	}
	p.cur.Blocks = append(p.cur.Blocks, ingest.Block{Kind: ingest.Paragraph, Text: t})
}

func (p *parser) heading(level int, title string) {
	p.closeSection()
	for len(p.levels) > 0 && p.levels[len(p.levels)-1] >= level {
		p.levels = p.levels[:len(p.levels)-1]
		p.path = p.path[:len(p.path)-1]
	}
	p.levels = append(p.levels, level)
	p.path = append(p.path, title)
	p.cur = ingest.Section{Heading: append([]string(nil), p.path...)}
}

func (p *parser) closeSection() {
	if len(p.cur.Blocks) > 0 {
		p.sections = append(p.sections, p.cur)
	}
	p.cur = ingest.Section{Heading: append([]string(nil), p.path...)}
}

// table emits rows; the header is the rows marked as repeating headers, or
// else the first row when the table has more than one.
func (p *parser) table(tb *table) {
	if len(tb.rows) == 0 {
		return
	}
	rows := tb.rows
	var header []string
	switch {
	case tb.headerRow[0]:
		header, rows = rows[0], rows[1:]
	case len(rows) > 1:
		header, rows = rows[0], rows[1:]
	}
	b := ingest.Block{Kind: ingest.Table, Header: strings.Join(header, " | ")}
	for _, r := range rows {
		var parts []string
		for i, c := range r {
			if c = collapse(c); c == "" {
				continue
			}
			if i < len(header) && strings.TrimSpace(header[i]) != "" {
				parts = append(parts, collapse(header[i])+": "+c)
			} else {
				parts = append(parts, c)
			}
		}
		if len(parts) == 0 {
			continue
		}
		sep := " | "
		if header != nil {
			sep = "; "
		}
		b.Rows = append(b.Rows, strings.Join(parts, sep))
	}
	if len(b.Rows) == 0 {
		if t := collapse(strings.Join(tb.rows[0], " ")); t != "" {
			p.cur.Blocks = append(p.cur.Blocks, ingest.Block{Kind: ingest.Paragraph, Text: t})
		}
		return
	}
	p.cur.Blocks = append(p.cur.Blocks, b)
}

func collapse(s string) string {
	return strings.Join(strings.FieldsFunc(s, unicode.IsSpace), " ")
}
