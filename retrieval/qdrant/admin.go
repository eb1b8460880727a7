package qdrant

import (
	"context"
	"fmt"

	"github.com/qdrant/go-client/qdrant"
)

// Admin administers a Store's collections, beside the retrieval.Store
// contract the rest of answerdesk uses: the server's version, the BM25
// average chunk length, reweighting the sparse vectors, and dropping the
// collections. Only the command line (store stats, store reweight) and
// tests need it.
type Admin struct{ s *Store }

// NewAdmin administers the collections of s.
func NewAdmin(s *Store) *Admin { return &Admin{s: s} }

// Version is the server's version, from the startup health check.
func (a *Admin) Version() string { return a.s.version }

// AvgLen is the average chunk length (in analyzer terms) over the store,
// the BM25 average that new sparse vectors are computed with when
// Config.AvgLen is zero (per pair of collections).
func (a *Admin) AvgLen(ctx context.Context) (float64, error) {
	s := a.s
	prs, err := s.pairs(ctx)
	if err != nil {
		return 0, fmt.Errorf("average chunk length: %w", err)
	}
	var sum collectionMeta
	for _, pr := range prs {
		m, err := s.readMeta(ctx, pr)
		if err != nil {
			return 0, fmt.Errorf("average chunk length: %w", err)
		}
		sum.chunks += m.chunks
		sum.lenSum += m.lenSum
	}
	return sum.avgLen(), nil
}

// DropCollections deletes the store's collections and everything in them,
// for every tenant. Tests use it; operators use Qdrant's own tools.
func (a *Admin) DropCollections(ctx context.Context) error {
	s := a.s
	prs, err := s.pairs(ctx)
	if err != nil {
		return err
	}
	for _, pr := range prs {
		for _, name := range []string{pr.chunks, pr.docs} {
			err := s.write(ctx, "delete collection "+name, func(ctx context.Context) error {
				_, err := s.client.GetCollectionsClient().Delete(ctx, &qdrant.DeleteCollection{CollectionName: name})
				return err
			})
			if err != nil {
				return err
			}
		}
		s.mu.Lock()
		delete(s.state, pr.chunks)
		s.mu.Unlock()
	}
	return nil
}
