package ingest

import (
	"context"
	"errors"
	"io"

	"github.com/answerdesk/answerdesk/retrieval"
)

// Errors a loader or the pipeline returns; callers branch on them.
var (
	// ErrUnsupported: no loader handles the file's extension.
	ErrUnsupported = errors.New("unsupported file type")
	// ErrEmpty: the file holds no text to index.
	ErrEmpty = errors.New("no text to index")
	// ErrTooLarge: the file exceeds the size limit.
	ErrTooLarge = errors.New("file too large")
	// ErrMalformed: the file does not parse as its format.
	ErrMalformed = errors.New("malformed file")
	// ErrConflict: a document id the file yields already belongs to
	// another source that still exists.
	ErrConflict = errors.New("document id conflict")
)

// Source is one file handed to a Loader.
type Source struct {
	// Path identifies the source (a path on disk or an upload name); loaders
	// use it in errors and to derive ids.
	Path string
	// ID is the default document id: Path relative to the ingested root,
	// without extension, with forward slashes.
	ID string
	// Kind requested by the user, "" for auto.
	Kind retrieval.Kind
	// Lang requested by the user, "" for auto-detection.
	Lang string
	// Open returns the file's content; a loader may call it more than once.
	Open func() (io.ReadCloser, error)
	// Size of the content in bytes.
	Size int64
}

// Loader parses one kind of file.
type Loader interface {
	// Load returns the documents the source yields. A loader returns an error
	// wrapping ErrMalformed, ErrEmpty or ErrTooLarge for bad input, never
	// panics on purpose, and reports what it dropped in Document.Losses.
	Load(ctx context.Context, src Source) ([]Document, error)
}

// LoaderFunc adapts a function to Loader.
type LoaderFunc func(ctx context.Context, src Source) ([]Document, error)

// Load calls f.
func (f LoaderFunc) Load(ctx context.Context, src Source) ([]Document, error) { return f(ctx, src) }

// Document is a parsed source before chunking.
type Document struct {
	ID    string // stable id within the tenant; Source.ID when the format has none
	Kind  retrieval.Kind
	Title string
	URL   string
	Lang  string // detected when empty
	Meta  map[string]string
	// Sections in reading order.
	Sections []Section
	// Losses lists what the loader dropped (rejected pages, hidden text, …).
	Losses []Loss
}

// Section is a run of blocks under one heading path.
type Section struct {
	Heading []string // heading path from the top, e.g. ["Billing", "Refunds"]
	Page    int      // 1-based page for paged formats, 0 otherwise
	Blocks  []Block
}

// BlockKind says how a block may be split.
type BlockKind int

// Block kinds.
const (
	// Paragraph text; split at sentence boundaries when over budget.
	Paragraph BlockKind = iota
	// Table rows kept whole, split between rows with Header repeated.
	Table
	// Entry is never split: an FAQ question with its answer, a ticket.
	Entry
)

// Block is a unit of content.
type Block struct {
	Kind BlockKind
	Text string // Paragraph and Entry
	// Header and Rows for Table: each row rendered as one line of text,
	// "Column: value; Column: value" or "a | b | c".
	Header string
	Rows   []string
}

// Loss records content a loader dropped, so that summaries can show it.
type Loss struct {
	Where  string // "page 3", "section Billing", "row 17"
	Reason string
}
