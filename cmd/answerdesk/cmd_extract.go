package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/answerdesk/answerdesk/ingest"
	"github.com/answerdesk/answerdesk/ingest/formats"
	"github.com/answerdesk/answerdesk/ingest/pdf"
	"github.com/answerdesk/answerdesk/retrieval"
)

// pdfChildArg is the hidden first argument that makes the binary serve one
// isolated PDF extraction on stdin/stdout; main checks it before anything
// else, so that it never shows in the command list.
const pdfChildArg = "__answerdesk-pdf-child"

// PDF extraction bounds for the isolated child.
const (
	pdfTimeout     = 30 * time.Second
	pdfMemoryLimit = 1 << 30
)

// pdfChild serves one PDF extraction on stdin/stdout (see pdf.ServeChild)
// and returns the exit status.
func pdfChild() int {
	if err := pdf.ServeChild(context.Background(), os.Stdin, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "answerdesk pdf child:", err)
		return 1
	}
	return 0
}

// formatOptions configures every loader; PDFs are parsed in a child process
// of this binary, bounded in time and memory.
func formatOptions() formats.Options {
	var o formats.Options
	if exe, err := os.Executable(); err == nil {
		o.PDF.Command = func(ctx context.Context) *exec.Cmd {
			return exec.CommandContext(ctx, exe, pdfChildArg)
		}
	}
	o.PDF.Timeout = pdfTimeout
	o.PDF.MemoryLimit = pdfMemoryLimit
	return o
}

// extractJSON is what extract --json prints.
type extractJSON struct {
	File      string        `json:"file"`
	Documents []extractDoc  `json:"documents,omitempty"`
	Error     string        `json:"error,omitempty"`
	Losses    []ingest.Loss `json:"-"`
}

type extractDoc struct {
	ID       string            `json:"id"`
	Kind     string            `json:"kind"`
	Title    string            `json:"title"`
	URL      string            `json:"url,omitempty"`
	Lang     string            `json:"lang,omitempty"`
	Meta     map[string]string `json:"meta,omitempty"`
	Sections []extractSection  `json:"sections,omitempty"`
	Chunks   []extractChunk    `json:"chunks,omitempty"`
	Losses   []extractLoss     `json:"losses"`
}

type extractSection struct {
	Heading []string       `json:"heading,omitempty"`
	Page    int            `json:"page,omitempty"`
	Blocks  []extractBlock `json:"blocks"`
}

type extractBlock struct {
	Kind   string   `json:"kind"`
	Text   string   `json:"text,omitempty"`
	Header string   `json:"header,omitempty"`
	Rows   []string `json:"rows,omitempty"`
}

type extractChunk struct {
	ID       string `json:"id"`
	Position int    `json:"position"`
	Heading  string `json:"heading,omitempty"`
	Page     int    `json:"page,omitempty"`
	Tokens   int    `json:"tokens"`
	Text     string `json:"text"`
}

type extractLoss struct {
	Where  string `json:"where"`
	Reason string `json:"reason"`
}

func blockKind(k ingest.BlockKind) string {
	switch k {
	case ingest.Table:
		return "table"
	case ingest.Entry:
		return "entry"
	}
	return "paragraph"
}

func runExtract(ctx context.Context, a *app, args []string) error {
	fs := flag.NewFlagSet("extract", flag.ContinueOnError)
	chunks := fs.Bool("chunks", false, "print the chunks that would be indexed instead of the text")
	asJSON := fs.Bool("json", false, "print JSON")
	kind := fs.String("kind", "auto", "document kind: auto, doc, faq or ticket")
	tenant := fs.String("tenant", retrieval.DefaultTenant, "tenant used for chunk ids")
	budget := fs.Int("budget", ingest.DefaultBudget, "chunk token budget")
	if err := a.parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usagef("extract: want exactly one FILE, got %d", fs.NArg())
	}
	switch *kind {
	case "auto", "doc", "faq", "ticket":
	default:
		return usagef("extract: --kind must be auto, doc, faq or ticket")
	}
	if *budget < 16 {
		return usagef("extract: --budget must be at least 16")
	}
	path := fs.Arg(0)
	docs, err := extractFile(ctx, a.loaders(), path, *kind)
	out := extractJSON{File: path}
	if err != nil {
		out.Error = err.Error()
		if *asJSON {
			writeJSON(a.stdout, out)
		} else {
			fmt.Fprintf(a.stdout, "%s: nothing extracted\n", path)
		}
		return err
	}
	for _, d := range docs {
		out.Documents = append(out.Documents, toExtractDoc(d, *chunks, *tenant, *budget))
	}
	if *asJSON {
		return writeJSON(a.stdout, out)
	}
	printExtract(a.stdout, out, *chunks)
	return nil
}

// extractFile loads one file with the loader of its extension.
func extractFile(ctx context.Context, loaders map[string]ingest.Loader, path, kind string) ([]ingest.Document, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if st.IsDir() {
		return nil, fmt.Errorf("%s is a directory: extract takes one file", path)
	}
	ext := strings.ToLower(filepath.Ext(path))
	l, ok := loaders[ext]
	if !ok {
		return nil, fmt.Errorf("%s: %w (%q)", path, ingest.ErrUnsupported, ext)
	}
	if kind == "auto" {
		kind = ""
	}
	src := ingest.Source{
		Path: path,
		ID:   strings.TrimSuffix(filepath.Base(path), filepath.Ext(path)),
		Kind: retrieval.Kind(kind),
		Size: st.Size(),
		Open: func() (io.ReadCloser, error) { return os.Open(path) },
	}
	docs, err := l.Load(ctx, src)
	if err != nil {
		return nil, err
	}
	if len(docs) == 0 {
		return nil, fmt.Errorf("%s: %w", path, ingest.ErrEmpty)
	}
	for i := range docs {
		if docs[i].Kind == "" {
			docs[i].Kind = retrieval.KindDoc
		}
		ingest.Clean(&docs[i]) // what the index would hold
	}
	return docs, nil
}

func toExtractDoc(d ingest.Document, chunks bool, tenant string, budget int) extractDoc {
	x := extractDoc{ID: d.ID, Kind: string(d.Kind), Title: d.Title, URL: d.URL, Lang: d.Lang, Meta: d.Meta, Losses: []extractLoss{}}
	for _, l := range d.Losses {
		x.Losses = append(x.Losses, extractLoss{Where: l.Where, Reason: l.Reason})
	}
	if chunks {
		for _, c := range ingest.Chunk(d, tenant, budget) {
			x.Chunks = append(x.Chunks, extractChunk{ID: c.ID, Position: c.Position, Heading: c.Heading, Page: c.Page, Tokens: ingest.CountTokens(c.Text), Text: c.Text})
		}
		return x
	}
	for _, s := range d.Sections {
		xs := extractSection{Heading: s.Heading, Page: s.Page}
		for _, b := range s.Blocks {
			xs.Blocks = append(xs.Blocks, extractBlock{Kind: blockKind(b.Kind), Text: b.Text, Header: b.Header, Rows: b.Rows})
		}
		x.Sections = append(x.Sections, xs)
	}
	return x
}

func printExtract(w io.Writer, out extractJSON, chunks bool) {
	var sections, blocks, losses, nchunks int
	for _, d := range out.Documents {
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
				fmt.Fprintf(w, "\n-- %s\n", strings.Join(s.Heading, ingest.HeadingSep))
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
		fmt.Fprintf(w, "%s: %d documents, %d chunks, %d losses\n", out.File, len(out.Documents), nchunks, losses)
		return
	}
	fmt.Fprintf(w, "%s: %d documents, %d sections, %d blocks, %d losses\n", out.File, len(out.Documents), sections, blocks, losses)
}
