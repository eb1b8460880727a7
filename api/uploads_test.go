package api

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/answerdesk/answerdesk/answer/state"
	"github.com/answerdesk/answerdesk/ingest"
)

// fullQueue is an upload runner whose queue is full.
type fullQueue struct{}

func (fullQueue) Receive(context.Context, string) (*ingest.Spool, error) {
	return nil, fmt.Errorf("ingest job: %w (64 jobs waiting)", ingest.ErrQueueFull)
}

// TestUploadQueueFullIs429: a full upload queue answers 429 with
// Retry-After, not a 500.
func TestUploadQueueFullIs429(t *testing.T) {
	h := newHarness(t, Limits{})
	h.srv.d.Ingest = fullQueue{}
	r := h.upload(t, h.keys["ingest"], []string{"faq.md"}, nil)
	if r.status != http.StatusTooManyRequests || r.code() != CodeRateLimited || r.header.Get("Retry-After") == "" {
		t.Errorf("full queue: %d %s Retry-After %q, want 429 rate_limited with Retry-After", r.status, r.body, r.header.Get("Retry-After"))
	}
}

// countingBody counts the bytes the server read of a request body.
type countingBody struct {
	r io.Reader
	n int
}

func (b *countingBody) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	b.n += n
	return n, err
}

// TestUploadQueueFullBeforeBody: a full queue is answered before a byte
// of the upload is read.
func TestUploadQueueFullBeforeBody(t *testing.T) {
	h := newHarness(t, Limits{})
	h.srv.d.Ingest = fullQueue{}
	body := &countingBody{r: newUploadBody("big.txt", 1<<20, make(chan struct{}, 1), closedChan())}
	req := httptest.NewRequest(http.MethodPost, "/v1/documents", body)
	req.Header.Set("Authorization", "Bearer "+h.keys["ingest"])
	req.Header.Set("Content-Type", "multipart/form-data; boundary="+uploadBoundary)
	w := httptest.NewRecorder()
	h.srv.Handler().ServeHTTP(w, req)
	if w.Code != http.StatusTooManyRequests || body.n != 0 {
		t.Errorf("full queue: %d after reading %d bytes of the upload, want 429 before reading any", w.Code, body.n)
	}
}

func closedChan() chan struct{} {
	c := make(chan struct{})
	close(c)
	return c
}

// countingJobs counts the jobs recorded.
type countingJobs struct {
	ingest.JobStore
	mu sync.Mutex
	n  int
}

func (c *countingJobs) CreateJob(ctx context.Context, tenant string, files []string) (ingest.Job, error) {
	c.mu.Lock()
	c.n++
	c.mu.Unlock()
	return c.JobStore.CreateJob(ctx, tenant, files)
}

func (c *countingJobs) count() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n
}

// failingBody is an upload whose client goes away after the first file
// and part of the second.
type failingBody struct{ r io.Reader }

func (b failingBody) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	if err == io.EOF {
		return n, io.ErrUnexpectedEOF
	}
	return n, err
}

// TestUploadFailureLeavesNothing: an upload that fails part way — over the
// body limit, the limit per file or the quota, malformed, its client gone
// — leaves no file in the spool, records no job and gives its place in the
// queue back (the queue holds one upload: the next upload is accepted).
func TestUploadFailureLeavesNothing(t *testing.T) {
	const limit = 64 << 10
	h := newHarness(t, Limits{MaxUpload: limit})
	part := func(mw *multipart.Writer, name string, size int) {
		w, err := mw.CreateFormFile("file", name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(bytes.Repeat([]byte("text\n"), size/5))
	}
	upload := func(sizes ...int) (*bytes.Buffer, string) {
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		for i, n := range sizes {
			part(mw, fmt.Sprintf("f%d.txt", i), n)
		}
		mw.Close()
		return &buf, mw.FormDataContentType()
	}
	tests := []struct {
		name       string
		body       func() (io.Reader, string)
		quota      ingest.Quota
		maxFile    int64
		wantStatus int
		wantCode   string
	}{
		{"over the body limit, no length", func() (io.Reader, string) {
			b, ct := upload(10<<10, 2*limit)
			return io.MultiReader(b), ct // no Content-Length: the limit is met while streaming
		}, ingest.Quota{}, 0, http.StatusRequestEntityTooLarge, CodeBodyTooLarge},
		{"over the limit per file", func() (io.Reader, string) {
			b, ct := upload(10<<10, 20<<10)
			return b, ct
		}, ingest.Quota{}, 16 << 10, http.StatusRequestEntityTooLarge, CodeBodyTooLarge},
		{"over the quota per upload", func() (io.Reader, string) {
			b, ct := upload(10<<10, 20<<10)
			return b, ct
		}, ingest.Quota{UploadBytes: 16 << 10}, 0, http.StatusRequestEntityTooLarge, CodeQuotaExceeded},
		{"client gone", func() (io.Reader, string) {
			b, ct := upload(10<<10, 20<<10)
			return failingBody{io.LimitReader(b, 25<<10)}, ct
		}, ingest.Quota{}, 0, http.StatusBadRequest, CodeInvalidRequest},
		{"unknown field after a file", func() (io.Reader, string) {
			var buf bytes.Buffer
			mw := multipart.NewWriter(&buf)
			part(mw, "a.txt", 10<<10)
			mw.WriteField("tenant", "globex")
			mw.Close()
			return &buf, mw.FormDataContentType()
		}, ingest.Quota{}, 0, http.StatusBadRequest, CodeUnknownField},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			spool := filepath.Join(t.TempDir(), "spool")
			jobs := &countingJobs{JobStore: state.NewJobStore(h.db)}
			r, err := ingest.NewJobRunner(jobs, h.docs, ingest.RunnerOptions{MaxQueued: 1, MaxFileSize: tc.maxFile, SpoolDir: spool}, nil)
			if err != nil {
				t.Fatal(err)
			}
			defer r.Shutdown(context.Background())
			r.SetQuota(tc.quota)
			h.srv.d.Ingest = r
			body, ct := tc.body()
			req := httptest.NewRequest(http.MethodPost, "/v1/documents", body)
			req.Header.Set("Authorization", "Bearer "+h.keys["ingest"])
			req.Header.Set("Content-Type", ct)
			w := httptest.NewRecorder()
			h.srv.Handler().ServeHTTP(w, req)
			rep := reply{status: w.Code, body: w.Body.Bytes()}
			if rep.status != tc.wantStatus || rep.code() != tc.wantCode {
				t.Errorf("upload: %d %s, want %d %s", rep.status, rep.body, tc.wantStatus, tc.wantCode)
			}
			if entries, _ := os.ReadDir(spool); len(entries) != 0 || jobs.count() != 0 {
				t.Errorf("after the failed upload: %d entries in the spool, %d jobs recorded; want none", len(entries), jobs.count())
			}
			if ok := h.upload(t, h.keys["ingest"], []string{"next.md"}, nil); ok.status != http.StatusAccepted {
				t.Errorf("the next upload: %d %s, want 202 (the failed one kept its place in the queue)", ok.status, ok.body)
			}
		})
	}
}
