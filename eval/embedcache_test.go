package eval

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// countingEmbedder embeds a text as its length and counts the texts it was
// asked for.
type countingEmbedder struct {
	texts int
	fail  bool
}

func (c *countingEmbedder) EmbedQuery(ctx context.Context, text string) ([]float32, error) {
	vs, err := c.EmbedQueries(ctx, []string{text})
	if err != nil {
		return nil, err
	}
	return vs[0], nil
}

func (c *countingEmbedder) EmbedQueries(_ context.Context, texts []string) ([][]float32, error) {
	if c.fail {
		return nil, errors.New("embedding server down")
	}
	out := make([][]float32, len(texts))
	for i, t := range texts {
		c.texts++
		out[i] = []float32{float32(len(t)), 1}
	}
	return out, nil
}

func TestQueryCache(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	inner := &countingEmbedder{}
	c, err := OpenQueryCache(dir, "model-a", inner)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Prefetch(ctx, []string{"one", "three", "one"}); err != nil {
		t.Fatal(err)
	}
	if inner.texts != 2 {
		t.Errorf("prefetch embedded %d texts, want 2 (a repeated text once)", inner.texts)
	}
	v, err := c.EmbedQuery(ctx, "three")
	if err != nil || !cmp.Equal(v, []float32{5, 1}) || inner.texts != 2 {
		t.Errorf("cached query: %v %v, %d texts embedded", v, err, inner.texts)
	}
	if _, err := c.EmbedQuery(ctx, "fresh"); err != nil || inner.texts != 3 {
		t.Errorf("uncached query: err %v, %d texts embedded", err, inner.texts)
	}

	// Reopened (another run), with the file cut in the middle of a line as
	// an interrupted run leaves it: what was written whole is reused.
	files, _ := filepath.Glob(filepath.Join(dir, "queries-*.jsonl"))
	if len(files) != 1 {
		t.Fatalf("cache files %v", files)
	}
	f, err := os.OpenFile(files[0], os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString(`{"t":"half","v":[1,`)
	f.Close()
	down := &countingEmbedder{fail: true}
	c2, err := OpenQueryCache(dir, "model-a", down)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"one", "three", "fresh"} {
		if _, err := c2.EmbedQuery(ctx, q); err != nil {
			t.Errorf("%q not reused from the file: %v", q, err)
		}
	}
	if err := c2.Prefetch(ctx, []string{"half"}); err == nil {
		t.Error("the truncated line was taken as a vector")
	}
	// What is appended after the cut reads back whole.
	c2.inner = &countingEmbedder{}
	if _, err := c2.EmbedQuery(ctx, "after"); err != nil {
		t.Fatal(err)
	}
	c4, err := OpenQueryCache(dir, "model-a", down)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c4.EmbedQuery(ctx, "after"); err != nil {
		t.Errorf("a vector appended after an interrupted run was lost: %v", err)
	}
	// Another model has its own file.
	c3, err := OpenQueryCache(dir, "model-b", down)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c3.EmbedQuery(ctx, "one"); err == nil {
		t.Error("model-b reused model-a's vector")
	}
}
