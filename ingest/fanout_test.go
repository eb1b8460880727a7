package ingest_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/answerdesk/answerdesk/ingest"
	"github.com/answerdesk/answerdesk/retrieval"
)

// unavailableStore fails every write as an unreachable index does, which
// stops a run early.
type unavailableStore struct{ retrieval.Store }

func (unavailableStore) ReplaceDocuments(context.Context, []retrieval.DocumentChunks) error {
	return fmt.Errorf("index down: %w", retrieval.ErrUnavailable)
}

// TestNoLoadAfterEarlyReturn: when a run stops early (the index became
// unavailable), no file starts loading after IngestPaths returned. The
// fan-out used to add loads to its WaitGroup after the deferred Wait had
// returned, so parsers (PDF children among them) kept starting behind
// the caller's back.
func TestNoLoadAfterEarlyReturn(t *testing.T) {
	dir := t.TempDir()
	for i := range 200 {
		write(t, filepath.Join(dir, fmt.Sprintf("f%02d.slow", i)), "text")
	}
	var started atomic.Int64
	loaders := map[string]ingest.Loader{".slow": ingest.LoaderFunc(func(ctx context.Context, src ingest.Source) ([]ingest.Document, error) {
		started.Add(1)
		return []ingest.Document{{Title: src.ID, Sections: []ingest.Section{{Blocks: []ingest.Block{{Text: "some text about " + src.ID}}}}}}, nil
	})}
	p := ingest.NewPipeline(unavailableStore{newStore(t)}, loaders, nil, nil)
	// Loads that end at once keep the dispatcher busy, so that it meets a
	// free worker and the cancelled context together and picks at random.
	for run := range 200 {
		started.Store(0)
		_, err := p.IngestPaths(context.Background(), []string{dir}, ingest.Options{Workers: 2})
		if !errors.Is(err, retrieval.ErrUnavailable) {
			t.Fatalf("run %d: err = %v, want ErrUnavailable", run, err)
		}
		atReturn := started.Load()
		time.Sleep(2 * time.Millisecond)
		if later := started.Load(); later != atReturn {
			t.Fatalf("run %d: %d loads started after IngestPaths returned", run, later-atReturn)
		}
	}
}
