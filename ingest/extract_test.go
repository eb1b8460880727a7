package ingest_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/answerdesk/answerdesk/ingest"
	"github.com/answerdesk/answerdesk/retrieval"
)

// TestExtract: extract loads a file as ingestion does (the source's ID and
// the doc kind by default, markup removed) and reports its sections or its
// chunks; a parser that panics or a file no loader takes is an error in
// the report, never a crash.
func TestExtract(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	md := write("reset-guide.md", "# Reset\n\nHold the button for 15 seconds <img src=x onerror=alert(1)>.\n")
	boom := write("x.boom", "x")
	loaders := ingest.CoreLoaders()
	loaders[".boom"] = ingest.LoaderFunc(func(context.Context, ingest.Source) ([]ingest.Document, error) { panic("parser bug") })
	ctx := context.Background()

	x, err := ingest.Extract(ctx, loaders, md, ingest.ExtractOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(x.Documents) != 1 || x.Documents[0].ID != "reset-guide" || x.Documents[0].Kind != string(retrieval.KindDoc) {
		t.Fatalf("documents %+v", x.Documents)
	}
	var text bytes.Buffer
	x.WriteText(&text, false)
	if !strings.Contains(text.String(), "Hold the button for 15 seconds") || strings.Contains(text.String(), "onerror") {
		t.Errorf("text form:\n%s", text.String())
	}
	chunkID := func(tenant string) string {
		c, err := ingest.Extract(ctx, loaders, md, ingest.ExtractOptions{Chunks: true, Tenant: tenant})
		if err != nil || len(c.Documents) != 1 || len(c.Documents[0].Chunks) != 1 || len(c.Documents[0].Sections) != 0 {
			t.Fatalf("chunks: %+v %v", c.Documents, err)
		}
		return c.Documents[0].Chunks[0].ID
	}
	if chunkID("acme") == chunkID("globex") {
		t.Error("chunk ids do not depend on the tenant")
	}

	for _, tc := range []struct {
		name, path string
		is         error
		msg        string
	}{
		{"panicking parser", boom, ingest.ErrMalformed, "parser crashed"},
		{"unknown extension", write("x.xyz", "x"), ingest.ErrUnsupported, "known: "},
		{"folder", dir, nil, "is a directory"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			x, err := ingest.Extract(ctx, loaders, tc.path, ingest.ExtractOptions{})
			if err == nil || tc.is != nil && !errors.Is(err, tc.is) || !strings.Contains(err.Error(), tc.msg) {
				t.Fatalf("err = %v, want %v with %q", err, tc.is, tc.msg)
			}
			if x.Error != err.Error() || len(x.Documents) != 0 {
				t.Errorf("report %+v", x)
			}
			var text bytes.Buffer
			x.WriteText(&text, false)
			if !strings.Contains(text.String(), "nothing extracted") {
				t.Errorf("text form %q", text.String())
			}
		})
	}
}
