package ingest

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"github.com/answerdesk/answerdesk/retrieval"
)

// Extraction is what one file yields, as ingestion would index it: its
// documents with their sections and blocks (or their chunks), and what
// could not be read, or the error. `answerdesk extract` prints it, as text
// (WriteText) or as this JSON.
type Extraction struct {
	File      string         `json:"file"`
	Documents []ExtractedDoc `json:"documents,omitempty"`
	Error     string         `json:"error,omitempty"`
}

// ExtractedDoc is one document of an Extraction.
type ExtractedDoc struct {
	ID       string             `json:"id"`
	Kind     string             `json:"kind"`
	Title    string             `json:"title"`
	URL      string             `json:"url,omitempty"`
	Lang     string             `json:"lang,omitempty"`
	Meta     map[string]string  `json:"meta,omitempty"`
	Sections []ExtractedSection `json:"sections,omitempty"`
	Chunks   []ExtractedChunk   `json:"chunks,omitempty"`
	Losses   []ExtractedLoss    `json:"losses"`
}

// ExtractedSection is a section of an ExtractedDoc.
type ExtractedSection struct {
	Heading []string         `json:"heading,omitempty"`
	Page    int              `json:"page,omitempty"`
	Blocks  []ExtractedBlock `json:"blocks"`
}

// ExtractedBlock is a block of an ExtractedSection: "paragraph", "entry"
// or "table" (Header and Rows).
type ExtractedBlock struct {
	Kind   string   `json:"kind"`
	Text   string   `json:"text,omitempty"`
	Header string   `json:"header,omitempty"`
	Rows   []string `json:"rows,omitempty"`
}

// ExtractedChunk is a chunk of an ExtractedDoc, as it would be indexed.
type ExtractedChunk struct {
	ID       string `json:"id"`
	Position int    `json:"position"`
	Heading  string `json:"heading,omitempty"`
	Page     int    `json:"page,omitempty"`
	Tokens   int    `json:"tokens"`
	Text     string `json:"text"`
}

// ExtractedLoss is what a loader could not read.
type ExtractedLoss struct {
	Where  string `json:"where"`
	Reason string `json:"reason"`
}

// ExtractOptions say what Extract reports.
type ExtractOptions struct {
	Kind   retrieval.Kind // "" lets the loader decide
	Chunks bool           // chunks instead of sections
	Tenant string         // of the chunk ids [retrieval.DefaultTenant]
	Budget int            // chunk token budget [DefaultBudget]
	Log    *slog.Logger   // a crashed parser's stack
}

// Extract loads the file at path with the loader of its extension, exactly
// as ingestion loads it (same defaults, same cleaning, a crashed parser
// contained), and reports what it yields. On error the Extraction carries
// the error's text.
func Extract(ctx context.Context, loaders map[string]Loader, path string, o ExtractOptions) (Extraction, error) {
	x := Extraction{File: path}
	docs, err := extractFile(ctx, loaders, path, o)
	if err != nil {
		x.Error = err.Error()
		return x, err
	}
	if o.Tenant == "" {
		o.Tenant = retrieval.DefaultTenant
	}
	if o.Budget == 0 {
		o.Budget = DefaultBudget
	}
	for _, d := range docs {
		x.Documents = append(x.Documents, extracted(d, o))
	}
	return x, nil
}

func extractFile(ctx context.Context, loaders map[string]Loader, path string, o ExtractOptions) ([]Document, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if st.IsDir() {
		return nil, fmt.Errorf("%s is a directory: extract takes one file", path)
	}
	log := o.Log
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	src := Source{
		Path: path,
		ID:   strings.TrimSuffix(filepath.Base(path), filepath.Ext(path)),
		Kind: o.Kind,
		Size: st.Size(),
		Open: func() (io.ReadCloser, error) { return os.Open(path) },
	}
	docs, err := loadFile(ctx, loaders, src, 0, log)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return docs, nil
}

func extracted(d Document, o ExtractOptions) ExtractedDoc {
	x := ExtractedDoc{ID: d.ID, Kind: string(d.Kind), Title: d.Title, URL: d.URL, Lang: d.Lang, Meta: d.Meta, Losses: []ExtractedLoss{}}
	for _, l := range d.Losses {
		x.Losses = append(x.Losses, ExtractedLoss(l))
	}
	if o.Chunks {
		for _, c := range Chunk(d, o.Tenant, o.Budget) {
			x.Chunks = append(x.Chunks, ExtractedChunk{ID: c.ID, Position: c.Position, Heading: c.Heading, Page: c.Page, Tokens: CountTokens(c.Text), Text: c.Text})
		}
		return x
	}
	for _, s := range d.Sections {
		xs := ExtractedSection{Heading: s.Heading, Page: s.Page}
		for _, b := range s.Blocks {
			xs.Blocks = append(xs.Blocks, ExtractedBlock{Kind: blockKind(b.Kind), Text: b.Text, Header: b.Header, Rows: b.Rows})
		}
		x.Sections = append(x.Sections, xs)
	}
	return x
}

func blockKind(k BlockKind) string {
	switch k {
	case Table:
		return "table"
	case Entry:
		return "entry"
	}
	return "paragraph"
}

// WriteText prints the extraction for a person: each document's sections
// and blocks (or chunks, when chunks), what was dropped, and a count.
func (x Extraction) WriteText(w io.Writer, chunks bool) {
	if x.Error != "" {
		fmt.Fprintf(w, "%s: nothing extracted\n", x.File)
		return
	}
	var sections, blocks, losses, nchunks int
	for _, d := range x.Documents {
		fmt.Fprintf(w, "== %s [%s] %q", d.ID, d.Kind, d.Title)
		if d.Lang != "" {
			fmt.Fprintf(w, " lang=%s", d.Lang)
		}
		fmt.Fprintln(w)
		for _, s := range d.Sections {
			sections++
			switch {
			case s.Page > 0:
				fmt.Fprintf(w, "\n-- page %d\n", s.Page)
			case len(s.Heading) > 0:
				fmt.Fprintf(w, "\n-- %s\n", strings.Join(s.Heading, HeadingSep))
			default:
				fmt.Fprintln(w, "\n--")
			}
			for _, b := range s.Blocks {
				blocks++
				if b.Kind == "table" {
					if b.Header != "" {
						fmt.Fprintf(w, "[table] %s\n", b.Header)
					}
					for _, r := range b.Rows {
						fmt.Fprintf(w, "  %s\n", r)
					}
					continue
				}
				fmt.Fprintln(w, b.Text)
			}
		}
		for _, c := range d.Chunks {
			nchunks++
			fmt.Fprintf(w, "\n-- chunk %d (%d tokens)", c.Position, c.Tokens)
			if c.Heading != "" {
				fmt.Fprintf(w, " %s", c.Heading)
			}
			if c.Page > 0 {
				fmt.Fprintf(w, " page %d", c.Page)
			}
			fmt.Fprintf(w, "\n%s\n", c.Text)
		}
		for _, l := range d.Losses {
			losses++
			fmt.Fprintf(w, "dropped: %s: %s\n", l.Where, l.Reason)
		}
		fmt.Fprintln(w)
	}
	if chunks {
		fmt.Fprintf(w, "%s: %d documents, %d chunks, %d losses\n", x.File, len(x.Documents), nchunks, losses)
		return
	}
	fmt.Fprintf(w, "%s: %d documents, %d sections, %d blocks, %d losses\n", x.File, len(x.Documents), sections, blocks, losses)
}
