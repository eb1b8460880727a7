package embedded

import (
	"context"
	"testing"

	"github.com/answerdesk/answerdesk/retrieval"
	"github.com/answerdesk/answerdesk/retrieval/storetest"
	"github.com/google/go-cmp/cmp"
)

func openTemp(t *testing.T) *Store {
	t.Helper()
	s, err := Open(context.Background(), t.TempDir(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) retrieval.Store { return openTemp(t) })
}

// TestReopen: what committed is what a new process sees.
func TestReopen(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s, err := Open(ctx, dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, dc := range []retrieval.DocumentChunks{
		storetest.Doc("t1", "a", retrieval.KindDoc, "reset the hub by holding the button", "second chunk about pairing"),
		storetest.Doc("t1", "b", retrieval.KindFAQ, "Q: pairing fails? A: move closer"),
		storetest.Doc("t1", "gone", retrieval.KindDoc, "deleted before reopen, about pairing"),
	} {
		if err := s.ReplaceDocument(ctx, dc.Document, dc.Chunks); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.DeleteDocument(ctx, "t1", "gone"); err != nil {
		t.Fatal(err)
	}
	q := retrieval.Query{Text: "pairing hub", Tenant: "t1"}
	before, err := s.Search(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	s2, err := Open(ctx, dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	after, err := s2.Search(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	if len(before.Hits) != 3 {
		t.Fatalf("before reopen: %d hits, want 3", len(before.Hits))
	}
	if diff := cmp.Diff(before, after); diff != "" {
		t.Errorf("search differs after reopen (-before +after):\n%s", diff)
	}
}

func TestExporter(t *testing.T) {
	storetest.RunExporter(t, func(t *testing.T) retrieval.Store { return openTemp(t) })
}
