package pdf

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os/exec"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/answerdesk/answerdesk/ingest"
	"github.com/answerdesk/answerdesk/retrieval"
)

// Defaults for Loader's zero fields.
const (
	DefaultTimeout     = 30 * time.Second
	DefaultMemoryLimit = 1 << 30
	DefaultMaxSize     = 100 << 20
)

// Loader loads PDF files as one document with a section per page.
type Loader struct {
	// Command returns the command that runs extraction in a child process;
	// the child must call ServeChild with its standard input and output.
	// Typically it re-executes the current binary in a hidden mode. When
	// nil, extraction runs in the calling process: panics are recovered but
	// a parser loop is not time-bounded.
	Command func(ctx context.Context) *exec.Cmd
	// Timeout bounds one file's extraction (DefaultTimeout when zero).
	Timeout time.Duration
	// MemoryLimit bounds the child's memory in bytes (DefaultMemoryLimit when zero).
	MemoryLimit int64
	// MaxSize rejects larger files with ingest.ErrTooLarge (DefaultMaxSize when zero).
	MaxSize int64
	// Log receives one line per file with losses; nil discards.
	Log *slog.Logger
}

var _ ingest.Loader = (*Loader)(nil)

func (l *Loader) timeout() time.Duration {
	if l.Timeout > 0 {
		return l.Timeout
	}
	return DefaultTimeout
}

func (l *Loader) memoryLimit() int64 {
	if l.MemoryLimit > 0 {
		return l.MemoryLimit
	}
	return DefaultMemoryLimit
}

func (l *Loader) maxSize() int64 {
	if l.MaxSize > 0 {
		return l.MaxSize
	}
	return DefaultMaxSize
}

// Extract reads src and returns its text per page, isolated when Command is set.
func (l *Loader) Extract(ctx context.Context, src ingest.Source) (*Result, error) {
	if src.Size > l.maxSize() {
		return nil, fmt.Errorf("pdf %s: %d bytes over %d: %w", src.Path, src.Size, l.maxSize(), ingest.ErrTooLarge)
	}
	rc, err := src.Open()
	if err != nil {
		return nil, fmt.Errorf("pdf %s: %w", src.Path, err)
	}
	defer rc.Close()
	data, err := io.ReadAll(io.LimitReader(rc, l.maxSize()+1))
	if err != nil {
		return nil, fmt.Errorf("pdf %s: read: %w", src.Path, err)
	}
	if int64(len(data)) > l.maxSize() {
		return nil, fmt.Errorf("pdf %s: over %d bytes: %w", src.Path, l.maxSize(), ingest.ErrTooLarge)
	}
	res, err := l.extract(ctx, data)
	if err != nil {
		return nil, fmt.Errorf("pdf %s: %w", src.Path, err)
	}
	return res, nil
}

func (l *Loader) extract(ctx context.Context, data []byte) (*Result, error) {
	if l.Command != nil {
		return l.runChild(ctx, data)
	}
	return Extract(ctx, data)
}

// Load implements ingest.Loader: one document, one section per page with
// its page number, paragraphs split at blank lines, losses listed.
func (l *Loader) Load(ctx context.Context, src ingest.Source) ([]ingest.Document, error) {
	res, err := l.Extract(ctx, src)
	if err != nil {
		return nil, err
	}
	doc := ingest.Document{
		ID:     src.ID,
		Kind:   retrieval.KindDoc,
		Title:  res.Title,
		Lang:   src.Lang,
		Meta:   map[string]string{"format": "pdf", "pages": strconv.Itoa(res.Count)},
		Losses: res.Losses,
	}
	if doc.Title == "" {
		doc.Title = strings.NewReplacer("_", " ", "-", " ").Replace(strings.TrimSuffix(path.Base(strings.ReplaceAll(src.Path, "\\", "/")), path.Ext(src.Path)))
	}
	for _, p := range res.Pages {
		sec := ingest.Section{Page: p.Number}
		for _, para := range strings.Split(p.Text, "\n\n") {
			if para = strings.TrimSpace(para); para != "" {
				sec.Blocks = append(sec.Blocks, ingest.Block{Kind: ingest.Paragraph, Text: para})
			}
		}
		doc.Sections = append(doc.Sections, sec)
	}
	if l.Log != nil && len(res.Losses) > 0 {
		l.Log.InfoContext(ctx, "pdf losses", "path", src.Path, "pages", res.Count, "losses", len(res.Losses))
	}
	return []ingest.Document{doc}, nil
}
