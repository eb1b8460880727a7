package llm

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// countingEmbedder embeds a text as its length (and 1 for a question, 2 for
// a passage) and counts the texts it was asked for.
type countingEmbedder struct {
	model string
	texts int
	fail  bool
}

func (c *countingEmbedder) Model() string { return c.model }

func (c *countingEmbedder) embed(kind float32, texts []string) ([][]float32, error) {
	if c.fail {
		return nil, errors.New("embedding server down")
	}
	out := make([][]float32, len(texts))
	for i, t := range texts {
		c.texts++
		out[i] = []float32{float32(len(t)), kind}
	}
	return out, nil
}

func (c *countingEmbedder) EmbedQueries(_ context.Context, texts []string) ([][]float32, error) {
	return c.embed(1, texts)
}

func (c *countingEmbedder) EmbedDocuments(_ context.Context, texts []string) ([][]float32, error) {
	return c.embed(2, texts)
}

func TestCachedEmbedder(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	inner := &countingEmbedder{model: "model-a"}
	c, err := OpenCache(dir, inner.model, inner)
	if err != nil {
		t.Fatal(err)
	}
	vs, err := c.EmbedQueries(ctx, []string{"one", "three", "one"})
	if err != nil {
		t.Fatal(err)
	}
	if want := [][]float32{{3, 1}, {5, 1}, {3, 1}}; !cmp.Equal(want, vs) || inner.texts != 2 {
		t.Errorf("queries %v (%d embedded), want %v with a repeated text embedded once", vs, inner.texts, want)
	}
	v, err := c.EmbedQuery(ctx, "three")
	if err != nil || !cmp.Equal(v, []float32{5, 1}) || inner.texts != 2 {
		t.Errorf("cached query: %v %v, %d texts embedded", v, err, inner.texts)
	}
	// A passage with a question's text is another vector (e5 embeds
	// them with different prefixes).
	ds, err := c.EmbedDocuments(ctx, []string{"three", "passage"})
	if err != nil || !cmp.Equal(ds, [][]float32{{5, 2}, {7, 2}}) || inner.texts != 4 {
		t.Errorf("documents %v %v, %d texts embedded", ds, err, inner.texts)
	}

	// Reopened (another run), with the file cut in the middle of a line
	// as an interrupted run leaves it: what was written whole is reused.
	f, err := os.OpenFile(c.Path(), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString(`{"k":"half","v":[1,`)
	f.Close()
	down := &countingEmbedder{model: "model-a", fail: true}
	c2, err := OpenCache(dir, down.model, down)
	if err != nil {
		t.Fatal(err)
	}
	if c2.Len() != 4 {
		t.Errorf("reopened cache holds %d vectors, want 4", c2.Len())
	}
	if vs, err := c2.EmbedQueries(ctx, []string{"one", "three"}); err != nil || !cmp.Equal(vs, [][]float32{{3, 1}, {5, 1}}) {
		t.Errorf("questions not reused from the file: %v %v", vs, err)
	}
	if ds, err := c2.EmbedDocuments(ctx, []string{"passage"}); err != nil || !cmp.Equal(ds, [][]float32{{7, 2}}) {
		t.Errorf("passage not reused from the file: %v %v", ds, err)
	}
	if _, err := c2.EmbedQueries(ctx, []string{"one", "fresh"}); err == nil {
		t.Error("an uncached text with the server down gave no error")
	}
	// What is appended after the cut reads back whole.
	c2.inner = &countingEmbedder{model: "model-a"}
	if _, err := c2.EmbedQuery(ctx, "after"); err != nil {
		t.Fatal(err)
	}
	c3, err := OpenCache(dir, down.model, down)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c3.EmbedQuery(ctx, "after"); err != nil {
		t.Errorf("a vector appended after an interrupted run was lost: %v", err)
	}
	// Another model has its own file.
	c4, err := OpenCache(dir, "model-b", &countingEmbedder{model: "model-b", fail: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c4.EmbedQuery(ctx, "one"); err == nil {
		t.Error("model-b reused model-a's vector")
	}
	if files, _ := filepath.Glob(filepath.Join(dir, "vectors-*.jsonl")); len(files) != 1 {
		t.Errorf("cache files %v, want model-a's only (model-b embedded nothing)", files)
	}
}

func TestCachedEmbedderRecordsAsItGoes(t *testing.T) {
	// A long embedding that fails halfway keeps the batches done.
	ctx := context.Background()
	dir := t.TempDir()
	inner := &failAfter{countingEmbedder: countingEmbedder{model: "m"}, left: cacheFlush}
	c, err := OpenCache(dir, inner.model, inner)
	if err != nil {
		t.Fatal(err)
	}
	texts := make([]string, cacheFlush+10)
	for i := range texts {
		texts[i] = string(rune('a'+i%26)) + string(rune('a'+i/26))
	}
	if _, err := c.EmbedDocuments(ctx, texts); err == nil {
		t.Fatal("no error from a failing server")
	}
	c2, err := OpenCache(dir, inner.model, inner)
	if err != nil {
		t.Fatal(err)
	}
	if c2.Len() != cacheFlush {
		t.Errorf("%d vectors kept after a failure, want the first batch of %d", c2.Len(), cacheFlush)
	}
}

func TestOpenCacheUnwritable(t *testing.T) {
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := OpenCache(filepath.Join(file, "sub"), "m", &countingEmbedder{model: "m"}); err == nil {
		t.Error("a cache directory under a file opened")
	}
}

// failAfter embeds left texts, then fails.
type failAfter struct {
	countingEmbedder
	left int
}

func (f *failAfter) EmbedDocuments(ctx context.Context, texts []string) ([][]float32, error) {
	if len(texts) > f.left {
		return nil, errors.New("server went away")
	}
	f.left -= len(texts)
	return f.countingEmbedder.EmbedDocuments(ctx, texts)
}

func TestCacheDir(t *testing.T) {
	for _, tc := range []struct{ xdg, home, want string }{
		{"/xdg", "/home/u", "/xdg/answerdesk/embeddings"},
		{"", "/home/u", "/home/u/.cache/answerdesk/embeddings"},
		{"", "", ""},
	} {
		if got := CacheDir(tc.xdg, tc.home); got != tc.want {
			t.Errorf("CacheDir(%q, %q) = %q, want %q", tc.xdg, tc.home, got, tc.want)
		}
	}
}
