package eval

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
)

// BatchQueryEmbedder embeds questions, one or many at a time;
// llm.Embedder implements it.
type BatchQueryEmbedder interface {
	EmbedQuery(ctx context.Context, text string) ([]float32, error)
	EmbedQueries(ctx context.Context, texts []string) ([][]float32, error)
}

// QueryCache keeps question vectors of one embedding model in a file, so
// that repeated evaluations (every knock-out seed, every calibration) embed
// each question once: on a slow embedding server that is most of a hybrid
// run's time. It is safe for concurrent use.
type QueryCache struct {
	inner BatchQueryEmbedder
	path  string
	mu    sync.Mutex
	vecs  map[string][]float32
}

// cachedVector is one line of the cache file.
type cachedVector struct {
	Text   string    `json:"t"`
	Vector []float32 `json:"v"`
}

// OpenQueryCache opens (creating when absent) the cache of model's question
// vectors in dir. A truncated last line (an interrupted run) is ignored.
func OpenQueryCache(dir, model string, inner BatchQueryEmbedder) (*QueryCache, error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("query cache: %w", err)
	}
	sum := sha256.Sum256([]byte(model))
	c := &QueryCache{inner: inner, path: filepath.Join(dir, fmt.Sprintf("queries-%x.jsonl", sum[:8])), vecs: map[string][]float32{}}
	data, err := os.ReadFile(c.path)
	if errors.Is(err, fs.ErrNotExist) {
		return c, nil
	}
	if err != nil {
		return nil, fmt.Errorf("query cache: %w", err)
	}
	// An interrupted run may have left half a line: drop it, so that the
	// next append starts on a line of its own.
	if end := bytes.LastIndexByte(data, '\n') + 1; end < len(data) {
		if err := os.Truncate(c.path, int64(end)); err != nil {
			return nil, fmt.Errorf("query cache: %w", err)
		}
		data = data[:end]
	}
	for _, line := range bytes.Split(data, []byte("\n")) {
		var v cachedVector
		if json.Unmarshal(line, &v) == nil && len(v.Vector) > 0 {
			c.vecs[v.Text] = v.Vector
		}
	}
	return c, nil
}

// EmbedQuery returns the cached vector of text, embedding and recording it
// when absent.
func (c *QueryCache) EmbedQuery(ctx context.Context, text string) ([]float32, error) {
	c.mu.Lock()
	v, ok := c.vecs[text]
	c.mu.Unlock()
	if ok {
		return v, nil
	}
	v, err := c.inner.EmbedQuery(ctx, text)
	if err != nil {
		return nil, err
	}
	return v, c.record([]string{text}, [][]float32{v})
}

// Prefetch embeds, in batches, the texts not cached yet.
func (c *QueryCache) Prefetch(ctx context.Context, texts []string) error {
	c.mu.Lock()
	seen := map[string]bool{}
	var todo []string
	for _, t := range texts {
		if _, ok := c.vecs[t]; !ok && !seen[t] {
			seen[t] = true
			todo = append(todo, t)
		}
	}
	c.mu.Unlock()
	const chunk = 256 // recorded as it goes, so that an interrupted run keeps its work
	for len(todo) > 0 {
		n := min(chunk, len(todo))
		vs, err := c.inner.EmbedQueries(ctx, todo[:n])
		if err != nil {
			return err
		}
		if err := c.record(todo[:n], vs); err != nil {
			return err
		}
		todo = todo[n:]
	}
	return nil
}

func (c *QueryCache) record(texts []string, vs [][]float32) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	f, err := os.OpenFile(c.path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o640)
	if err != nil {
		return fmt.Errorf("query cache: %w", err)
	}
	w := bufio.NewWriter(f)
	for i, t := range texts {
		c.vecs[t] = vs[i]
		b, err := json.Marshal(cachedVector{Text: t, Vector: vs[i]})
		if err != nil {
			f.Close()
			return fmt.Errorf("query cache: %w", err)
		}
		w.Write(b)
		w.WriteByte('\n')
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return fmt.Errorf("query cache: %w", err)
	}
	return f.Close()
}
