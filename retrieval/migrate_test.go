package retrieval_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/answerdesk/answerdesk/retrieval"
	"github.com/answerdesk/answerdesk/retrieval/storetest"
)

// noExport hides a store's Exporter.
type noExport struct{ retrieval.Store }

func TestMigrate(t *testing.T) {
	ctx := context.Background()
	src := openStore(t)
	docs := []retrieval.DocumentChunks{
		storetest.Doc("t1", "a", retrieval.KindDoc, "How to reset the hub", "Hold the button for ten seconds"),
		storetest.Doc("t2", "b", retrieval.KindFAQ, "Как сбросить хаб?"),
	}
	if err := src.ReplaceDocuments(ctx, docs); err != nil {
		t.Fatal(err)
	}
	want, err := src.ExportStats(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	dst := openStore(t)
	var started retrieval.ExportStats
	var openedWith float64
	open := func(_ context.Context, avgLen float64) (retrieval.Store, error) {
		if started != want {
			t.Errorf("target opened before Started was told the source (%+v)", started)
		}
		openedWith = avgLen
		return dst, nil
	}
	m, err := retrieval.Migrate(ctx, src, open, retrieval.MigrateOptions{Started: func(s retrieval.ExportStats) { started = s }})
	if err != nil {
		t.Fatal(err)
	}
	if m.Source != want || openedWith != want.AvgLen || want.AvgLen == 0 {
		t.Errorf("source %+v, target opened with average %v; want %+v", m.Source, openedWith, want)
	}
	if m.Copy.Copied != 2 || m.Copy.Tenants != 2 || m.Target.Documents != 2 || m.Target.Chunks != want.Chunks {
		t.Errorf("migration %+v, want 2 documents of 2 tenants copied and held by the target", m)
	}
	// One tenant, again: everything is there already.
	if m, err := retrieval.Migrate(ctx, src, open, retrieval.MigrateOptions{CopyOptions: retrieval.CopyOptions{Tenant: "t2"}}); err != nil || m.Source.Documents != 1 || m.Copy.Unchanged != 1 || m.Copy.Copied != 0 {
		t.Errorf("tenant t2 again: %+v, %v; want its 1 document unchanged", m, err)
	}

	if _, err := retrieval.Migrate(ctx, noExport{src}, open, retrieval.MigrateOptions{}); !errors.Is(err, retrieval.ErrNoExport) {
		t.Errorf("source without export: err = %v, want ErrNoExport", err)
	}
	refuse := func(context.Context, float64) (retrieval.Store, error) { return failing{openStore(t)}, nil }
	if _, err := retrieval.Migrate(ctx, src, refuse, retrieval.MigrateOptions{}); !errors.Is(err, retrieval.ErrUnavailable) || !strings.Contains(err.Error(), "re-run to resume") {
		t.Errorf("target refusing writes: err = %v, want ErrUnavailable and the advice to resume", err)
	}
	gone := errors.New("no such host")
	if _, err := retrieval.Migrate(ctx, src, func(context.Context, float64) (retrieval.Store, error) { return nil, gone }, retrieval.MigrateOptions{}); !errors.Is(err, gone) {
		t.Errorf("target not opened: err = %v", err)
	}
}
