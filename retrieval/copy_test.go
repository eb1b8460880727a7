package retrieval_test

import (
	"context"
	"errors"
	"testing"

	"github.com/answerdesk/answerdesk/retrieval"
	"github.com/answerdesk/answerdesk/retrieval/embedded"
	"github.com/answerdesk/answerdesk/retrieval/storetest"
)

func openStore(t *testing.T) *embedded.Store {
	t.Helper()
	s, err := embedded.Open(context.Background(), t.TempDir(), embedded.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// oneByOne hides a store's BatchReplacer.
type oneByOne struct{ retrieval.Store }

// failing refuses every write.
type failing struct{ retrieval.Store }

func (failing) ReplaceDocument(context.Context, retrieval.Document, []retrieval.Chunk) error {
	return retrieval.ErrUnavailable
}

func TestCopy(t *testing.T) {
	ctx := context.Background()
	src := openStore(t)
	docs := []retrieval.DocumentChunks{
		storetest.Doc("t1", "a", retrieval.KindDoc, "How to reset the hub", "Hold the button for ten seconds"),
		storetest.Doc("t1", "b", retrieval.KindFAQ, "Как сбросить хаб?"),
		storetest.Doc("t1", "c", retrieval.KindDoc, "Refunds take five days"),
		storetest.Doc("t2", "d", retrieval.KindTicket, "退款需要多久"),
	}
	if err := src.ReplaceDocuments(ctx, docs); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		wrap  func(retrieval.Store) retrieval.Store
		batch int
	}{
		{"batched", func(s retrieval.Store) retrieval.Store { return s }, 2},
		{"one by one", func(s retrieval.Store) retrieval.Store { return oneByOne{s} }, 64},
	} {
		t.Run(tc.name, func(t *testing.T) {
			raw := openStore(t)
			dst := tc.wrap(raw)
			var calls int
			p, err := retrieval.Copy(ctx, dst, src, retrieval.CopyOptions{Batch: tc.batch, Progress: func(retrieval.CopyProgress) { calls++ }})
			want := retrieval.CopyProgress{Documents: 4, Copied: 4, Chunks: 5, Tenants: 2}
			if err != nil || p != want || calls != 4 {
				t.Fatalf("Copy = %+v, %v after %d progress calls; want %+v after 4", p, err, calls, want)
			}
			srcStats, _ := src.ExportStats(ctx, "")
			dstStats, _ := raw.ExportStats(ctx, "")
			if srcStats != dstStats {
				t.Errorf("target %+v, source %+v", dstStats, srcStats)
			}
			for _, q := range []retrieval.Query{{Text: "reset hub", Tenant: "t1"}, {Text: "退款", Tenant: "t2"}} {
				s, _ := src.Search(ctx, q)
				d, _ := raw.Search(ctx, q)
				if len(s.Hits) == 0 || len(d.Hits) != len(s.Hits) || d.Hits[0].ID != s.Hits[0].ID || d.Hits[0].Score != s.Hits[0].Score {
					t.Errorf("search %q: target %+v, source %+v", q.Text, d.Hits, s.Hits)
				}
			}

			// Again: nothing to copy. A changed document is copied alone.
			if p, err := retrieval.Copy(ctx, dst, src, retrieval.CopyOptions{}); err != nil || p.Copied != 0 || p.Unchanged != 4 {
				t.Errorf("second Copy = %+v, %v; want 4 unchanged", p, err)
			}
			changed := storetest.Doc("t1", "c", retrieval.KindDoc, "Refunds take ten days now ("+tc.name+")")
			if err := src.ReplaceDocument(ctx, changed.Document, changed.Chunks); err != nil {
				t.Fatal(err)
			}
			if p, err := retrieval.Copy(ctx, dst, src, retrieval.CopyOptions{}); err != nil || p.Copied != 1 || p.Unchanged != 3 {
				t.Errorf("Copy after a change = %+v, %v; want 1 copied, 3 unchanged", p, err)
			}
			if p, err := retrieval.Copy(ctx, dst, src, retrieval.CopyOptions{Tenant: "t2", Force: true}); err != nil || p.Copied != 1 || p.Documents != 1 || p.Tenants != 1 {
				t.Errorf("forced Copy of t2 = %+v, %v; want its one document copied", p, err)
			}
		})
	}

	// A failing target: the error names the document and wraps the cause.
	_, err := retrieval.Copy(ctx, failing{openStore(t)}, src, retrieval.CopyOptions{})
	if !errors.Is(err, retrieval.ErrUnavailable) {
		t.Errorf("Copy to a failing store: %v, want ErrUnavailable", err)
	}
}
