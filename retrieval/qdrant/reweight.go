package qdrant

import (
	"context"
	"fmt"

	"github.com/qdrant/go-client/qdrant"

	"github.com/answerdesk/answerdesk/retrieval"
)

// Reweight rewrites every chunk's sparse vector with the current average
// chunk length (or Config.AvgLen), so that chunks written while the
// running average was still moving — the first documents of a collection
// built one at a time — rank exactly as BM25 over the whole collection.
// It returns the number of chunks rewritten; progress, when not nil, is
// called after each page with the running total.
//
// Only the sparse vectors change, page by page (each page atomically per
// point); searches during the run see a mix of old and new weights. Run it
// when no other process is ingesting: this process's writers wait between
// pages, other processes' do not.
func (a *Admin) Reweight(ctx context.Context, progress func(chunks int)) (int, error) {
	s := a.s
	prs, err := s.pairs(ctx)
	if err != nil {
		return 0, fmt.Errorf("reweight: %w", err)
	}
	total := 0
	for _, pr := range prs {
		st, err := s.open(ctx, pr, false)
		if err != nil {
			return total, fmt.Errorf("reweight: %w", err)
		}
		if st == nil {
			continue
		}
		m, err := s.readMeta(ctx, pr)
		if err != nil {
			return total, fmt.Errorf("reweight: %w", err)
		}
		avg := s.cfg.AvgLen
		if avg <= 0 {
			avg = m.avgLen()
		}
		if avg <= 0 {
			continue
		}
		var offset *qdrant.PointId
		for {
			n, next, err := s.reweightPage(ctx, pr, offset, avg)
			if err != nil {
				return total, fmt.Errorf("reweight %s: %w", pr.chunks, err)
			}
			total += n
			if progress != nil {
				progress(total)
			}
			if next == nil {
				break
			}
			offset = next
		}
	}
	return total, nil
}

// reweightPage rewrites one scroll page under the write lock, so that a
// concurrent replace in this process cannot interleave between reading a
// chunk's text and writing its vector.
func (s *Store) reweightPage(ctx context.Context, pr pair, offset *qdrant.PointId, avg float64) (int, *qdrant.PointId, error) {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	var res *qdrant.ScrollResponse
	err := s.call(ctx, "scroll", func(ctx context.Context) (err error) {
		res, err = s.client.GetPointsClient().Scroll(ctx, &qdrant.ScrollPoints{
			CollectionName: pr.chunks,
			Offset:         offset,
			Limit:          qdrant.PtrOf(uint32(scrollPage)),
			WithPayload:    qdrant.NewWithPayloadInclude(fTitle, fHeading, fText),
		})
		return err
	})
	if err != nil {
		return 0, nil, err
	}
	var pts []*qdrant.PointVectors
	for _, p := range res.GetResult() {
		tf, n := s.an.TermFreqs(retrieval.IndexText(parseChunk(p.GetPayload())))
		idx, vals := sparseWeights(tf, n, avg)
		if len(idx) == 0 {
			continue
		}
		pts = append(pts, &qdrant.PointVectors{
			Id:      p.GetId(),
			Vectors: qdrant.NewVectorsMap(map[string]*qdrant.Vector{vecSparse: qdrant.NewVectorSparse(idx, vals)}),
		})
	}
	if len(pts) > 0 {
		err = s.write(ctx, "update vectors", func(ctx context.Context) error {
			_, err := s.client.GetPointsClient().UpdateVectors(ctx, &qdrant.UpdatePointVectors{
				CollectionName: pr.chunks,
				Wait:           qdrant.PtrOf(true),
				Points:         pts,
			})
			return err
		})
		if err != nil {
			return 0, nil, err
		}
	}
	return len(pts), res.GetNextPageOffset(), nil
}
