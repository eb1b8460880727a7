package llm

import (
	"context"
	"errors"
	"math"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/answerdesk/answerdesk/answer/llm/llmtest"
)

func newTestEmbedder(t *testing.T, srv *llmtest.Server, clk *fakeClock, mod func(*EmbedConfig)) *Embedder {
	t.Helper()
	cfg := EmbedConfig{Provider: ProviderOpenAI, URL: srv.BaseURL(), Model: "hash-64", BatchSize: 2, Timeout: 5 * time.Second}
	if mod != nil {
		mod(&cfg)
	}
	e, err := NewEmbedder(cfg, withClock(clk.now, clk.sleep))
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func TestEmbedDocumentsBatchesInOrder(t *testing.T) {
	srv := llmtest.New(t)
	e := newTestEmbedder(t, srv, newFakeClock(), func(c *EmbedConfig) {
		c.DocumentPrefix, c.QueryPrefix = "passage: ", "query: "
		c.DocumentModel, c.QueryModel = "e5-passage", "e5-query"
	})
	texts := []string{"refund policy", "router reset", "express delivery", "warehouse in Berlin", "invoice"}
	vs, err := e.EmbedDocuments(context.Background(), texts)
	if err != nil {
		t.Fatal(err)
	}
	if len(vs) != len(texts) {
		t.Fatalf("%d vectors for %d texts", len(vs), len(texts))
	}
	for i, tx := range texts {
		if diff := cmp.Diff(llmtest.HashEmbedding(tx, 64), vs[i]); diff != "" {
			t.Errorf("vector %d (-want +got):\n%s", i, diff)
		}
	}
	reqs := srv.Embeds()
	var sizes []int
	for _, r := range reqs {
		sizes = append(sizes, len(r.Input))
		if r.Model != "e5-passage" || r.Input[0][:9] != "passage: " {
			t.Errorf("document request %+v: want model e5-passage and the passage prefix", r)
		}
	}
	if diff := cmp.Diff([]int{2, 2, 1}, sizes); diff != "" {
		t.Errorf("batch sizes (-want +got):\n%s", diff)
	}
	q, err := e.EmbedQuery(context.Background(), "refund policy")
	if err != nil {
		t.Fatal(err)
	}
	last := srv.Embeds()[len(srv.Embeds())-1]
	if last.Model != "e5-query" || last.Input[0] != "query: refund policy" {
		t.Errorf("query request %+v", last)
	}
	if cos := cosine(q, vs[0]); cos < 0.999 {
		t.Errorf("query and passage of the same text: cosine %v", cos)
	}
	if e.Model() != "hash-64" || e.Dim() != 64 {
		t.Errorf("Model, Dim = %q, %d", e.Model(), e.Dim())
	}
}

func cosine(a, b []float32) float64 {
	var d, na, nb float64
	for i := range a {
		d += float64(a[i]) * float64(b[i])
		na += float64(a[i]) * float64(a[i])
		nb += float64(b[i]) * float64(b[i])
	}
	return d / math.Sqrt(na*nb)
}

func TestEmbedRetriesAndChecks(t *testing.T) {
	t.Run("429 with Retry-After then success", func(t *testing.T) {
		srv := llmtest.New(t)
		srv.ScriptEmbed(llmtest.Step{Status: 429, RetryAfter: "2"})
		clk := newFakeClock()
		e := newTestEmbedder(t, srv, clk, nil)
		if _, err := e.EmbedQuery(context.Background(), "q"); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]time.Duration{2 * time.Second}, clk.recorded()); diff != "" {
			t.Errorf("waits (-want +got):\n%s", diff)
		}
	})
	t.Run("dimension mismatch with the store", func(t *testing.T) {
		srv := llmtest.New(t)
		e := newTestEmbedder(t, srv, newFakeClock(), func(c *EmbedConfig) { c.Dim = 384 })
		if _, err := e.EmbedQuery(context.Background(), "q"); !errors.Is(err, ErrDimension) {
			t.Errorf("err = %v, want ErrDimension", err)
		}
	})
	t.Run("dimension change between calls", func(t *testing.T) {
		srv := llmtest.New(t)
		e := newTestEmbedder(t, srv, newFakeClock(), nil)
		if _, err := e.EmbedQuery(context.Background(), "q"); err != nil {
			t.Fatal(err)
		}
		srv.Dim = 32
		if _, err := e.EmbedDocuments(context.Background(), []string{"a"}); !errors.Is(err, ErrDimension) {
			t.Errorf("err = %v, want ErrDimension", err)
		}
	})
	t.Run("malformed body is retried then fails", func(t *testing.T) {
		srv := llmtest.New(t)
		srv.ScriptEmbed(llmtest.Step{Raw: `{"data": [`}, llmtest.Step{Raw: `{"data": [`}, llmtest.Step{Raw: `{"data": []}`})
		e := newTestEmbedder(t, srv, newFakeClock(), nil)
		if _, err := e.EmbedQuery(context.Background(), "q"); !errors.Is(err, ErrUnavailable) {
			t.Errorf("err = %v, want ErrUnavailable", err)
		}
		if srv.Hits() != 3 {
			t.Errorf("requests = %d, want 3", srv.Hits())
		}
	})
	t.Run("empty query is invalid", func(t *testing.T) {
		srv := llmtest.New(t)
		e := newTestEmbedder(t, srv, newFakeClock(), nil)
		if _, err := e.EmbedQuery(context.Background(), "  "); err == nil || srv.Hits() != 0 {
			t.Errorf("err = %v after %d requests", err, srv.Hits())
		}
	})
}

func TestEmbedConfigErrors(t *testing.T) {
	for _, c := range []EmbedConfig{
		{Model: "m"},
		{Provider: "anthropic", Model: "m"},
		{Provider: "openai"},
		{Provider: "openai", Model: "m", Dim: -1},
	} {
		if _, err := NewEmbedder(c); !errors.Is(err, ErrConfig) {
			t.Errorf("NewEmbedder(%+v) err = %v, want ErrConfig", c, err)
		}
	}
}
