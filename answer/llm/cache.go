package llm

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
)

// BatchEmbedder embeds questions and passages in batches; Embedder is one.
type BatchEmbedder interface {
	EmbedQueries(ctx context.Context, texts []string) ([][]float32, error)
	EmbedDocuments(ctx context.Context, texts []string) ([][]float32, error)
	Model() string
}

// CacheDir is where embedding caches are kept unless told otherwise, so
// that the command line (eval's --embed-cache) and the integration tests
// (answer/llm/embedtest) reuse each other's vectors: answerdesk/embeddings
// in the user's cache directory, xdgCacheHome ($XDG_CACHE_HOME) or else
// home/.cache; "" when both are empty.
func CacheDir(xdgCacheHome, home string) string {
	dir := xdgCacheHome
	if dir == "" {
		if home == "" {
			return ""
		}
		dir = filepath.Join(home, ".cache")
	}
	return filepath.Join(dir, "answerdesk", "embeddings")
}

// CachedEmbedder keeps the vectors an embedding model computed in a file,
// keyed by a SHA-256 of the kind (question or passage) and the text, one
// file per model, so that every run after the first — each knock-out seed,
// each calibration, a re-ingestion after a chunking or analyzer change —
// embeds only texts it has never seen. On a slow or shared embedding server
// that is most of a hybrid evaluation's time. The file is appended to as
// batches complete, so an interrupted run keeps its work. It is safe for
// concurrent use; two processes appending to one file at once may
// interleave lines, which the loader skips.
//
// The file is named for the embedder's identity (Embedder.Identity: model,
// wire names, prefixes, truncation), not for its server: a cache directory
// must not be shared by two servers that give one name to different
// models.
type CachedEmbedder struct {
	inner BatchEmbedder
	path  string

	mu   sync.Mutex
	vecs map[string][]float32
}

// cacheLine is one line of a cache file.
type cacheLine struct {
	Key    string    `json:"k"`
	Vector []float32 `json:"v"`
}

// cacheFlush is how many new vectors are embedded between appends.
const cacheFlush = 256

// OpenCache opens (creating when absent) the cache in dir of the vectors
// of inner, whose identity says what decides them (Embedder.Identity). A
// truncated last line (an interrupted run) is dropped.
func OpenCache(dir, identity string, inner BatchEmbedder) (*CachedEmbedder, error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("embedding cache: %w", err)
	}
	sum := sha256.Sum256([]byte(identity))
	c := &CachedEmbedder{inner: inner, path: filepath.Join(dir, "vectors-"+hex.EncodeToString(sum[:8])+".jsonl"), vecs: map[string][]float32{}}
	data, err := os.ReadFile(c.path)
	if errors.Is(err, fs.ErrNotExist) {
		return c, nil
	}
	if err != nil {
		return nil, fmt.Errorf("embedding cache: %w", err)
	}
	if end := bytes.LastIndexByte(data, '\n') + 1; end < len(data) {
		if err := os.Truncate(c.path, int64(end)); err != nil {
			return nil, fmt.Errorf("embedding cache: %w", err)
		}
		data = data[:end]
	}
	for _, line := range bytes.Split(data, []byte("\n")) {
		var l cacheLine
		if json.Unmarshal(line, &l) == nil && len(l.Vector) > 0 {
			c.vecs[l.Key] = l.Vector
		}
	}
	return c, nil
}

// Path is the cache file.
func (c *CachedEmbedder) Path() string { return c.path }

// Len is the number of cached vectors.
func (c *CachedEmbedder) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.vecs)
}

// Model names the inner embedder's model.
func (c *CachedEmbedder) Model() string { return c.inner.Model() }

// EmbedQuery returns the vector of a question.
func (c *CachedEmbedder) EmbedQuery(ctx context.Context, text string) ([]float32, error) {
	vs, err := c.EmbedQueries(ctx, []string{text})
	if err != nil {
		return nil, err
	}
	return vs[0], nil
}

// EmbedQueries returns the vectors of questions, embedding the ones not
// cached in batches.
func (c *CachedEmbedder) EmbedQueries(ctx context.Context, texts []string) ([][]float32, error) {
	return c.get(ctx, "query", texts, c.inner.EmbedQueries)
}

// EmbedDocuments returns the vectors of passages, embedding the ones not
// cached in batches.
func (c *CachedEmbedder) EmbedDocuments(ctx context.Context, texts []string) ([][]float32, error) {
	return c.get(ctx, "document", texts, c.inner.EmbedDocuments)
}

func cacheKey(kind, text string) string {
	sum := sha256.Sum256([]byte(kind + "\x00" + text))
	return hex.EncodeToString(sum[:16])
}

func (c *CachedEmbedder) get(ctx context.Context, kind string, texts []string, embed func(context.Context, []string) ([][]float32, error)) ([][]float32, error) {
	keys := make([]string, len(texts))
	var todo []string
	var todoKeys []string
	c.mu.Lock()
	seen := map[string]bool{}
	for i, t := range texts {
		keys[i] = cacheKey(kind, t)
		if _, ok := c.vecs[keys[i]]; !ok && !seen[keys[i]] {
			seen[keys[i]] = true
			todo = append(todo, t)
			todoKeys = append(todoKeys, keys[i])
		}
	}
	c.mu.Unlock()
	for start := 0; start < len(todo); start += cacheFlush {
		end := min(start+cacheFlush, len(todo))
		vs, err := embed(ctx, todo[start:end])
		if err != nil {
			return nil, err
		}
		if len(vs) != end-start {
			return nil, fmt.Errorf("%w: %d vectors for %d texts", ErrMalformed, len(vs), end-start)
		}
		if err := c.record(todoKeys[start:end], vs); err != nil {
			return nil, err
		}
	}
	out := make([][]float32, len(texts))
	c.mu.Lock()
	defer c.mu.Unlock()
	for i, k := range keys {
		out[i] = c.vecs[k]
	}
	return out, nil
}

// record keeps vectors in memory and appends them to the file.
func (c *CachedEmbedder) record(keys []string, vs [][]float32) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	var buf bytes.Buffer
	for i, k := range keys {
		c.vecs[k] = vs[i]
		b, err := json.Marshal(cacheLine{Key: k, Vector: vs[i]})
		if err != nil {
			return fmt.Errorf("embedding cache: %w", err)
		}
		buf.Write(b)
		buf.WriteByte('\n')
	}
	f, err := os.OpenFile(c.path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o640)
	if err != nil {
		return fmt.Errorf("embedding cache: %w", err)
	}
	if _, err := f.Write(buf.Bytes()); err != nil {
		f.Close()
		return fmt.Errorf("embedding cache: %w", err)
	}
	return f.Close()
}
