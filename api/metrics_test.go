package api

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/answerdesk/answerdesk/answer"
	"github.com/answerdesk/answerdesk/ingest"
	"github.com/answerdesk/answerdesk/retrieval"
)

type scriptedRetriever struct{ err error }

func (r scriptedRetriever) Search(context.Context, retrieval.Query) (retrieval.Result, error) {
	return retrieval.Result{}, r.err
}

type memJobs struct{}

func (memJobs) CreateJob(_ context.Context, tenant string, files []string) (ingest.Job, error) {
	return ingest.Job{ID: "j1", Tenant: tenant, State: ingest.JobQueued}, nil
}

func (memJobs) UpdateJob(context.Context, ingest.Job) error { return nil }

// TestMetricsDecorators: backend errors are counted by kind, except a
// caller's own cancellation; ingest jobs by the states they enter;
// deliveries by result; a nil *Metrics decorates nothing.
func TestMetricsDecorators(t *testing.T) {
	m := NewMetrics()
	ctx := context.Background()
	down := m.Retriever("qdrant", scriptedRetriever{fmt.Errorf("search: %w", retrieval.ErrUnavailable)})
	down.Search(ctx, retrieval.Query{})
	down.Search(ctx, retrieval.Query{})
	m.Retriever("qdrant", scriptedRetriever{errors.New("bad filter")}).Search(ctx, retrieval.Query{})
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	m.Retriever("qdrant", scriptedRetriever{context.Canceled}).Search(cancelled, retrieval.Query{})
	m.Retriever("qdrant", scriptedRetriever{}).Search(ctx, retrieval.Query{})

	jobs := m.JobStore(memJobs{})
	j, _ := jobs.CreateJob(ctx, "acme", []string{"a.md"})
	j.State = ingest.JobRunning
	jobs.UpdateJob(ctx, j)
	j.State = ingest.JobFailed
	jobs.UpdateJob(ctx, j)

	m.DeliveryAttempt("webhook", errors.New("503"), false)
	m.DeliveryAttempt("webhook", errors.New("410"), true)
	m.DeliveryAttempt("webhook", nil, false)
	m.answered(answer.Answer{Decision: answer.Escalated, Reason: answer.ReasonRetrievalUnavailable, Confidence: 0})

	for _, c := range []struct {
		name string
		got  float64
		want float64
	}{
		{"qdrant unavailable", testutil.ToFloat64(m.backend.WithLabelValues("qdrant", "unavailable")), 2},
		{"qdrant other", testutil.ToFloat64(m.backend.WithLabelValues("qdrant", "other")), 1},
		{"jobs queued", testutil.ToFloat64(m.jobs.WithLabelValues(ingest.JobQueued)), 1},
		{"jobs running", testutil.ToFloat64(m.jobs.WithLabelValues(ingest.JobRunning)), 1},
		{"jobs failed", testutil.ToFloat64(m.jobs.WithLabelValues(ingest.JobFailed)), 1},
		{"deliveries failed", testutil.ToFloat64(m.deliveries.WithLabelValues("webhook", "failed")), 1},
		{"deliveries dead", testutil.ToFloat64(m.deliveries.WithLabelValues("webhook", "dead")), 1},
		{"deliveries delivered", testutil.ToFloat64(m.deliveries.WithLabelValues("webhook", "delivered")), 1},
		{"answers", testutil.ToFloat64(m.answers.WithLabelValues("escalated", "retrieval_unavailable")), 1},
	} {
		if c.got != c.want {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}

	var none *Metrics
	r := scriptedRetriever{}
	if none.Retriever("qdrant", r) != answer.Retriever(r) || none.JobStore(memJobs{}) != ingest.JobStore(memJobs{}) || none.Generator(nil) != nil {
		t.Error("a nil *Metrics decorates")
	}
	none.DeliveryAttempt("webhook", nil, false) // no panic
	none.answered(answer.Answer{})
}

// BenchmarkMetricsPerAnswer is what the metrics add to one answer: the
// request counter and latency, the answer's decision, confidence and
// stage timings.
func BenchmarkMetricsPerAnswer(b *testing.B) {
	m := NewMetrics()
	a := answer.Answer{Decision: answer.Answered, Confidence: 0.9, Timings: answer.Timings{Triage: 1000, Retrieve: 50000, Total: 600000}}
	b.ReportAllocs()
	for b.Loop() {
		m.requests.WithLabelValues("/v1/answer", "POST", "200").Inc()
		m.latency.WithLabelValues("/v1/answer", "POST").Observe(0.0006)
		m.answered(a)
	}
}
