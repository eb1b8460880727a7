package ingest_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/answerdesk/answerdesk/ingest"
)

// gatedIngester ingests one file per release, recording the order.
type gatedIngester struct {
	mu      sync.Mutex
	order   []string
	started chan string
	release chan struct{}
}

func newGated() *gatedIngester {
	return &gatedIngester{started: make(chan string, 100), release: make(chan struct{})}
}

func (g *gatedIngester) IngestSource(ctx context.Context, src ingest.Source, o ingest.Options) (ingest.Summary, error) {
	name := o.Tenant + "/" + strings.TrimPrefix(src.Path, "upload/")
	g.started <- name
	select {
	case <-g.release:
	case <-ctx.Done():
		return ingest.Summary{}, ctx.Err()
	}
	g.mu.Lock()
	g.order = append(g.order, name)
	g.mu.Unlock()
	return ingest.Summary{Files: 1, Added: 1, Chunks: 1}, nil
}

func uploads(prefix string, n int) []ingest.Upload {
	var out []ingest.Upload
	for i := 0; i < n; i++ {
		out = append(out, ingest.Upload{Name: fmt.Sprintf("%s%d.md", prefix, i), Data: []byte("# x\n\ntext\n")})
	}
	return out
}

// TestJobRunnerFairAcrossTenants: one worker, tenant acme has three jobs
// of five slow files queued; globex's one-file upload is ingested next,
// not after acme's fifteen files.
func TestJobRunnerFairAcrossTenants(t *testing.T) {
	g := newGated()
	r := newRunner(t, &memJobs{}, g, ingest.RunnerOptions{Workers: 1})
	defer func() { close(g.release); r.Shutdown(context.Background()) }()
	for j := 0; j < 3; j++ {
		if _, err := r.Start(context.Background(), "acme", uploads(fmt.Sprintf("a%d-", j), 5), "", ""); err != nil {
			t.Fatal(err)
		}
	}
	if got := <-g.started; got != "acme/a0-0.md" {
		t.Fatalf("first file %s", got)
	}
	if _, err := r.Start(context.Background(), "globex", uploads("g", 1), "", ""); err != nil {
		t.Fatal(err)
	}
	var order []string
	for i := 0; i < 4; i++ {
		g.release <- struct{}{}
		order = append(order, <-g.started)
	}
	if order[0] != "globex/g0.md" {
		t.Errorf("after acme's first file came %v; want globex's upload first", order)
	}
	// The files of one job keep their order.
	if order[1] != "acme/a0-1.md" || order[2] != "acme/a0-2.md" {
		t.Errorf("acme's files out of order: %v", order)
	}
}

// TestJobRunnerQueueBounded: beyond MaxQueued unfinished jobs, Start fails
// with ErrQueueFull before recording anything; a finished job frees a place.
func TestJobRunnerQueueBounded(t *testing.T) {
	g := newGated()
	store := &memJobs{}
	r := newRunner(t, store, g, ingest.RunnerOptions{Workers: 1, MaxQueued: 3})
	defer func() { close(g.release); r.Shutdown(context.Background()) }()
	for i := 0; i < 3; i++ {
		if _, err := r.Start(context.Background(), "acme", uploads(fmt.Sprint(i), 1), "", ""); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := r.Start(context.Background(), "acme", uploads("x", 1), "", ""); !errors.Is(err, ingest.ErrQueueFull) {
		t.Fatalf("fourth job: %v, want ErrQueueFull", err)
	}
	if store.n != 3 {
		t.Errorf("%d jobs recorded, want 3", store.n)
	}
	<-g.started
	g.release <- struct{}{}
	<-g.started // the first job is done and the second started
	if _, err := r.Start(context.Background(), "acme", uploads("y", 1), "", ""); err != nil {
		t.Errorf("after a job finished: %v", err)
	}
}

// TestJobRunnerSpoolsUploads: a queued upload waits on disk under the spool
// directory, not in memory, and its spool is removed once ingested.
func TestJobRunnerSpoolsUploads(t *testing.T) {
	const jobs, size = 30, 4 << 20
	g := newGated()
	spool := filepath.Join(t.TempDir(), "spool")
	os.MkdirAll(filepath.Join(spool, "job_stale"), 0o700) // left by a crashed run
	r := newRunner(t, &memJobs{}, g, ingest.RunnerOptions{Workers: 1, SpoolDir: spool})
	if _, err := os.Stat(filepath.Join(spool, "job_stale")); !os.IsNotExist(err) {
		t.Errorf("a previous run's spool was not cleared: %v", err)
	}
	heap := func() uint64 {
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return m.HeapInuse
	}
	before := heap()
	for i := 0; i < jobs; i++ {
		data := make([]byte, size)
		for j := range data {
			data[j] = byte('a' + j%26)
		}
		if _, err := r.Start(context.Background(), "acme", []ingest.Upload{{Name: fmt.Sprintf("big%d.txt", i), Data: data}}, "", ""); err != nil {
			t.Fatal(err)
		}
	}
	grown := int64(heap()) - int64(before)
	t.Logf("%d queued uploads of %d MiB: heap grew by %.1f MiB", jobs, size>>20, float64(grown)/(1<<20))
	if grown > 16<<20 {
		t.Errorf("heap grew by %d MiB with %d uploads queued: they are held in memory", grown>>20, jobs)
	}
	entries, _ := os.ReadDir(spool)
	if len(entries) != jobs {
		t.Errorf("%d jobs spooled, want %d", len(entries), jobs)
	}
	close(g.release)
	if err := r.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	if entries, _ := os.ReadDir(spool); len(entries) != 0 {
		t.Errorf("%d spooled jobs left after every job finished", len(entries))
	}
}
