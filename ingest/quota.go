package ingest

import (
	"context"
	"errors"
	"fmt"

	"github.com/answerdesk/answerdesk/retrieval"
)

// ErrQuota: an upload is larger than one upload may be, or would take its
// tenant past a quota. Nothing of it is written.
var ErrQuota = errors.New("quota exceeded")

// Quota bounds one upload and what one tenant may hold. Zero fields take
// the defaults of DefaultQuota; a negative field disables that limit.
type Quota struct {
	// UploadBytes bounds an upload's files once archives are expanded.
	UploadBytes int64
	// UploadChunks bounds the chunks one upload writes.
	UploadChunks int
	// Documents, Chunks and Bytes (chunk text) bound a tenant's index.
	Documents int
	Chunks    int
	Bytes     int64
}

// DefaultQuota holds the defaults: 32 MiB and 20,000 chunks per upload;
// 50,000 documents, 500,000 chunks and 1 GiB of text per tenant.
var DefaultQuota = Quota{UploadBytes: 32 << 20, UploadChunks: 20000, Documents: 50000, Chunks: 500000, Bytes: 1 << 30}

// WithDefaults fills zero fields from DefaultQuota.
func (q Quota) WithDefaults() Quota {
	d := DefaultQuota
	if q.UploadBytes != 0 {
		d.UploadBytes = q.UploadBytes
	}
	if q.UploadChunks != 0 {
		d.UploadChunks = q.UploadChunks
	}
	if q.Documents != 0 {
		d.Documents = q.Documents
	}
	if q.Chunks != 0 {
		d.Chunks = q.Chunks
	}
	if q.Bytes != 0 {
		d.Bytes = q.Bytes
	}
	return d
}

// TenantUsage is what tenant holds in the store: counted by the store when
// it can (retrieval.UsageCounter), else by listing documents (Bytes is then
// -1, unknown).
func (p *Pipeline) TenantUsage(ctx context.Context, tenant string) (retrieval.Usage, error) {
	if uc, ok := p.store.(retrieval.UsageCounter); ok {
		return uc.Usage(ctx, tenant)
	}
	u := retrieval.Usage{Bytes: -1}
	err := retrieval.EachDocument(ctx, p.store, retrieval.DocFilter{Tenant: tenant}, func(d retrieval.Document) error {
		u.Documents++
		u.Chunks += d.Chunks
		return nil
	})
	if err != nil {
		return u, fmt.Errorf("usage of %s: %w", tenant, err)
	}
	return u, nil
}

// CheckTenant fails with ErrQuota when a tenant holding u is already at a
// quota: its upload is refused before it is even received.
func (q Quota) CheckTenant(u retrieval.Usage) error {
	q = q.WithDefaults()
	switch {
	case q.Documents > 0 && u.Documents >= q.Documents:
		return fmt.Errorf("%w: the tenant holds %d documents, its quota is %d; delete some first", ErrQuota, u.Documents, q.Documents)
	case q.Chunks > 0 && u.Chunks >= q.Chunks:
		return fmt.Errorf("%w: the tenant holds %d chunks, its quota is %d; delete some documents first", ErrQuota, u.Chunks, q.Chunks)
	case q.Bytes > 0 && u.Bytes >= q.Bytes:
		return fmt.Errorf("%w: the tenant holds %s of text, its quota is %s; delete some documents first", ErrQuota, mb(u.Bytes), mb(q.Bytes))
	}
	return nil
}

func mb(n int64) string {
	if n < 1<<20 {
		return fmt.Sprintf("%d KiB", (n+1023)>>10)
	}
	return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
}

// Allowance is what the uploads of one job may still write: it starts from
// the tenant's usage and is charged before each file's documents are
// written (Options.Allowance). It is used by one run at a time.
type Allowance struct {
	q      Quota
	used   retrieval.Usage
	upload int // chunks written so far
}

// NewAllowance returns the allowance of a job under q for a tenant holding used.
func NewAllowance(q Quota, used retrieval.Usage) *Allowance {
	return &Allowance{q: q.WithDefaults(), used: used}
}

// charge takes a file's new documents, chunks and text bytes from the
// allowance, or fails with ErrQuota and takes nothing. Replaced documents are
// charged in full (the next job recounts from the store), so the check errs
// on the safe side. A nil allowance takes everything.
func (b *Allowance) charge(docs, chunks int, bytes int64) error {
	if b == nil {
		return nil
	}
	q := b.q
	switch {
	case q.UploadChunks > 0 && b.upload+chunks > q.UploadChunks:
		return fmt.Errorf("%w: the upload makes more than %d chunks", ErrQuota, q.UploadChunks)
	case q.Documents > 0 && b.used.Documents+docs > q.Documents:
		return fmt.Errorf("%w: the tenant would hold %d documents, its quota is %d", ErrQuota, b.used.Documents+docs, q.Documents)
	case q.Chunks > 0 && b.used.Chunks+chunks > q.Chunks:
		return fmt.Errorf("%w: the tenant would hold %d chunks, its quota is %d", ErrQuota, b.used.Chunks+chunks, q.Chunks)
	case q.Bytes > 0 && b.used.Bytes >= 0 && b.used.Bytes+bytes > q.Bytes:
		return fmt.Errorf("%w: the tenant would hold %s of text, its quota is %s", ErrQuota, mb(b.used.Bytes+bytes), mb(q.Bytes))
	}
	b.upload += chunks
	b.used.Documents += docs
	b.used.Chunks += chunks
	if b.used.Bytes >= 0 {
		b.used.Bytes += bytes
	}
	return nil
}
