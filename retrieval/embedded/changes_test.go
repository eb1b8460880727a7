package embedded

import (
	"context"
	"testing"
	"time"

	"github.com/answerdesk/answerdesk/retrieval"
	"github.com/answerdesk/answerdesk/retrieval/storetest"
	"github.com/google/go-cmp/cmp"
)

func docIDs(t *testing.T, s *Store, text string) []string {
	t.Helper()
	res, err := s.Search(context.Background(), retrieval.Query{Text: text, Tenant: "t1"})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, h := range res.Hits {
		ids = append(ids, h.DocumentID)
	}
	return ids
}

// TestRefreshSeesOtherWriters: two stores on one data directory, as a
// server and a CLI run are: what one writes or deletes, the other searches
// after Refresh, and after Refresh its search equals a fresh Open's.
func TestRefreshSeesOtherWriters(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	server, err := Open(ctx, dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer server.Close()
	cli, err := Open(ctx, dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer cli.Close()
	for _, dc := range []retrieval.DocumentChunks{
		storetest.Doc("t1", "reset", retrieval.KindDoc, "reset the hub by holding the button for ten seconds"),
		storetest.Doc("t1", "pairing", retrieval.KindDoc, "pairing a sensor: hold the button until it blinks"),
	} {
		if err := cli.ReplaceDocument(ctx, dc.Document, dc.Chunks); err != nil {
			t.Fatal(err)
		}
	}
	if got := docIDs(t, server, "hold the button"); len(got) != 0 {
		t.Fatalf("server found %v before refreshing", got)
	}
	if n, err := server.Refresh(ctx); err != nil || n != 2 {
		t.Fatalf("refresh: %d, %v; want 2 documents", n, err)
	}
	if diff := cmp.Diff([]string{"reset", "pairing"}, docIDs(t, server, "hold the button reset")); diff != "" {
		t.Errorf("after the CLI's ingest (-want +got):\n%s", diff)
	}
	// A delete and a change by the CLI, a write by the server in between.
	if err := cli.DeleteDocument(ctx, "t1", "reset"); err != nil {
		t.Fatal(err)
	}
	dc := storetest.Doc("t1", "own", retrieval.KindDoc, "the server's own document about the button")
	if err := server.ReplaceDocument(ctx, dc.Document, dc.Chunks); err != nil {
		t.Fatal(err)
	}
	dc = storetest.Doc("t1", "pairing", retrieval.KindDoc, "pairing a sensor now needs the app")
	if err := cli.ReplaceDocument(ctx, dc.Document, dc.Chunks); err != nil {
		t.Fatal(err)
	}
	if _, err := server.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	fresh, err := Open(ctx, dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer fresh.Close()
	for _, q := range []string{"hold the button", "reset the hub", "pairing app", "server's own"} {
		want, _ := fresh.Search(ctx, retrieval.Query{Text: q, Tenant: "t1"})
		got, _ := server.Search(ctx, retrieval.Query{Text: q, Tenant: "t1"})
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%q: refreshed server differs from a fresh open (-fresh +server):\n%s", q, diff)
		}
	}
	if n, _ := server.Refresh(ctx); n != 0 {
		t.Errorf("a refresh with nothing new reloaded %d documents", n)
	}
}

// TestRefreshAfterPrunedLog: a store that missed pruned change rows
// rebuilds its index instead of missing writes.
func TestRefreshAfterPrunedLog(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	server, err := Open(ctx, dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer server.Close()
	cli, err := Open(ctx, dir, Options{Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	defer cli.Close()
	dc := storetest.Doc("t1", "old", retrieval.KindDoc, "an old document about the button")
	cli.ReplaceDocument(ctx, dc.Document, dc.Chunks)
	now = now.Add(2 * changeTTL) // the next write prunes the first change
	dc = storetest.Doc("t1", "new", retrieval.KindDoc, "a new document about the button")
	cli.ReplaceDocument(ctx, dc.Document, dc.Chunks)
	if n, err := server.Refresh(ctx); err != nil || n != -1 {
		t.Fatalf("refresh: %d, %v; want a rebuild (-1)", n, err)
	}
	if diff := cmp.Diff([]string{"new", "old"}, docIDs(t, server, "document button")); diff != "" {
		t.Errorf("after rebuild (-want +got):\n%s", diff)
	}
}

// TestWatchAppliesWithinInterval: a store opened with Watch sees another
// handle's write without being asked.
func TestWatchAppliesWithinInterval(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	server, err := Open(ctx, dir, Options{Watch: 20 * time.Millisecond, OnError: func(err error) { t.Error(err) }})
	if err != nil {
		t.Fatal(err)
	}
	defer server.Close()
	cli, err := Open(ctx, dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	dc := storetest.Doc("t1", "late", retrieval.KindDoc, "written by another process")
	if err := cli.ReplaceDocument(ctx, dc.Document, dc.Chunks); err != nil {
		t.Fatal(err)
	}
	cli.Close()
	for deadline := time.Now().Add(5 * time.Second); len(docIDs(t, server, "another process")) == 0; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the watching store never saw the other handle's write")
		}
	}
}
