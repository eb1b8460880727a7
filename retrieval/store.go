package retrieval

import (
	"context"
	"errors"
	"fmt"
	"math"
	"time"
	"unicode/utf8"
)

// Kind is what a document is. Its string is the wire, payload and
// database form.
type Kind string

// Kinds of documents.
const (
	KindDoc    Kind = "doc"
	KindFAQ    Kind = "faq"
	KindTicket Kind = "ticket"
)

// ParseKind returns the kind named s ("doc", "faq", "ticket"); ok is false
// for any other string.
func ParseKind(s string) (k Kind, ok bool) {
	switch k := Kind(s); k {
	case KindDoc, KindFAQ, KindTicket:
		return k, true
	}
	return "", false
}

// DefaultTenant is used when no tenant is given.
const DefaultTenant = "default"

// Errors every Store returns for the same conditions; callers branch on them
// with errors.Is.
var (
	// ErrNotFound: the document does not exist for this tenant.
	ErrNotFound = errors.New("not found")
	// ErrInvalid: the request or the record violates the contract (empty id,
	// missing tenant, chunk of another document, dense vector of the wrong size).
	ErrInvalid = errors.New("invalid")
	// ErrUnavailable: the backend cannot be reached; the caller may retry.
	ErrUnavailable = errors.New("store unavailable")
	// ErrModelMismatch: dense vectors of another embedding model or size.
	ErrModelMismatch = errors.New("embedding model mismatch")
)

// Document is what a store knows about one ingested source.
type Document struct {
	ID     string // stable within the tenant
	Tenant string // never empty
	Kind   Kind
	Title  string
	URL    string
	Lang   string            // "en", "ru", "zh", … or "" if unknown
	Source string            // where it came from: a path or URL, for --prune
	Hash   string            // content hash; equal hash means unchanged
	Meta   map[string]string // product, version, tags, category, …
	// DenseModel names the embedding model of the chunks' Dense vectors, ""
	// when they have none. A store holds vectors of one model only.
	DenseModel string
	Chunks     int       // number of chunks, set by the store
	Updated    time.Time // set by the store
}

// Chunk is the unit of retrieval.
type Chunk struct {
	ID         string // deterministic: see ChunkID
	DocumentID string
	Tenant     string
	Kind       Kind
	Title      string
	URL        string
	Heading    string // heading path, "Billing › Refunds"
	Text       string
	Lang       string
	Page       int // 1-based PDF page, 0 when not paged
	Position   int // order within the document, from 0
	Meta       map[string]string
	// Dense is the chunk's embedding, nil when no embedding provider is configured.
	Dense []float32
}

// Query is one search.
type Query struct {
	Text   string
	Lang   string // optional hint; detected from Text when empty
	Tenant string // required: a store never searches across tenants
	Kinds  []Kind
	// Meta filters: every key must match one of its values.
	Meta map[string][]string
	// K is the number of hits wanted; DefaultK when zero.
	K int
	// Dense is the query embedding; when set, stores with dense vectors
	// fuse sparse and dense rankings (DefaultFusion).
	Dense []float32
	// Terms, when not nil, are DefaultAnalyzer.Terms(Text): a caller that
	// has analyzed the question already passes them, so that the store
	// does not analyze it again (see TermsOf).
	Terms []string
}

// TermsOf returns the terms of q.Text by an: q.Terms when the caller
// analyzed the text with the same analyzer, an.Terms(q.Text) otherwise.
func (q Query) TermsOf(an *Analyzer) []string {
	if q.Terms != nil && an == DefaultAnalyzer {
		return q.Terms
	}
	return an.Terms(q.Text)
}

// DefaultK is the number of hits returned when Query.K is zero.
const DefaultK = 10

// MaxK bounds Query.K.
const MaxK = 1000

// Hit is one ranked chunk.
type Hit struct {
	Chunk
	// Score orders the hits: the BM25 score when sparse only, the fused
	// score (DefaultFusion) when hybrid.
	Score float64
	// SparseScore and SparseRank (1-based, 0 = not retrieved by sparse).
	SparseScore float64
	SparseRank  int
	// DenseScore (cosine) and DenseRank (1-based, 0 = not retrieved by dense).
	DenseScore float64
	DenseRank  int
}

// Result is the answer to a Query.
type Result struct {
	Hits []Hit
	// Terms are the analyzed query terms that exist in the index.
	Terms []string
	// IDF is the inverse document frequency (retrieval.IDF) of each of
	// Terms, so that the answer engine can tell a question's specific terms
	// from its common ones; nil when the backend does not report it.
	IDF map[string]float64
	// SelfScore bounds the BM25 score any chunk can reach for this query
	// (every query term matched at saturation); Hits[0].SparseScore/SelfScore
	// is a confidence feature in [0,1].
	SelfScore float64
}

// DocFilter selects documents to list.
type DocFilter struct {
	Tenant string // required
	Kind   Kind   // optional
	Source string // optional prefix of Document.Source
	Limit  int    // 0 = no limit
	After  string // pagination: ids greater than After
}

// Stats describes a store.
type Stats struct {
	Documents  int
	Chunks     int
	Tenants    int
	DenseModel string
	DenseDim   int
}

// Store is the contract every backend implements and retrieval/storetest checks.
//
// Writes are per document and atomic: after ReplaceDocument returns nil, a
// search sees every new chunk of the document and none of the old ones; when it
// returns an error, the document is wholly as it was. Searches and listings
// never cross tenants. Methods are safe for concurrent use.
type Store interface {
	// ReplaceDocument stores doc and replaces all of its chunks with chunks.
	// Every chunk must carry doc's ID, Tenant and Kind (ErrInvalid otherwise).
	ReplaceDocument(ctx context.Context, doc Document, chunks []Chunk) error
	// DeleteDocument removes a document and its chunks; ErrNotFound if absent.
	DeleteDocument(ctx context.Context, tenant, id string) error
	// Document returns one document; ErrNotFound if absent.
	Document(ctx context.Context, tenant, id string) (Document, error)
	// Documents lists documents ordered by id.
	Documents(ctx context.Context, f DocFilter) ([]Document, error)
	// Search ranks chunks for q.
	Search(ctx context.Context, q Query) (Result, error)
	// Stats describes the store.
	Stats(ctx context.Context) (Stats, error)
	// Close releases the store.
	Close() error
}

// Usage is what one tenant holds in a store.
type Usage struct {
	Documents int
	Chunks    int
	Bytes     int64 // chunk text, -1 when the store does not count it
}

// UsageCounter is implemented by stores that count a tenant's usage
// directly; ingestion falls back to listing documents (without bytes).
type UsageCounter interface {
	Usage(ctx context.Context, tenant string) (Usage, error)
}

// DocumentChunks is a document with its complete set of chunks.
type DocumentChunks struct {
	Document Document
	Chunks   []Chunk
}

// BatchReplacer is implemented by stores that can replace many documents in
// one write. Each document is replaced atomically as with ReplaceDocument;
// a store may apply the whole batch atomically. Ingestion uses it when
// available: one transaction per batch instead of one per document.
type BatchReplacer interface {
	ReplaceDocuments(ctx context.Context, docs []DocumentChunks) error
}

// Exporter is implemented by stores that can hand out everything they
// hold, so that one store is copied into another whatever the two backends
// are (see Copy).
type Exporter interface {
	// ExportStats describes what Export yields for tenant ("" for every
	// tenant).
	ExportStats(ctx context.Context, tenant string) (ExportStats, error)
	// Export calls fn with every document of tenant ("" for every tenant)
	// and its complete set of chunks, dense vectors included (as stored: a
	// store may keep them at unit length), ordered by tenant, then
	// document id, then chunk position. It stops at fn's first error and
	// returns it.
	Export(ctx context.Context, tenant string, fn func(DocumentChunks) error) error
}

// ExportStats describes an export.
type ExportStats struct {
	Documents int
	Chunks    int
	// AvgLen is the chunks' average BM25 length in analyzer terms: a target
	// that bakes BM25 weights into its vectors (Qdrant) ranks like the
	// source when it computes them with the same average.
	AvgLen float64
}

// ValidateDocument checks the parts of the contract every backend enforces
// before writing, so that all backends reject the same input alike.
func ValidateDocument(doc Document, chunks []Chunk) error {
	switch {
	case doc.ID == "":
		return fmt.Errorf("%w: empty document id", ErrInvalid)
	case doc.Tenant == "":
		return fmt.Errorf("%w: document %q: empty tenant", ErrInvalid, doc.ID)
	case doc.Kind != KindDoc && doc.Kind != KindFAQ && doc.Kind != KindTicket:
		return fmt.Errorf("%w: document %q: unknown kind %q", ErrInvalid, doc.ID, doc.Kind)
	case !utf8.ValidString(doc.ID):
		return fmt.Errorf("%w: document id is not valid UTF-8", ErrInvalid)
	}
	seen := make(map[string]bool, len(chunks))
	dim := -1
	for i, c := range chunks {
		switch {
		case c.ID == "":
			return fmt.Errorf("%w: document %q chunk %d: empty id", ErrInvalid, doc.ID, i)
		case seen[c.ID]:
			return fmt.Errorf("%w: document %q: duplicate chunk id %q", ErrInvalid, doc.ID, c.ID)
		case c.DocumentID != doc.ID || c.Tenant != doc.Tenant || c.Kind != doc.Kind:
			return fmt.Errorf("%w: chunk %q does not belong to document %q of tenant %q", ErrInvalid, c.ID, doc.ID, doc.Tenant)
		}
		seen[c.ID] = true
		if len(c.Dense) > 0 {
			if doc.DenseModel == "" {
				return fmt.Errorf("%w: document %q has dense vectors but no DenseModel", ErrInvalid, doc.ID)
			}
			if !usableVector(c.Dense) {
				return fmt.Errorf("%w: document %q chunk %d: dense vector is zero or not finite", ErrInvalid, doc.ID, i)
			}
			if dim >= 0 && len(c.Dense) != dim {
				return fmt.Errorf("%w: document %q: dense vectors of sizes %d and %d", ErrInvalid, doc.ID, dim, len(c.Dense))
			}
			dim = len(c.Dense)
		}
	}
	return nil
}

func usableVector(v []float32) bool {
	nonzero := false
	for _, f := range v {
		if math.IsNaN(float64(f)) || math.IsInf(float64(f), 0) {
			return false
		}
		if f != 0 {
			nonzero = true
		}
	}
	return nonzero
}
