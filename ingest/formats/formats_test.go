package formats

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/answerdesk/answerdesk/ingest"
	"github.com/answerdesk/answerdesk/ingest/redact"
	"github.com/answerdesk/answerdesk/retrieval"

	"github.com/answerdesk/answerdesk/eval/suite"
)

func memSource(name string, kind retrieval.Kind, data []byte) ingest.Source {
	return ingest.Source{Path: name, ID: strings.TrimSuffix(name, filepath.Ext(name)), Kind: kind, Size: int64(len(data)),
		Open: func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil }}
}

func fileSource(path string) ingest.Source {
	st, err := os.Stat(path)
	var size int64
	if err == nil {
		size = st.Size()
	}
	return ingest.Source{Path: path, ID: strings.TrimSuffix(filepath.Base(path), filepath.Ext(path)), Size: size,
		Open: func() (io.ReadCloser, error) { return os.Open(path) }}
}

func load(t *testing.T, m map[string]ingest.Loader, src ingest.Source) ([]ingest.Document, error) {
	t.Helper()
	l, ok := m[strings.ToLower(filepath.Ext(src.Path))]
	if !ok {
		t.Fatalf("no loader for %s", src.Path)
	}
	return l.Load(context.Background(), src)
}

func TestKeys(t *testing.T) {
	m := Loaders(Options{})
	var keys []string
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	want := []string{".csv", ".docx", ".htm", ".html", ".json", ".jsonl", ".markdown", ".md", ".pdf", ".txt", ".xhtml", ".zip"}
	if diff := cmp.Diff(want, keys); diff != "" {
		t.Errorf("extensions (-want +got):\n%s", diff)
	}
}

func TestSharedExtensions(t *testing.T) {
	m := Loaders(Options{})
	corpus := []byte(`{"id":"a1","title":"Wi-Fi","text":"The hub uses 2.4 GHz."}` + "\n")
	tickets := []byte(`{"id":"T-1","subject":"Offline","status":"solved","messages":[{"role":"customer","body":"offline, call +1 415 555 0134"},{"role":"agent","body":"Use Ethernet."}]}` + "\n")
	faq := []byte(`[{"question":"How do I reset?","answer":"Hold the button 15 s."}]`)
	zendesk := []byte(`{"tickets":[{"id":7,"subject":"Pairing","status":"solved","requester_id":1,"comments":[{"author_id":1,"body":"no pair"},{"author_id":2,"body":"Reset the sensor."}]}]}`)
	bigZendesk := []byte(`[{"id":8,"subject":"Long","status":"solved","requester_id":1,"description":"` + strings.Repeat("very long text ", 10000) + `","comments":[{"author_id":1,"body":"help"},{"author_id":2,"body":"Fixed."}]}]`)
	tests := []struct {
		name, file string
		kind       retrieval.Kind
		data       []byte
		wantKind   retrieval.Kind
	}{
		{"jsonl corpus by content", "c.jsonl", "", corpus, "doc"},
		{"jsonl tickets by content", "t.jsonl", "", tickets, "ticket"},
		{"jsonl tickets by kind", "t.jsonl", "ticket", tickets, "ticket"},
		{"json faq by content", "f.json", "", faq, "faq"},
		{"json zendesk by content", "z.json", "", zendesk, "ticket"},
		{"json zendesk array longer than the sniffed head", "za.json", "", bigZendesk, "ticket"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			docs, err := load(t, m, memSource(tc.file, tc.kind, tc.data))
			if err != nil {
				t.Fatal(err)
			}
			if docs[0].Kind != tc.wantKind {
				t.Errorf("kind = %q, want %q", docs[0].Kind, tc.wantKind)
			}
			if tc.wantKind == "ticket" && strings.Contains(docs[0].Sections[0].Blocks[0].Text, "555 0134") {
				t.Errorf("phone not redacted: %q", docs[0].Sections[0].Blocks[0].Text)
			}
		})
	}
}

func TestZip(t *testing.T) {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, body := range map[string]string{
		"guide/setup.md":   "# Setup\n\nPlug the hub in.\n",
		"help/wifi.html":   "<html><body><main><h1>Wi-Fi</h1><p>2.4 GHz only.</p></main></body></html>",
		"broken.pdf":       "%PDF-1.4 nothing",
		"picture.png":      "png",
		"nested/inner.zip": "PK",
	} {
		w, _ := zw.Create(name)
		io.WriteString(w, body)
	}
	zw.Close()
	docs, err := load(t, Loaders(Options{}), memSource("kb.zip", "", buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, d := range docs {
		ids = append(ids, d.ID)
	}
	sort.Strings(ids)
	if diff := cmp.Diff([]string{"kb/guide/setup", "kb/help/wifi"}, ids); diff != "" {
		t.Errorf("ids (-want +got):\n%s", diff)
	}
	var where []string
	for _, l := range docs[0].Losses {
		where = append(where, l.Where)
	}
	sort.Strings(where)
	if diff := cmp.Diff([]string{"broken.pdf", "nested/inner.zip", "picture.png"}, where); diff != "" {
		t.Errorf("losses (-want +got):\n%s", diff)
	}
	// Traversal rejects the archive.
	buf.Reset()
	zw = zip.NewWriter(&buf)
	w, _ := zw.Create("../../etc/evil.md")
	io.WriteString(w, "x")
	zw.Close()
	if _, err := load(t, Loaders(Options{}), memSource("evil.zip", "", buf.Bytes())); !errors.Is(err, ingest.ErrMalformed) {
		t.Errorf("traversal: err = %v, want ErrMalformed", err)
	}
}

// TestHiddenInjectionIndexed loads every hidden-injection file (PDF, HTML,
// Markdown) with the full loader set, chunks it as ingestion does, and
// counts chunks holding the canary: there must be none, while the clean
// control is indexed.
func TestHiddenInjectionIndexed(t *testing.T) {
	dir := filepath.Join(sharedDir(t), "security", "generated-nasties", "hidden_injection")
	files, _ := filepath.Glob(filepath.Join(dir, "*"))
	m := Loaders(Options{})
	var chunks, canary int
	controlIndexed := false
	for _, f := range files {
		if strings.HasSuffix(f, ".txt") {
			continue
		}
		docs, err := load(t, m, fileSource(f))
		if err != nil {
			t.Errorf("%s: %v", filepath.Base(f), err)
			continue
		}
		for _, d := range docs {
			for _, c := range ingest.Chunk(d, "t", 0) {
				chunks++
				text := strings.ToLower(c.Title + " " + c.Heading + " " + c.Text)
				if strings.Contains(text, "example-attacker.com") || strings.Contains(text, "ignore previous instructions") {
					canary++
					t.Errorf("%s: canary in chunk %q", filepath.Base(f), c.Text)
				}
				if strings.Contains(f, "clean_control") && strings.Contains(c.Text, "Returns policy") {
					controlIndexed = true
				}
			}
		}
	}
	if !controlIndexed {
		t.Error("clean control not indexed")
	}
	t.Logf("%d files, %d chunks, %d with the canary", len(files)-1, chunks, canary)
}

// TestTestdataTicketsNoPII: the bundled ticket export through the full
// loader set and the chunker leaks no personal data.
func TestTestdataTicketsNoPII(t *testing.T) {
	docs, err := load(t, Loaders(Options{}), fileSource(filepath.Join("..", "..", "testdata", "kb", "tickets.jsonl")))
	if err != nil {
		t.Fatal(err)
	}
	chunks := 0
	for _, d := range docs {
		for _, c := range ingest.Chunk(d, "t", 0) {
			chunks++
			if spans := redact.Find(c.Title + "\n" + c.Text); len(spans) > 0 {
				t.Errorf("PII in chunk %q: %v", c.Text, spans)
			}
		}
	}
	if chunks == 0 {
		t.Fatal("no chunks")
	}
}

// sharedDir is ../shared (eval/suite.SharedDir: skipped when absent,
// failed under ANSWERDESK_REQUIRE_SHARED).
func sharedDir(tb testing.TB) string { return suite.SharedDir(tb, "shared data") }
