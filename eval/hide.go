package eval

import (
	"context"
	"sort"

	"github.com/answerdesk/answerdesk/retrieval"
)

// hidingStore is a store whose searches never return the hidden documents,
// which stay in its index: a knock-out that keeps their words in the
// index's statistics (Knockout.KeepVocabulary). The engine then meets a
// question whose answer is gone while the words that name what it asks are
// still known, as in a real knowledge base that states an attribute for
// one of two sibling products only.
type hidingStore struct {
	retrieval.Store
	hidden map[string]bool
}

// hideDocuments returns st with the documents ids hidden from its
// searches, or st itself when there are none.
func hideDocuments(st retrieval.Store, ids []string) retrieval.Store {
	if len(ids) == 0 {
		return st
	}
	hidden := make(map[string]bool, len(ids))
	for _, id := range ids {
		hidden[id] = true
	}
	return hidingStore{Store: st, hidden: hidden}
}

// Search asks the store for as many hits as it gives (retrieval.MaxK), so
// that q.K remain once the hidden documents' are dropped, and numbers the
// sparse and dense ranks of the hits left from 1 again, in their order. The
// IDFs and the self-score are the whole index's.
func (s hidingStore) Search(ctx context.Context, q retrieval.Query) (retrieval.Result, error) {
	k := q.K
	if k <= 0 {
		k = retrieval.DefaultK
	}
	q.K = retrieval.MaxK
	res, err := s.Store.Search(ctx, q)
	if err != nil {
		return res, err
	}
	hits := make([]retrieval.Hit, 0, min(k, len(res.Hits)))
	for _, h := range res.Hits {
		if !s.hidden[h.DocumentID] {
			hits = append(hits, h)
		}
	}
	renumber(hits, func(h *retrieval.Hit) *int { return &h.SparseRank })
	renumber(hits, func(h *retrieval.Hit) *int { return &h.DenseRank })
	res.Hits = hits[:min(k, len(hits))]
	return res, nil
}

// renumber gives the hits that have a rank (rank(h) > 0) the ranks 1, 2, …
// in the order of their old ranks.
func renumber(hits []retrieval.Hit, rank func(*retrieval.Hit) *int) {
	var ranked []int
	for i := range hits {
		if *rank(&hits[i]) > 0 {
			ranked = append(ranked, i)
		}
	}
	sort.SliceStable(ranked, func(a, b int) bool { return *rank(&hits[ranked[a]]) < *rank(&hits[ranked[b]]) })
	for r, i := range ranked {
		*rank(&hits[i]) = r + 1
	}
}
