package formats

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/answerdesk/answerdesk/ingest"
	"github.com/answerdesk/answerdesk/retrieval"
)

// executableRE finds what a browser could run if the text were inserted
// as HTML: a tag opener, an event handler, a script or HTML data URL.
var executableRE = regexp.MustCompile(`(?i)<[a-z!/?]|\bon[a-z]+\s*=|\b(?:java|vb)script\s*:|\bdata\s*:\s*text/html`)

// captureStore is an in-memory store that keeps every chunk written.
type captureStore struct {
	retrieval.Store // unused methods panic
	chunks          []retrieval.Chunk
	docs            []retrieval.Document
}

func (c *captureStore) ReplaceDocument(_ context.Context, d retrieval.Document, ch []retrieval.Chunk) error {
	c.docs = append(c.docs, d)
	c.chunks = append(c.chunks, ch...)
	return nil
}
func (c *captureStore) Documents(context.Context, retrieval.DocFilter) ([]retrieval.Document, error) {
	return nil, nil
}
func (c *captureStore) Document(context.Context, string, string) (retrieval.Document, error) {
	return retrieval.Document{}, retrieval.ErrNotFound
}
func (c *captureStore) DeleteDocument(context.Context, string, string) error { return nil }

func dompurifyPayloads(t *testing.T) []string {
	t.Helper()
	path := filepath.Join(sharedDir(t), "security", "dompurify-xss", "expect.json")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var cases []struct{ Payload string }
	if err := json.Unmarshal(data, &cases); err != nil {
		t.Fatal(err)
	}
	if len(cases) != 223 {
		t.Fatalf("%d payloads in %s, want 223", len(cases), path)
	}
	out := make([]string, len(cases))
	for i, c := range cases {
		out[i] = c.Payload
	}
	return out
}

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func xmlText(s string) string {
	var b strings.Builder
	xml.EscapeText(&b, []byte(s))
	return b.String()
}

// markupFiles renders one payload as a file of every format.
var markupFiles = map[string]func(t *testing.T, p string) []byte{
	".txt": func(_ *testing.T, p string) []byte { return []byte("Visible intro.\n\n" + p + "\n") },
	".md":  func(_ *testing.T, p string) []byte { return []byte("# Title\n\nVisible intro.\n\n" + p + "\n") },
	".html": func(_ *testing.T, p string) []byte {
		return []byte("<html><body><main><p>Visible intro.</p>" + p + "<p>" + xmlText(p) + "</p></main></body></html>")
	},
	".csv": func(_ *testing.T, p string) []byte {
		var b bytes.Buffer
		w := csv.NewWriter(&b)
		w.Write([]string{"question", "answer", "url", "category"})
		w.Write([]string{"Q " + p, "Visible intro. " + p, "javascript:alert(1)", p})
		w.Flush()
		return b.Bytes()
	},
	".json": func(_ *testing.T, p string) []byte {
		return []byte(mustJSON([]map[string]string{{"question": "Q " + p, "answer": "Visible intro. " + p, "url": p}}))
	},
	".jsonl": func(_ *testing.T, p string) []byte {
		return []byte(mustJSON(map[string]string{"id": "a1", "title": p, "text": "Visible intro. " + p}) + "\n")
	},
	".tickets.jsonl": func(_ *testing.T, p string) []byte {
		return []byte(mustJSON(map[string]any{"id": "T-1", "subject": p, "status": "solved", "messages": []map[string]string{
			{"role": "customer", "body": "Visible question. " + p}, {"role": "agent", "body": "Visible reply. " + p}}}) + "\n")
	},
	".zendesk.json": func(_ *testing.T, p string) []byte {
		return []byte(mustJSON(map[string]any{"tickets": []map[string]any{{"id": 7, "subject": p, "status": "solved", "requester_id": 1,
			"comments": []map[string]any{{"author_id": 1, "body": "Visible question. " + p}, {"author_id": 2, "body": "Visible reply. " + p}}}}}))
	},
	".docx": func(t *testing.T, p string) []byte {
		doc := `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>` +
			`<w:p><w:r><w:t>Visible intro.</w:t></w:r></w:p><w:p><w:r><w:t xml:space="preserve">` + xmlText(p) + `</w:t></w:r></w:p></w:body></w:document>`
		return zipFiles(t, map[string]string{"word/document.xml": doc})
	},
	".zip": func(t *testing.T, p string) []byte {
		return zipFiles(t, map[string]string{"a.txt": "Visible intro.\n\n" + p, "b.md": "# T\n\nVisible intro. " + p})
	},
}

func zipFiles(t *testing.T, files map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, body := range files {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(body))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestMarkupNeverIndexed: each of the 223 DOMPurify payloads, ingested
// through every loader but PDF (whose text layer holds no markup a
// payload could put there other than as text, and which the same pipeline
// step covers), leaves nothing executable in any chunk's text, title,
// heading, URL or metadata: answers, quotes and citations are built from
// these.
func TestMarkupNeverIndexed(t *testing.T) {
	payloads := dompurifyPayloads(t)
	dir := t.TempDir()
	var formats []string
	for f := range markupFiles {
		formats = append(formats, f)
	}
	sort.Strings(formats)
	for _, f := range formats {
		for i, p := range payloads {
			name := filepath.Join(dir, f[1:], fmt.Sprintf("p%03d%s", i, f))
			if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(name, markupFiles[f](t, p), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	total := 0
	for _, f := range formats {
		store := &captureStore{}
		p := ingest.NewPipeline(store, Loaders(Options{}), nil, nil)
		sum, err := p.IngestPaths(context.Background(), []string{filepath.Join(dir, f[1:])}, ingest.Options{})
		if err != nil {
			t.Fatal(err)
		}
		bad := map[string]bool{} // payload files with executable markup left
		for _, c := range store.chunks {
			texts := []string{c.Text, c.Title, c.Heading, c.URL}
			for _, v := range c.Meta {
				texts = append(texts, v)
			}
			for _, s := range texts {
				if m := executableRE.FindString(s); m != "" {
					if !bad[c.DocumentID] {
						t.Logf("%s: %s keeps %q in %q", f, c.DocumentID, m, trunc(s, 160))
					}
					bad[c.DocumentID] = true
				}
			}
		}
		if len(store.chunks) == 0 || len(sum.Failed) == len(payloads) {
			t.Errorf("%s: nothing indexed (%d failed: %v)", f, len(sum.Failed), sum.Failed)
		}
		t.Logf("%s: %d files, %d chunks, %d failed, %d with executable markup", f, sum.Files, len(store.chunks), len(sum.Failed), len(bad))
		total += len(bad)
	}
	t.Logf("payload files with executable markup in the index, all loaders: %d", total)
	if total != 0 {
		t.Errorf("%d payload files left executable markup in the index", total)
	}
}

func trunc(s string, n int) string {
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}
