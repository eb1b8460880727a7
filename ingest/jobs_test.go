package ingest_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/answerdesk/answerdesk/ingest"
	"github.com/google/go-cmp/cmp"
)

// memJobs is an in-memory JobStore.
type memJobs struct {
	mu   sync.Mutex
	jobs map[string]ingest.Job
	n    int
}

func (m *memJobs) CreateJob(_ context.Context, tenant string, files []string) (ingest.Job, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.n++
	j := ingest.Job{ID: fmt.Sprintf("job_%d", m.n), Tenant: tenant, State: ingest.JobQueued, Files: files}
	if m.jobs == nil {
		m.jobs = map[string]ingest.Job{}
	}
	m.jobs[j.ID] = j
	return j, nil
}

func (m *memJobs) UpdateJob(_ context.Context, j ingest.Job) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.jobs[j.ID] = j
	return nil
}

func (m *memJobs) get(id string) ingest.Job {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.jobs[id]
}

// scriptedIngester ingests by calling f.
type scriptedIngester func(ctx context.Context, src ingest.Source) (ingest.Summary, error)

func (f scriptedIngester) IngestSource(ctx context.Context, src ingest.Source, _ ingest.Options) (ingest.Summary, error) {
	return f(ctx, src)
}

func TestJobRunner(t *testing.T) {
	store := &memJobs{}
	ing := scriptedIngester(func(ctx context.Context, src ingest.Source) (ingest.Summary, error) {
		switch {
		case strings.Contains(src.Path, "boom"):
			panic("parser exploded at /secret/path")
		case strings.Contains(src.Path, "empty"):
			return ingest.Summary{Files: 1, Failed: []ingest.Failure{{Path: src.Path, Err: fmt.Errorf("%s: %w", src.Path, ingest.ErrEmpty)}}}, nil
		case strings.Contains(src.Path, "db"):
			return ingest.Summary{}, errors.New("sqlite: disk I/O error at /var/lib/x")
		}
		return ingest.Summary{Files: 1, Added: 1, Chunks: 3}, nil
	})
	r := newRunner(t, store, ing, ingest.RunnerOptions{})
	files := []ingest.Upload{{Name: "faq.md", Data: []byte("x")}, {Name: "boom.md"}, {Name: "empty.md"}, {Name: "db.md"}}
	j, err := r.Start(context.Background(), "acme", files, "auto", "")
	if err != nil {
		t.Fatal(err)
	}
	if j.State != ingest.JobQueued || j.Tenant != "acme" {
		t.Errorf("started job = %+v", j)
	}
	if err := r.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	got := store.get(j.ID)
	want := ingest.JobResult{Added: 1, Chunks: 3, Failed: []ingest.JobFailure{
		{File: "boom.md", Reason: "internal error"},
		{File: "empty.md", Reason: "upload/empty.md: no text to index"},
		{File: "db.md", Reason: "internal error"},
	}}
	if got.State != ingest.JobSucceeded {
		t.Errorf("state = %q, want succeeded (one file landed)", got.State)
	}
	if diff := cmp.Diff(want, got.Result); diff != "" {
		t.Errorf("result (-want +got):\n%s", diff)
	}
	if _, err := r.Start(context.Background(), "acme", files, "", ""); !errors.Is(err, ingest.ErrShuttingDown) {
		t.Errorf("Start after Shutdown: %v, want ErrShuttingDown", err)
	}
}

// TestJobRunnerShutdownCancels: a job still running when Shutdown's
// context ends is cancelled, and its files fail as "server shutting down".
func TestJobRunnerShutdownCancels(t *testing.T) {
	store := &memJobs{}
	started := make(chan struct{})
	ing := scriptedIngester(func(ctx context.Context, src ingest.Source) (ingest.Summary, error) {
		close(started)
		<-ctx.Done()
		return ingest.Summary{}, ctx.Err()
	})
	r := newRunner(t, store, ing, ingest.RunnerOptions{})
	j, err := r.Start(context.Background(), "acme", []ingest.Upload{{Name: "a.md"}, {Name: "b.md"}}, "", "")
	if err != nil {
		t.Fatal(err)
	}
	<-started
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if err := r.Shutdown(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Shutdown = %v, want the deadline", err)
	}
	got := store.get(j.ID)
	want := []ingest.JobFailure{{File: "a.md", Reason: "server shutting down"}, {File: "b.md", Reason: "server shutting down"}}
	if got.State != ingest.JobFailed || got.Error == "" {
		t.Errorf("job = %q %q, want failed", got.State, got.Error)
	}
	if diff := cmp.Diff(want, got.Result.Failed); diff != "" {
		t.Errorf("failures (-want +got):\n%s", diff)
	}
}

func newRunner(t *testing.T, store ingest.JobStore, ing ingest.SourceIngester, o ingest.RunnerOptions) *ingest.JobRunner {
	t.Helper()
	if o.SpoolDir == "" {
		o.SpoolDir = filepath.Join(t.TempDir(), "spool")
	}
	r, err := ingest.NewJobRunner(store, ing, o, nil)
	if err != nil {
		t.Fatal(err)
	}
	return r
}
