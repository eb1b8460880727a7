package ingest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"slices"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/answerdesk/answerdesk/retrieval"
)

// Job states.
const (
	JobQueued    = "queued"
	JobRunning   = "running"
	JobSucceeded = "succeeded"
	JobFailed    = "failed"
)

// Job is a background ingestion of uploaded files.
type Job struct {
	ID      string
	Tenant  string
	State   string
	Files   []string
	Result  JobResult
	Error   string
	Created time.Time
	Updated time.Time
}

// JobResult summarises a finished job.
type JobResult struct {
	Added, Updated, Unchanged, Chunks int
	Failed                            []JobFailure
}

// JobFailure is one file that could not be ingested, with a reason fit for
// the client that uploaded it (no internals).
type JobFailure struct {
	File   string
	Reason string
}

// JobStore keeps jobs (answer/state.JobStore implements it).
type JobStore interface {
	// CreateJob records a queued job for files.
	CreateJob(ctx context.Context, tenant string, files []string) (Job, error)
	// UpdateJob stores a job's state, result and error.
	UpdateJob(ctx context.Context, j Job) error
}

// SourceIngester ingests one source (Pipeline implements it).
type SourceIngester interface {
	IngestSource(ctx context.Context, src Source, o Options) (Summary, error)
}

var _ SourceIngester = (*Pipeline)(nil)

// Upload is one uploaded file.
type Upload struct {
	Name string // a safe base name ("faq.csv"); the document id derives from it
	Data []byte
}

// JobRunner runs upload jobs in the background. An upload streams to disk
// as it is received (Receive, Spool; RunnerOptions.SpoolDir), so that
// neither uploads in flight nor queued jobs hold memory; the queue is
// bounded (Receive fails with ErrQueueFull beyond RunnerOptions.MaxQueued
// unfinished jobs and uploads being received); RunnerOptions.Workers files
// are ingested at once, and the scheduler is fair across tenants: the next
// file comes from the tenant with the fewest files being ingested, in
// turn, so that one tenant's twenty slow PDFs do not hold up another's
// upload. The files of one job are ingested one after another, in order.
// Jobs outlive the request that started them and are waited for by
// Shutdown. Safe for concurrent use.
type JobRunner struct {
	store  JobStore
	ing    SourceIngester
	log    *slog.Logger
	o      RunnerOptions
	wg     sync.WaitGroup  // one per unfinished job
	done   sync.WaitGroup  // the worker goroutines
	ctx    context.Context // cancelled when Shutdown gives up waiting
	cancel context.CancelFunc

	quota *Quota // nil: no quota

	mu      sync.Mutex
	wake    *sync.Cond
	closed  bool
	tenants map[string]*tenantJobs // tenants with unfinished jobs
	jobs    int                    // unfinished jobs
	// receiving counts the uploads being received (open Spools): they
	// hold a place in the queue.
	receiving int
	tick      uint64 // orders arrivals and services
}

// RunnerOptions configure a JobRunner; zero values take the defaults in
// brackets.
type RunnerOptions struct {
	// Workers is how many files are ingested at once [1].
	Workers int
	// MaxQueued bounds the jobs accepted and not finished, with the
	// uploads being received [64].
	MaxQueued int
	// MaxFileSize bounds one uploaded file [DefaultMaxFileSize]: a larger
	// file is refused with ErrTooLarge while it is received, and the
	// ingester is given the same bound.
	MaxFileSize int64
	// SpoolDir holds queued uploads [a directory under os.TempDir]. It is
	// the runner's own: what it holds at start is left from a previous run
	// whose jobs were marked failed, and is removed.
	SpoolDir string
}

// ErrQueueFull: the upload queue is full; retry later.
var ErrQueueFull = errors.New("the upload queue is full")

// tenantJobs is a tenant's unfinished jobs, oldest first.
type tenantJobs struct {
	jobs    []*queuedJob
	running int    // files of the tenant being ingested
	served  uint64 // when a file of the tenant last started (0: never)
	arrived uint64 // when the tenant's first unfinished job arrived
}

// before reports whether t is served before u: fewer files being
// ingested, then longest since served, then first arrived.
func (t *tenantJobs) before(u *tenantJobs) bool {
	if t.running != u.running {
		return t.running < u.running
	}
	if t.served != u.served {
		return t.served < u.served
	}
	return t.arrived < u.arrived
}

// queuedJob is an accepted job with its spooled files.
type queuedJob struct {
	job       Job
	dir       string
	files     []spooled
	next      int // the next file to ingest
	running   bool
	kind      retrieval.Kind
	lang      string
	allowance *Allowance
	started   bool
}

// spooled is an uploaded file waiting on disk.
type spooled struct {
	name string
	path string
}

// SetQuota makes every later job check q: Start refuses an upload that is
// too large or whose tenant is at a quota, before any work, and a running
// job fails the files that would take it past q. Call it before Start.
func (r *JobRunner) SetQuota(q Quota) {
	q = q.WithDefaults()
	r.quota = &q
}

// usageSource reports a tenant's usage (Pipeline implements it).
type usageSource interface {
	TenantUsage(ctx context.Context, tenant string) (retrieval.Usage, error)
}

// allowance is the quota allowance of a job of tenant, nil without a quota.
func (r *JobRunner) allowance(ctx context.Context, tenant string) (*Allowance, error) {
	if r.quota == nil {
		return nil, nil
	}
	var used retrieval.Usage
	if us, ok := r.ing.(usageSource); ok {
		var err error
		if used, err = us.TenantUsage(ctx, tenant); err != nil {
			return nil, err
		}
	}
	return NewAllowance(*r.quota, used), nil
}

// NewJobRunner returns a runner ingesting through ing and recording jobs
// in store, and starts its workers.
func NewJobRunner(store JobStore, ing SourceIngester, o RunnerOptions, log *slog.Logger) (*JobRunner, error) {
	if o.Workers <= 0 {
		o.Workers = 1
	}
	if o.MaxQueued <= 0 {
		o.MaxQueued = 64
	}
	if o.MaxFileSize <= 0 {
		o.MaxFileSize = DefaultMaxFileSize
	}
	if o.SpoolDir == "" {
		dir, err := os.MkdirTemp("", "answerdesk-spool-")
		if err != nil {
			return nil, fmt.Errorf("upload spool: %w", err)
		}
		o.SpoolDir = dir
	}
	// Spooled files of a previous run belong to jobs that run marked failed.
	if err := os.RemoveAll(o.SpoolDir); err != nil {
		return nil, fmt.Errorf("upload spool: %w", err)
	}
	if err := os.MkdirAll(o.SpoolDir, 0o700); err != nil {
		return nil, fmt.Errorf("upload spool: %w", err)
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	ctx, cancel := context.WithCancel(context.Background())
	r := &JobRunner{store: store, ing: ing, log: log, o: o, ctx: ctx, cancel: cancel, tenants: map[string]*tenantJobs{}}
	r.wake = sync.NewCond(&r.mu)
	r.done.Add(o.Workers)
	for range o.Workers {
		go r.worker()
	}
	return r, nil
}

// ErrShuttingDown: the runner takes no new jobs.
var ErrShuttingDown = errors.New("shutting down")

// Shutdown takes no new jobs and waits for the running and queued ones
// until ctx ends; then it cancels them (their remaining files fail as
// "server shutting down") and waits for them to record that.
func (r *JobRunner) Shutdown(ctx context.Context) error {
	r.mu.Lock()
	r.closed = true
	r.mu.Unlock()
	done := make(chan struct{})
	go func() { r.wg.Wait(); close(done) }()
	var err error
	select {
	case <-done:
	case <-ctx.Done():
		r.cancel()
		<-done
		err = ctx.Err()
	}
	r.cancel()
	r.mu.Lock()
	r.wake.Broadcast()
	r.mu.Unlock()
	r.done.Wait()
	return err
}

// next picks the next file to ingest, waiting for one: from the tenant
// served first (see tenantJobs.before) that has a job not already
// ingesting a file, that job's next file. It returns nil once the runner
// is shut down and the queue is empty.
func (r *JobRunner) next() (*queuedJob, string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for {
		var best *queuedJob
		var bestT *tenantJobs
		bestTenant := ""
		for name, t := range r.tenants {
			if bestT != nil && !t.before(bestT) {
				continue
			}
			for _, q := range t.jobs {
				if !q.running && q.next < len(q.files) {
					best, bestT, bestTenant = q, t, name
					break
				}
			}
		}
		if best != nil {
			best.running = true
			bestT.running++
			r.tick++
			bestT.served = r.tick
			return best, bestTenant
		}
		if r.closed && r.jobs == 0 {
			return nil, ""
		}
		r.wake.Wait()
	}
}

func (r *JobRunner) worker() {
	defer r.done.Done()
	for {
		q, tenant := r.next()
		if q == nil {
			return
		}
		r.ingestNext(q)
		r.mu.Lock()
		q.running = false
		q.next++
		t := r.tenants[tenant]
		t.running--
		finished := q.next == len(q.files)
		if finished {
			t.jobs = slices.DeleteFunc(t.jobs, func(x *queuedJob) bool { return x == q })
			if len(t.jobs) == 0 && t.running == 0 {
				delete(r.tenants, tenant)
			}
			r.jobs--
		}
		r.wake.Broadcast()
		r.mu.Unlock()
		if finished {
			r.finish(q)
		}
	}
}

// ingestNext ingests q's next file; q.running is set, so that no other
// worker touches q.
func (r *JobRunner) ingestNext(q *queuedJob) {
	ctx := r.ctx
	bg := context.WithoutCancel(ctx)
	job := &q.job
	if !q.started {
		q.started = true
		job.State = JobRunning
		if err := r.store.UpdateJob(bg, *job); err != nil {
			r.log.Error("ingest job", "job", job.ID, "err", err)
		}
		// Usage is counted when the job starts: jobs before it have run.
		var err error
		if q.allowance, err = r.allowance(bg, job.Tenant); err != nil {
			r.log.Error("ingest job usage", "job", job.ID, "err", err)
		}
	}
	f := q.files[q.next]
	defer os.Remove(f.path)
	if ctx.Err() != nil {
		job.Result.Failed = append(job.Result.Failed, JobFailure{File: f.name, Reason: "server shutting down"})
		return
	}
	names := make([]string, len(q.files))
	for i, sf := range q.files {
		names[i] = sf.name
	}
	var size int64
	if fi, err := os.Stat(f.path); err == nil {
		size = fi.Size()
	}
	src := Source{
		Path: "upload/" + f.name,
		ID:   DocIDs(names)[q.next],
		Kind: q.kind, Lang: q.lang, Size: size,
		Open: func() (io.ReadCloser, error) { return os.Open(f.path) },
	}
	if src.Kind == "auto" {
		src.Kind = ""
	}
	sum, err := r.safeIngest(ctx, src, Options{Tenant: job.Tenant, Kind: q.kind, Lang: q.lang, Allowance: q.allowance, MaxFileSize: r.o.MaxFileSize})
	job.Result.Added += sum.Added
	job.Result.Updated += sum.Updated
	job.Result.Unchanged += sum.Unchanged
	job.Result.Chunks += sum.Chunks
	for _, fl := range sum.Failed {
		job.Result.Failed = append(job.Result.Failed, JobFailure{File: f.name, Reason: publicReason(fl.Err)})
	}
	if err != nil {
		r.log.Error("ingest job file", "job", job.ID, "file", f.name, "err", err)
		job.Result.Failed = append(job.Result.Failed, JobFailure{File: f.name, Reason: publicReason(err)})
	}
}

// finish records a job whose files are all done and removes its spool.
func (r *JobRunner) finish(q *queuedJob) {
	defer r.wg.Done()
	os.RemoveAll(q.dir)
	job := q.job
	job.State = JobSucceeded
	if len(job.Result.Failed) == len(q.files) {
		job.State = JobFailed
		job.Error = "no file could be ingested"
	}
	if err := r.store.UpdateJob(context.WithoutCancel(r.ctx), job); err != nil {
		r.log.Error("ingest job", "job", job.ID, "err", err)
	}
}

// safeIngest contains a panic of the ingester: one bad upload must not
// take the server down.
func (r *JobRunner) safeIngest(ctx context.Context, src Source, o Options) (sum Summary, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("ingest %s: panic: %v", src.Path, p)
		}
	}()
	return r.ing.IngestSource(ctx, src, o)
}

// publicReason says why a file failed without internals: the messages of
// the errors about the file itself, a generic one otherwise.
func publicReason(err error) string {
	for _, e := range []error{ErrUnsupported, ErrEmpty, ErrTooLarge, ErrMalformed, ErrConflict, ErrQuota, retrieval.ErrInvalid} {
		if errors.Is(err, e) {
			return truncate(err.Error(), 300)
		}
	}
	if errors.Is(err, context.Canceled) {
		return "server shutting down"
	}
	return "internal error"
}

// truncate cuts s to at most n bytes at a character boundary, marking the
// cut with "…".
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}
