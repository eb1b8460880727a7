package ingest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
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

// JobRunner runs upload jobs in the background, a bounded number at a
// time; jobs outlive the request that started them and are waited for by
// Shutdown. Safe for concurrent use.
type JobRunner struct {
	store  JobStore
	ing    SourceIngester
	log    *slog.Logger
	sem    chan struct{}
	wg     sync.WaitGroup
	ctx    context.Context // cancelled when Shutdown gives up waiting
	cancel context.CancelFunc

	quota *Quota // nil: no quota

	mu     sync.Mutex
	closed bool
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

// NewJobRunner returns a runner ingesting through ing, workers jobs at a
// time (1 when not positive), recording jobs in store.
func NewJobRunner(store JobStore, ing SourceIngester, workers int, log *slog.Logger) *JobRunner {
	if workers <= 0 {
		workers = 1
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	ctx, cancel := context.WithCancel(context.Background())
	return &JobRunner{store: store, ing: ing, log: log, sem: make(chan struct{}, workers), ctx: ctx, cancel: cancel}
}

// ErrShuttingDown: the runner takes no new jobs.
var ErrShuttingDown = errors.New("shutting down")

// Start records a queued job for files of tenant and runs it in the
// background with kind ("", "auto", or a retrieval kind) and lang.
func (r *JobRunner) Start(ctx context.Context, tenant string, files []Upload, kind, lang string) (Job, error) {
	names := make([]string, len(files))
	for i, f := range files {
		names[i] = f.Name
	}
	if b, err := r.allowance(ctx, tenant); err != nil {
		return Job{}, err
	} else if b != nil {
		if err := b.q.CheckUpload(b.used, files); err != nil {
			return Job{}, err
		}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return Job{}, fmt.Errorf("ingest job: %w", ErrShuttingDown)
	}
	job, err := r.store.CreateJob(ctx, tenant, names)
	if err != nil {
		return Job{}, err
	}
	r.wg.Add(1)
	go r.run(job, files, kind, lang)
	return job, nil
}

// Shutdown takes no new jobs and waits for the running and queued ones
// until ctx ends; then it cancels them (their remaining files fail as
// "server shutting down") and waits for them to record that.
func (r *JobRunner) Shutdown(ctx context.Context) error {
	r.mu.Lock()
	r.closed = true
	r.mu.Unlock()
	done := make(chan struct{})
	go func() { r.wg.Wait(); close(done) }()
	select {
	case <-done:
		r.cancel()
		return nil
	case <-ctx.Done():
		r.cancel()
		<-done
		return ctx.Err()
	}
}

func (r *JobRunner) run(job Job, files []Upload, kind, lang string) {
	defer r.wg.Done()
	ctx := r.ctx
	select {
	case r.sem <- struct{}{}:
		defer func() { <-r.sem }()
	case <-ctx.Done():
	}
	bg := context.WithoutCancel(ctx)
	job.State = JobRunning
	if err := r.store.UpdateJob(bg, job); err != nil {
		r.log.Error("ingest job", "job", job.ID, "err", err)
	}
	names := make([]string, len(files))
	for i, f := range files {
		names[i] = f.Name
	}
	ids := DocIDs(names)
	// Usage is counted again: jobs queued before this one have run.
	b, err := r.allowance(bg, job.Tenant)
	if err != nil {
		r.log.Error("ingest job usage", "job", job.ID, "err", err)
	}
	for i, f := range files {
		if ctx.Err() != nil {
			job.Result.Failed = append(job.Result.Failed, JobFailure{File: f.Name, Reason: "server shutting down"})
			continue
		}
		data := f.Data
		src := Source{
			Path: "upload/" + f.Name,
			ID:   ids[i],
			Kind: kind, Lang: lang, Size: int64(len(data)),
			Open: func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil },
		}
		if src.Kind == "auto" {
			src.Kind = ""
		}
		sum, err := r.safeIngest(ctx, src, Options{Tenant: job.Tenant, Kind: kind, Lang: lang, Allowance: b})
		job.Result.Added += sum.Added
		job.Result.Updated += sum.Updated
		job.Result.Unchanged += sum.Unchanged
		job.Result.Chunks += sum.Chunks
		for _, fl := range sum.Failed {
			job.Result.Failed = append(job.Result.Failed, JobFailure{File: f.Name, Reason: publicReason(fl.Err)})
		}
		if err != nil {
			r.log.Error("ingest job file", "job", job.ID, "file", f.Name, "err", err)
			job.Result.Failed = append(job.Result.Failed, JobFailure{File: f.Name, Reason: publicReason(err)})
		}
	}
	job.State = JobSucceeded
	if len(job.Result.Failed) == len(files) {
		job.State = JobFailed
		job.Error = "no file could be ingested"
	}
	if err := r.store.UpdateJob(bg, job); err != nil {
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
