package qdrant_test

import (
	"context"
	"errors"
	"net"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc/codes"

	"github.com/answerdesk/answerdesk/retrieval"
	"github.com/answerdesk/answerdesk/retrieval/qdrant"
	"github.com/answerdesk/answerdesk/retrieval/qdrant/qdranttest"
	"github.com/answerdesk/answerdesk/retrieval/storetest"
)

// fast makes failures quick: short timeouts, two retries 1ms apart.
func fast(c *qdrant.Config) {
	c.Timeout = 300 * time.Millisecond
	c.Retries = 2
	c.Backoff = time.Millisecond
}

func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

func TestOpenUnreachable(t *testing.T) {
	addr := freeAddr(t)
	cfg, err := qdrant.ParseURL("qdrant://" + addr + "?timeout=500ms")
	if err != nil {
		t.Fatal(err)
	}
	cfg.Logger = quiet
	_, err = qdrant.Open(context.Background(), cfg)
	if !errors.Is(err, retrieval.ErrUnavailable) {
		t.Fatalf("Open(nothing listening) error = %v, want ErrUnavailable", err)
	}
	for _, want := range []string{addr, "not reachable"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
}

func TestOpenTooOld(t *testing.T) {
	srv := qdranttest.Start(t, qdranttest.Options{Version: "1.9.7"})
	cfg, _ := qdrant.ParseURL(srv.URL)
	cfg.Logger = quiet
	_, err := qdrant.Open(context.Background(), cfg)
	if err == nil || !strings.Contains(err.Error(), "too old") || !strings.Contains(err.Error(), "1.9.7") {
		t.Fatalf("Open(1.9.7) error = %v, want a too-old error naming the version", err)
	}
	if srv.Points("answerdesk") != -1 {
		t.Errorf("a too-old server got a collection")
	}
}

func TestOpenWrongAPIKey(t *testing.T) {
	srv := qdranttest.Start(t, qdranttest.Options{APIKey: "right"})
	cfg, _ := qdrant.ParseURL(srv.URL)
	cfg.Logger = quiet
	cfg.APIKey = "wrong"
	_, err := qdrant.Open(context.Background(), cfg)
	if err == nil || !strings.Contains(err.Error(), "API key") || strings.Contains(err.Error(), "wrong") ||
		strings.Contains(err.Error(), "not reachable") || errors.Is(err, retrieval.ErrUnavailable) {
		t.Fatalf("Open(wrong key) error = %v, want an API key error that does not echo the key", err)
	}
	cfg.APIKey = "right"
	s, err := qdrant.Open(context.Background(), cfg)
	if err != nil {
		t.Fatalf("Open(right key): %v", err)
	}
	s.Close()
}

func TestServerGoesAway(t *testing.T) {
	srv := qdranttest.Start(t, qdranttest.Options{})
	s := openTest(t, srv.URL, fast)
	defer s.Close()
	ctx := context.Background()
	dc := storetest.Doc("t1", "a", retrieval.KindDoc, "router firmware update")
	if err := s.ReplaceDocument(ctx, dc.Document, dc.Chunks); err != nil {
		t.Fatal(err)
	}
	srv.Stop()
	if _, err := s.Search(ctx, retrieval.Query{Text: "router firmware", Tenant: "t1"}); !errors.Is(err, retrieval.ErrUnavailable) {
		t.Errorf("Search after stop error = %v, want ErrUnavailable", err)
	}
	err := s.ReplaceDocument(ctx, dc.Document, dc.Chunks)
	if !errors.Is(err, retrieval.ErrUnavailable) {
		t.Errorf("ReplaceDocument after stop error = %v, want ErrUnavailable", err)
	}
	if _, err := s.Document(ctx, "t1", "a"); !errors.Is(err, retrieval.ErrUnavailable) {
		t.Errorf("Document after stop error = %v, want ErrUnavailable", err)
	}
	if _, err := s.Stats(ctx); !errors.Is(err, retrieval.ErrUnavailable) {
		t.Errorf("Stats after stop error = %v, want ErrUnavailable", err)
	}
}

func TestSlowServerTimesOut(t *testing.T) {
	srv := qdranttest.Start(t, qdranttest.Options{})
	s := openTest(t, srv.URL, fast)
	defer s.Close()
	ctx := context.Background()
	dc := storetest.Doc("t1", "a", retrieval.KindDoc, "router firmware update")
	if err := s.ReplaceDocument(ctx, dc.Document, dc.Chunks); err != nil {
		t.Fatal(err)
	}
	srv.SetDelay(5 * time.Second)
	if _, err := s.Search(ctx, retrieval.Query{Text: "router", Tenant: "t1"}); !errors.Is(err, retrieval.ErrUnavailable) || !strings.Contains(err.Error(), "timed out") {
		t.Errorf("Search on a slow server error = %v, want a timeout wrapping ErrUnavailable", err)
	}
	before := srv.Calls()
	err := s.ReplaceDocument(ctx, dc.Document, dc.Chunks)
	if !errors.Is(err, retrieval.ErrUnavailable) {
		t.Errorf("ReplaceDocument on a slow server error = %v, want ErrUnavailable", err)
	}
	// The caller's own deadline also ends a call early.
	short, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel()
	if _, err := s.Document(short, "t1", "a"); !errors.Is(err, context.DeadlineExceeded) || !errors.Is(err, retrieval.ErrUnavailable) {
		t.Errorf("Document past the caller's deadline error = %v, want DeadlineExceeded and ErrUnavailable", err)
	}
	srv.SetDelay(0)
	if _, err := s.Search(ctx, retrieval.Query{Text: "router", Tenant: "t1"}); err != nil {
		t.Errorf("Search after the server recovered: %v", err)
	}
	if srv.Calls() == before {
		t.Errorf("no calls reached the server")
	}
}

func TestWriteRetriesTransientFailures(t *testing.T) {
	srv := qdranttest.Start(t, qdranttest.Options{})
	s := openTest(t, srv.URL, fast)
	defer s.Close()
	ctx := context.Background()
	dc := storetest.Doc("t1", "a", retrieval.KindDoc, "router firmware update")
	srv.FailNext("Points/Upsert", 2, codes.Unavailable) // two failures, two retries: succeeds
	if err := s.ReplaceDocument(ctx, dc.Document, dc.Chunks); err != nil {
		t.Fatalf("ReplaceDocument with two transient failures: %v", err)
	}
	srv.FailNext("Points/Upsert", 3, codes.Unavailable) // three failures: reported
	err := s.ReplaceDocument(ctx, dc.Document, dc.Chunks)
	if !errors.Is(err, retrieval.ErrUnavailable) || !strings.Contains(err.Error(), "after 3 attempts") {
		t.Errorf("ReplaceDocument with three failures error = %v, want ErrUnavailable after 3 attempts", err)
	}
	srv.FailNext("Points/Upsert", 1, codes.InvalidArgument) // not transient: no retry
	if err := s.ReplaceDocument(ctx, dc.Document, dc.Chunks); !errors.Is(err, retrieval.ErrInvalid) || strings.Contains(err.Error(), "attempts") {
		t.Errorf("ReplaceDocument with a permanent failure error = %v, want ErrInvalid without retries", err)
	}
}

// TestInterruptedReplaceRecovers fails a replace between its steps (new
// chunks written, old ones not yet deleted, record not updated) and checks
// that the record still has the old hash, so ingestion redoes the document,
// and that redoing it converges.
func TestInterruptedReplaceRecovers(t *testing.T) {
	srv := qdranttest.Start(t, qdranttest.Options{})
	s := openTest(t, srv.URL, fast)
	defer s.Close()
	ctx := context.Background()
	old := storetest.Doc("t1", "guide", retrieval.KindDoc, "old thermostat text", "old sprinkler text", "old doorbell text")
	if err := s.ReplaceDocument(ctx, old.Document, old.Chunks); err != nil {
		t.Fatal(err)
	}
	upd := storetest.Doc("t1", "guide", retrieval.KindDoc, "new thermostat text")
	srv.FailNext("Points/Delete", 1, codes.Internal)
	if err := s.ReplaceDocument(ctx, upd.Document, upd.Chunks); err == nil {
		t.Fatal("ReplaceDocument with a failing delete succeeded")
	}
	d, err := s.Document(ctx, "t1", "guide")
	if err != nil {
		t.Fatal(err)
	}
	if d.Hash != old.Document.Hash {
		t.Fatalf("record hash after an interrupted replace = %q, want the old %q (so that re-ingest redoes it)", d.Hash, old.Document.Hash)
	}
	// The document never disappears from search in between.
	if res, _ := s.Search(ctx, retrieval.Query{Text: "thermostat", Tenant: "t1"}); len(res.Hits) == 0 {
		t.Errorf("document unsearchable after an interrupted replace")
	}
	if err := s.ReplaceDocument(ctx, upd.Document, upd.Chunks); err != nil {
		t.Fatal(err)
	}
	res, err := s.Search(ctx, retrieval.Query{Text: "thermostat sprinkler doorbell text", Tenant: "t1"})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Hits) != 1 || res.Hits[0].Text != "new thermostat text" {
		t.Errorf("after re-ingest hits = %+v, want only the new chunk", res.Hits)
	}
	if st, _ := s.Stats(ctx); st.Chunks != 1 {
		t.Errorf("after re-ingest %d chunks, want 1", st.Chunks)
	}
}

func TestBatchedUpserts(t *testing.T) {
	srv := qdranttest.Start(t, qdranttest.Options{})
	s := openTest(t, srv.URL, func(c *qdrant.Config) { c.BatchSize = 2 })
	defer s.Close()
	dc := storetest.Doc("t1", "a", retrieval.KindDoc, "one", "two", "three", "four", "five")
	before := srv.Calls()
	if err := s.ReplaceDocument(context.Background(), dc.Document, dc.Chunks); err != nil {
		t.Fatal(err)
	}
	// get records + 3 chunk batches (2+2+1) + delete stale + record upsert
	if got := srv.Calls() - before; got != 6 {
		t.Errorf("ReplaceDocument of 5 chunks with batch 2 made %d calls, want 6", got)
	}
	if n := srv.Points("answerdesk"); n != 5 {
		t.Errorf("%d chunk points, want 5", n)
	}
}
