package ingest

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/answerdesk/answerdesk/retrieval"
)

// Spool is an upload being received: each file streams to disk under the
// runner's spool directory as it arrives (Add), so that an upload in
// flight holds no more memory than a copy buffer, and Start queues the
// files as a job. An open Spool holds a place in the runner's queue.
// Whatever ends it early must call Discard, which removes what was
// received; defer it, it does nothing after Start. Not safe for
// concurrent use.
type Spool struct {
	r      *JobRunner
	tenant string
	limit  int64 // Quota.UploadBytes; <= 0: none
	dir    string
	files  []spooled
	size   int64 // the files' bytes so far, archives as their entries' declared sizes
	ended  bool  // Start queued the files or Discard removed them
}

// errSpoolEnded: Add or Start on a spool already started or discarded.
var errSpoolEnded = errors.New("upload spool already started or discarded")

// errNoFiles: Start on a spool that received no file.
var errNoFiles = errors.New("ingest job: the upload has no file")

// Receive reserves a place in the queue for an upload of tenant and
// returns the spool its files stream into. It fails before a byte of the
// upload is read: with ErrShuttingDown, with ErrQueueFull (wrapped) when
// the queue, counting the uploads being received, is full, and with
// ErrQuota when the tenant is already at a quota.
func (r *JobRunner) Receive(ctx context.Context, tenant string) (*Spool, error) {
	r.mu.Lock()
	switch {
	case r.closed:
		r.mu.Unlock()
		return nil, fmt.Errorf("ingest job: %w", ErrShuttingDown)
	case r.jobs+r.receiving >= r.o.MaxQueued:
		jobs, receiving := r.jobs, r.receiving
		r.mu.Unlock()
		return nil, fmt.Errorf("ingest job: %w (%d jobs waiting, %d uploads being received)", ErrQueueFull, jobs, receiving)
	}
	r.receiving++
	r.mu.Unlock()
	s := &Spool{r: r, tenant: tenant}
	err := s.checkTenant(ctx)
	if err == nil {
		s.dir, err = os.MkdirTemp(r.o.SpoolDir, "upload-")
	}
	if err != nil {
		s.release()
		return nil, err
	}
	return s, nil
}

// checkTenant fails with ErrQuota when the tenant is at a quota, and
// takes the quota's limit per upload.
func (s *Spool) checkTenant(ctx context.Context) error {
	b, err := s.r.allowance(ctx, s.tenant)
	if err != nil || b == nil {
		return err
	}
	s.limit = b.q.UploadBytes
	return b.q.CheckTenant(b.used)
}

// Add streams a file named name (a safe base name) from src to disk. A
// file larger than RunnerOptions.MaxFileSize fails with ErrTooLarge, and
// one that takes the upload past the quota's limit per upload with
// ErrQuota, as soon as the limit is crossed (an archive's expanded size
// once it is received, from its entries' declared sizes). On any error — of src, of the disk, of the
// quota — nothing of the file stays on disk; the caller then discards the
// spool. An error of src is returned wrapped.
func (s *Spool) Add(name string, src io.Reader) (err error) {
	if s.ended {
		return errSpoolEnded
	}
	p := filepath.Join(s.dir, strconv.Itoa(len(s.files)))
	f, err := os.OpenFile(p, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("spool %s: %w", name, err)
	}
	defer func() {
		if cerr := f.Close(); cerr != nil && err == nil {
			err = fmt.Errorf("spool %s: %w", name, cerr)
		}
		if err != nil {
			os.Remove(p)
		}
	}()
	archive := strings.ToLower(path.Ext(name)) == ".zip"
	maxFile := s.r.o.MaxFileSize
	left := int64(-1)
	if s.limit > 0 && !archive {
		left = max(s.limit-s.size, 0)
	}
	read := maxFile
	if left >= 0 {
		read = min(read, left)
	}
	n, err := io.Copy(f, io.LimitReader(src, read+1))
	if err != nil {
		return fmt.Errorf("spool %s: %w", name, err)
	}
	if n > maxFile {
		return fmt.Errorf("%w: %s is larger than %s, the limit per file", ErrTooLarge, name, mb(maxFile))
	}
	if left >= 0 && n > left {
		return fmt.Errorf("%w: the upload is larger than %s, the limit per upload", ErrQuota, mb(s.limit))
	}
	if archive {
		n = inflatedSize(f, n)
	}
	s.size += n
	if s.limit > 0 && s.size > s.limit {
		return fmt.Errorf("%w: the upload expands to %s, the limit per upload is %s", ErrQuota, mb(s.size), mb(s.limit))
	}
	s.files = append(s.files, spooled{name: name, path: p})
	return nil
}

// inflatedSize is the sum of a zip archive's entries' declared sizes (the
// archive loader rejects an entry that inflates past its declared size),
// or size when it is no zip archive (the loader reports it as malformed).
func inflatedSize(r io.ReaderAt, size int64) int64 {
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return size
	}
	var n uint64
	for _, e := range zr.File {
		n += e.UncompressedSize64
		if n > 1<<62 {
			break
		}
	}
	return int64(min(n, 1<<62))
}

// Start records a queued job for the spooled files and queues it, with
// kind ("", "auto", or a retrieval kind) and lang. The job takes the
// spool's place in the queue. A spool that received no file is no job.
// When it fails, the spool is still the
// caller's to discard.
func (s *Spool) Start(ctx context.Context, kind retrieval.Kind, lang string) (Job, error) {
	if s.ended {
		return Job{}, errSpoolEnded
	}
	if len(s.files) == 0 {
		return Job{}, errNoFiles
	}
	names := make([]string, len(s.files))
	for i, f := range s.files {
		names[i] = f.name
	}
	r := s.r
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return Job{}, fmt.Errorf("ingest job: %w", ErrShuttingDown)
	}
	job, err := r.store.CreateJob(ctx, s.tenant, names)
	if err != nil {
		return Job{}, err
	}
	s.ended = true
	r.receiving--
	q := &queuedJob{job: job, dir: s.dir, files: s.files, kind: kind, lang: lang}
	t := r.tenants[s.tenant]
	if t == nil {
		r.tick++
		t = &tenantJobs{arrived: r.tick}
		r.tenants[s.tenant] = t
	}
	t.jobs = append(t.jobs, q)
	r.jobs++
	r.wg.Add(1)
	r.wake.Signal()
	return job, nil
}

// Discard removes what the spool received and gives its place in the
// queue back, unless Start queued it.
func (s *Spool) Discard() {
	if s.ended {
		return
	}
	s.ended = true
	if err := os.RemoveAll(s.dir); err != nil {
		s.r.log.Error("upload spool", "dir", s.dir, "err", err)
	}
	s.release()
}

// release gives the spool's place in the queue back.
func (s *Spool) release() {
	s.r.mu.Lock()
	s.r.receiving--
	s.r.mu.Unlock()
}

// Start queues files held in memory as a job of tenant: Receive, Add each
// file, and Spool.Start. Nothing is recorded when it fails.
func (r *JobRunner) Start(ctx context.Context, tenant string, files []Upload, kind retrieval.Kind, lang string) (Job, error) {
	s, err := r.Receive(ctx, tenant)
	if err != nil {
		return Job{}, err
	}
	defer s.Discard()
	for _, f := range files {
		if err := s.Add(f.Name, bytes.NewReader(f.Data)); err != nil {
			return Job{}, err
		}
	}
	return s.Start(ctx, kind, lang)
}
