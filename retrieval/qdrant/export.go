package qdrant

import (
	"context"
	"fmt"
	"sort"

	"github.com/qdrant/go-client/qdrant"

	"github.com/answerdesk/answerdesk/retrieval"
)

var _ retrieval.Exporter = (*Store)(nil)

// exported is a document record with the pair of collections holding it.
type exported struct {
	rec docRecord
	pr  pair
}

// exportRecords reads the document records of tenant ("" for every
// tenant), ordered by tenant and id.
func (s *Store) exportRecords(ctx context.Context, tenant string) ([]exported, error) {
	prs := []pair{s.pairOf(tenant)}
	filter := docListFilter(retrieval.DocFilter{Tenant: tenant})
	if tenant == "" {
		var err error
		if prs, err = s.pairs(ctx); err != nil {
			return nil, err
		}
		filter = allDocsFilter()
	}
	var out []exported
	for _, pr := range prs {
		st, err := s.open(ctx, pr, false)
		if err != nil {
			return nil, err
		}
		if st == nil {
			continue // never written
		}
		err = s.scroll(ctx, pr.docs, filter, qdrant.NewWithPayload(true), func(p *qdrant.RetrievedPoint) error {
			r, err := parseDoc(p.GetPayload())
			if err == nil {
				out = append(out, exported{r, pr})
			}
			return err
		})
		if err != nil {
			return nil, err
		}
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i].rec.doc, out[j].rec.doc
		return a.Tenant < b.Tenant || a.Tenant == b.Tenant && a.ID < b.ID
	})
	return out, nil
}

// ExportStats implements retrieval.Exporter from the document records,
// which carry each document's chunk count and BM25 length sum.
func (s *Store) ExportStats(ctx context.Context, tenant string) (retrieval.ExportStats, error) {
	var st retrieval.ExportStats
	recs, err := s.exportRecords(ctx, tenant)
	if err != nil {
		return st, fmt.Errorf("export stats: %w", err)
	}
	var sum int64
	for _, e := range recs {
		st.Documents++
		st.Chunks += e.rec.doc.Chunks
		sum += e.rec.lenSum
	}
	if st.Chunks > 0 {
		st.AvgLen = float64(sum) / float64(st.Chunks)
	}
	return st, nil
}

// Export implements retrieval.Exporter: each document's chunks of its
// current write generation (a replace cut short leaves others behind),
// with their dense vectors.
func (s *Store) Export(ctx context.Context, tenant string, fn func(retrieval.DocumentChunks) error) error {
	recs, err := s.exportRecords(ctx, tenant)
	if err != nil {
		return fmt.Errorf("export documents: %w", err)
	}
	for _, e := range recs {
		doc := e.rec.doc
		filter := docChunksFilter(doc.Tenant, doc.ID)
		filter.Must = append(filter.Must, qdrant.NewMatchKeyword(fGen, e.rec.gen))
		req := &qdrant.ScrollPoints{CollectionName: e.pr.chunks, Filter: filter, WithPayload: qdrant.NewWithPayload(true)}
		if doc.DenseModel != "" {
			req.WithVectors = qdrant.NewWithVectorsInclude(vecDense)
		}
		var chunks []retrieval.Chunk
		err := s.scrollPoints(ctx, req, func(p *qdrant.RetrievedPoint) error {
			c := parseChunk(p.GetPayload())
			if v := p.GetVectors().GetVectors().GetVectors()[vecDense]; v != nil {
				c.Dense = v.GetDense().GetData()
			}
			chunks = append(chunks, c)
			return nil
		})
		if err != nil {
			return fmt.Errorf("export chunks of %s: %w", doc.ID, err)
		}
		sort.Slice(chunks, func(i, j int) bool { return chunks[i].Position < chunks[j].Position })
		if err := fn(retrieval.DocumentChunks{Document: doc, Chunks: chunks}); err != nil {
			return err
		}
	}
	return nil
}
