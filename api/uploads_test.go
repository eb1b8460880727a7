package api

import (
	"context"
	"fmt"
	"net/http"
	"testing"

	"github.com/answerdesk/answerdesk/ingest"
	"github.com/answerdesk/answerdesk/retrieval"
)

// fullQueue is an upload runner whose queue is full.
type fullQueue struct{}

func (fullQueue) Start(context.Context, string, []ingest.Upload, retrieval.Kind, string) (ingest.Job, error) {
	return ingest.Job{}, fmt.Errorf("ingest job: %w (64 jobs waiting)", ingest.ErrQueueFull)
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
