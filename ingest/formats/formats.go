package formats

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"

	"github.com/answerdesk/answerdesk/ingest"
	"github.com/answerdesk/answerdesk/ingest/archive"
	"github.com/answerdesk/answerdesk/ingest/docx"
	"github.com/answerdesk/answerdesk/ingest/html"
	"github.com/answerdesk/answerdesk/ingest/pdf"
	"github.com/answerdesk/answerdesk/ingest/ticket"
)

// Options configure the loaders; zero values are usable (the PDF loader then
// extracts in process: set PDF.Command to isolate it).
type Options struct {
	PDF     pdf.Loader
	HTML    html.Loader
	DOCX    docx.Loader
	Tickets ticket.Loader
	Archive archive.Limits
}

// sniffBytes is how much of a .json/.jsonl file is read to decide its format.
const sniffBytes = 64 << 10

// Loaders returns every loader by lowercase extension (".pdf", ".md", …).
func Loaders(opts Options) map[string]ingest.Loader {
	m := ingest.CoreLoaders()
	p, h, d, t := opts.PDF, opts.HTML, opts.DOCX, opts.Tickets
	m[".pdf"] = &p
	m[".html"] = &h
	m[".htm"] = &h
	m[".xhtml"] = &h
	m[".docx"] = &d
	if corpus, ok := m[".jsonl"]; ok {
		m[".jsonl"] = byContent{ticket: &t, other: corpus}
	} else {
		m[".jsonl"] = &t
	}
	if faq, ok := m[".json"]; ok {
		m[".json"] = byContent{ticket: &t, other: faq, jsonFile: true}
	} else {
		m[".json"] = &t
	}
	inner := make(map[string]ingest.Loader, len(m))
	for k, v := range m {
		inner[k] = v
	}
	m[".zip"] = zipLoader{loaders: inner, limits: opts.Archive}
	return m
}

// byContent picks the ticket loader or the other loader for a shared
// extension (see the package documentation).
type byContent struct {
	ticket   ingest.Loader
	other    ingest.Loader
	jsonFile bool
}

func (b byContent) Load(ctx context.Context, src ingest.Source) ([]ingest.Document, error) {
	switch src.Kind {
	case "ticket":
		return b.ticket.Load(ctx, src)
	case "", "auto":
	default:
		return b.other.Load(ctx, src)
	}
	head, err := readHead(src)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", src.Path, err)
	}
	if isTicketExport(head, b.jsonFile) {
		return b.ticket.Load(ctx, src)
	}
	return b.other.Load(ctx, src)
}

func isTicketExport(head []byte, jsonFile bool) bool {
	if !jsonFile {
		// JSONL: decide on the first line.
		if i := bytes.IndexByte(head, '\n'); i > 0 {
			head = head[:i]
		}
	}
	return ticket.Sniff(head)
}

func readHead(src ingest.Source) ([]byte, error) {
	rc, err := src.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, sniffBytes))
	if err != nil {
		return nil, err
	}
	return b, nil
}

// zipLoader loads the documents of a validated archive.
type zipLoader struct {
	loaders map[string]ingest.Loader
	limits  archive.Limits
}

func (z zipLoader) Load(ctx context.Context, src ingest.Source) ([]ingest.Document, error) {
	accept := func(name string) bool {
		_, ok := z.loaders[strings.ToLower(path.Ext(name))]
		return ok
	}
	a, err := archive.Open(ctx, src, z.limits, accept)
	if err != nil {
		return nil, err
	}
	var docs []ingest.Document
	losses := append([]ingest.Loss(nil), a.Skipped...)
	var firstErr error
	for _, s := range a.Sources {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		l := z.loaders[strings.ToLower(path.Ext(s.Path))]
		ds, err := l.Load(ctx, s)
		if err != nil {
			if firstErr == nil {
				firstErr = err
			}
			losses = append(losses, ingest.Loss{Where: strings.TrimPrefix(s.Path, src.Path+"!/"), Reason: err.Error()})
			continue
		}
		docs = append(docs, ds...)
	}
	if len(docs) == 0 {
		if firstErr == nil {
			firstErr = fmt.Errorf("%s: no document: %w", src.Path, ingest.ErrEmpty)
		}
		if errors.Is(firstErr, ingest.ErrEmpty) || errors.Is(firstErr, ingest.ErrMalformed) || errors.Is(firstErr, ingest.ErrTooLarge) {
			return nil, fmt.Errorf("%s: every entry failed, first: %w", src.Path, firstErr)
		}
		return nil, firstErr
	}
	docs[0].Losses = append(docs[0].Losses, losses...)
	return docs, nil
}
