package ingest_test

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/answerdesk/answerdesk/ingest"
)

// endless is a file that never ends, counting what was read of it.
type endless struct{ n int64 }

func (e *endless) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = 'a'
	}
	e.n += int64(len(p))
	return len(p), nil
}

// TestSpoolQuotaWhileStreaming: a file over the limit per upload fails
// with ErrQuota once the limit is crossed, not once it is read; nothing of
// the upload stays on disk and no job is recorded.
func TestSpoolQuotaWhileStreaming(t *testing.T) {
	const limit = 1 << 20
	spool := filepath.Join(t.TempDir(), "spool")
	jobs := &memJobs{}
	r := newRunner(t, jobs, scriptedIngester(nil), ingest.RunnerOptions{SpoolDir: spool})
	defer r.Shutdown(context.Background())
	r.SetQuota(ingest.Quota{UploadBytes: limit})
	s, err := r.Receive(context.Background(), "acme")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Add("a.txt", strings.NewReader(strings.Repeat("x", limit/2))); err != nil {
		t.Fatal(err)
	}
	src := &endless{}
	err = s.Add("b.txt", src)
	if !errors.Is(err, ingest.ErrQuota) || !strings.Contains(err.Error(), "the limit per upload") {
		t.Errorf("Add = %v, want ErrQuota naming the limit", err)
	}
	if src.n > 2*limit {
		t.Errorf("read %d bytes of an endless file before refusing it; the limit is %d", src.n, limit)
	}
	s.Discard()
	if entries, _ := os.ReadDir(spool); len(entries) != 0 || jobs.n != 0 {
		t.Errorf("%d entries in the spool, %d jobs recorded; want none", len(entries), jobs.n)
	}
}

// TestSpoolFileTooLarge: a file over RunnerOptions.MaxFileSize fails with
// ErrTooLarge once the limit is crossed; one of exactly the limit is taken.
func TestSpoolFileTooLarge(t *testing.T) {
	const limit = 64 << 10
	r := newRunner(t, &memJobs{}, scriptedIngester(nil), ingest.RunnerOptions{MaxFileSize: limit})
	defer r.Shutdown(context.Background())
	s, err := r.Receive(context.Background(), "acme")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Discard()
	if err := s.Add("fits.txt", io.LimitReader(&endless{}, limit)); err != nil {
		t.Errorf("a file of exactly the limit: %v", err)
	}
	src := &endless{}
	err = s.Add("big.txt", src)
	if !errors.Is(err, ingest.ErrTooLarge) || !strings.Contains(err.Error(), "the limit per file") {
		t.Errorf("Add = %v, want ErrTooLarge naming the limit", err)
	}
	if src.n > 2*limit {
		t.Errorf("read %d bytes of an endless file before refusing it; the limit is %d", src.n, limit)
	}
}

// brokenFile fails part way, like a client that went away.
type brokenFile struct{ sent bool }

var errGone = errors.New("client gone")

func (b *brokenFile) Read(p []byte) (int, error) {
	if b.sent {
		return 0, errGone
	}
	b.sent = true
	return copy(p, "# Half\n\nof a file"), nil
}

// TestSpoolSourceErrorLeavesNothing: a file whose source fails is not
// kept; the error is the source's (wrapped), so that the caller can tell
// the client's fault from the disk's.
func TestSpoolSourceErrorLeavesNothing(t *testing.T) {
	spool := filepath.Join(t.TempDir(), "spool")
	r := newRunner(t, &memJobs{}, scriptedIngester(nil), ingest.RunnerOptions{SpoolDir: spool})
	defer r.Shutdown(context.Background())
	s, err := r.Receive(context.Background(), "acme")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Discard()
	if err := s.Add("half.md", &brokenFile{}); !errors.Is(err, errGone) {
		t.Errorf("Add = %v, want the source's error", err)
	}
	dirs, _ := os.ReadDir(spool)
	for _, d := range dirs {
		if files, _ := os.ReadDir(filepath.Join(spool, d.Name())); len(files) != 0 {
			t.Errorf("%d files kept of a failed file", len(files))
		}
	}
	if _, err := s.Start(context.Background(), "", ""); err == nil {
		t.Error("a job of no file was started")
	}
}

// TestReceiveHoldsPlaceInQueue: uploads being received count against the
// queue's bound, so that a full queue is refused before a body is read;
// Discard and Start free or keep the place.
func TestReceiveHoldsPlaceInQueue(t *testing.T) {
	g := newGated()
	r := newRunner(t, &memJobs{}, g, ingest.RunnerOptions{Workers: 1, MaxQueued: 2})
	defer func() { close(g.release); r.Shutdown(context.Background()) }()
	a, err := r.Receive(context.Background(), "acme")
	if err != nil {
		t.Fatal(err)
	}
	b, err := r.Receive(context.Background(), "globex")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.Receive(context.Background(), "initech"); !errors.Is(err, ingest.ErrQueueFull) {
		t.Fatalf("a third upload while two are received: %v, want ErrQueueFull", err)
	}
	b.Discard()
	c, err := r.Receive(context.Background(), "initech")
	if err != nil {
		t.Fatalf("after one was discarded: %v", err)
	}
	defer c.Discard()
	if err := a.Add("a.md", io.LimitReader(&endless{}, 100)); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Start(context.Background(), "", ""); err != nil {
		t.Fatal(err)
	}
	a.Discard() // after Start: nothing
	if <-g.started != "acme/a.md" {
		t.Error("the started job did not run")
	}
	if _, err := r.Receive(context.Background(), "umbrella"); !errors.Is(err, ingest.ErrQueueFull) {
		t.Errorf("a job and an upload being received: %v, want ErrQueueFull", err)
	}
}
