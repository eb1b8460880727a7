package retrieval

import (
	"context"
	"fmt"
)

// CopyOptions tune Copy.
type CopyOptions struct {
	// Tenant restricts the copy to one tenant; "" copies every tenant.
	Tenant string
	// Batch is the number of documents per write when dst is a
	// BatchReplacer (64 when zero).
	Batch int
	// Force rewrites documents dst already holds unchanged.
	Force bool
	// Progress, when set, is called after each document.
	Progress func(CopyProgress)
}

// CopyProgress counts what Copy has done.
type CopyProgress struct {
	Documents int // read from the source
	Copied    int // written to the target, or in the batch being written
	Chunks    int // chunks of the copied documents
	Unchanged int // skipped: the target holds them already
	Tenants   int
}

// Copy copies what src exports into dst, documents with their chunks and
// dense vectors as they are (no re-analysis, no re-embedding). It is
// idempotent and resumable: a document dst already holds with the same
// hash, chunk count and dense model is skipped — a store has a document's
// record only once its chunks are in, so a match means an earlier copy of
// it completed. On error the documents written so far stay written.
func Copy(ctx context.Context, dst Store, src Exporter, o CopyOptions) (CopyProgress, error) {
	if o.Batch <= 0 {
		o.Batch = 64
	}
	br, batched := dst.(BatchReplacer)
	if !batched {
		o.Batch = 1
	}
	var (
		p       CopyProgress
		pending []DocumentChunks
		tenant  string
		have    map[string]Document // the target's documents of tenant
	)
	flush := func() error {
		if len(pending) == 0 {
			return nil
		}
		var err error
		if batched {
			err = br.ReplaceDocuments(ctx, pending)
		} else {
			err = dst.ReplaceDocument(ctx, pending[0].Document, pending[0].Chunks)
		}
		if err != nil {
			return fmt.Errorf("copy: write %d documents starting at %s/%s: %w", len(pending), pending[0].Document.Tenant, pending[0].Document.ID, err)
		}
		for _, d := range pending {
			p.Chunks += len(d.Chunks)
		}
		p.Copied += len(pending)
		pending = pending[:0]
		return nil
	}
	err := src.Export(ctx, o.Tenant, func(d DocumentChunks) error {
		doc := d.Document
		if have == nil || doc.Tenant != tenant {
			if err := flush(); err != nil {
				return err
			}
			tenant, have = doc.Tenant, map[string]Document{}
			p.Tenants++
			if !o.Force {
				existing, err := dst.Documents(ctx, DocFilter{Tenant: tenant})
				if err != nil {
					return fmt.Errorf("copy: list the target's documents of tenant %q: %w", tenant, err)
				}
				for _, x := range existing {
					have[x.ID] = x
				}
			}
		}
		p.Documents++
		if x, ok := have[doc.ID]; ok && x.Hash == doc.Hash && x.Chunks == len(d.Chunks) && x.DenseModel == doc.DenseModel {
			p.Unchanged++
		} else {
			pending = append(pending, d)
			if len(pending) >= o.Batch {
				if err := flush(); err != nil {
					return err
				}
			}
		}
		if o.Progress != nil {
			q := p
			q.Copied += len(pending)
			o.Progress(q)
		}
		return nil
	})
	if err == nil {
		err = flush()
	}
	return p, err
}
