package retrieval_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/answerdesk/answerdesk/retrieval"
	"github.com/answerdesk/answerdesk/retrieval/storetest"
)

// countingLister counts the pages read.
type countingLister struct {
	retrieval.DocumentLister
	pages int
}

func (c *countingLister) Documents(ctx context.Context, f retrieval.DocFilter) ([]retrieval.Document, error) {
	c.pages++
	return c.DocumentLister.Documents(ctx, f)
}

func TestEachDocument(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	var docs []retrieval.DocumentChunks
	for i := range 7 {
		docs = append(docs, storetest.Doc("t1", fmt.Sprintf("d%d", i), retrieval.KindDoc, "text"))
	}
	docs = append(docs, storetest.Doc("t1", "faq", retrieval.KindFAQ, "question"), storetest.Doc("t2", "other", retrieval.KindDoc, "text"))
	if err := st.ReplaceDocuments(ctx, docs); err != nil {
		t.Fatal(err)
	}
	l := &countingLister{DocumentLister: st}
	var ids []string
	err := retrieval.EachDocument(ctx, l, retrieval.DocFilter{Tenant: "t1", Kind: retrieval.KindDoc, Limit: 3}, func(d retrieval.Document) error {
		ids = append(ids, d.ID)
		// Deleting the document in hand does not disturb the paging.
		return st.DeleteDocument(ctx, d.Tenant, d.ID)
	})
	if err != nil || strings.Join(ids, ",") != "d0,d1,d2,d3,d4,d5,d6" || l.pages != 4 {
		t.Errorf("documents %v in %d pages (%v); want d0…d6 of kind doc in pages of 3", ids, l.pages, err)
	}
	stop := errors.New("stop")
	var n int
	err = retrieval.EachDocument(ctx, st, retrieval.DocFilter{Tenant: "t1"}, func(retrieval.Document) error { n++; return stop })
	if !errors.Is(err, stop) || n != 1 {
		t.Errorf("fn's error: %v after %d documents, want it after 1", err, n)
	}
	err = retrieval.EachDocument(ctx, st, retrieval.DocFilter{}, func(retrieval.Document) error { return nil })
	if !errors.Is(err, retrieval.ErrInvalid) {
		t.Errorf("no tenant: %v, want the store's ErrInvalid", err)
	}
}
