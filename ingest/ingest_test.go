package ingest_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/answerdesk/answerdesk/ingest"
	"github.com/answerdesk/answerdesk/ingest/formats"
	"github.com/answerdesk/answerdesk/retrieval"
	"github.com/answerdesk/answerdesk/retrieval/embedded"
	"github.com/google/go-cmp/cmp"
)

func repoRoot(tb testing.TB) string {
	tb.Helper()
	dir, _ := os.Getwd()
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			tb.Fatal("go.mod not found")
		}
		dir = parent
	}
}

// sharedDir returns ../shared, skipping when absent unless CI requires it.
func sharedDir(tb testing.TB) string {
	tb.Helper()
	shared := filepath.Join(repoRoot(tb), "..", "shared")
	if _, err := os.Stat(filepath.Join(shared, "security")); err != nil {
		if os.Getenv("ANSWERDESK_REQUIRE_SHARED") != "" {
			tb.Fatal("../shared not found next to the repository (ANSWERDESK_REQUIRE_SHARED is set)")
		}
		tb.Skip("../shared not found next to the repository")
	}
	return shared
}

func newStore(tb testing.TB) *embedded.Store {
	tb.Helper()
	s, err := embedded.Open(context.Background(), tb.TempDir(), embedded.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { s.Close() })
	return s
}

func write(tb testing.TB, path, content string) {
	tb.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		tb.Fatal(err)
	}
}

func ingestPaths(tb testing.TB, p *ingest.Pipeline, o ingest.Options, paths ...string) ingest.Summary {
	tb.Helper()
	sum, err := p.IngestPaths(context.Background(), paths, o)
	if err != nil {
		tb.Fatalf("IngestPaths: %v", err)
	}
	return sum
}

type counts struct{ Files, Added, Updated, Unchanged, Deleted, Failed int }

func countsOf(s ingest.Summary) counts {
	return counts{s.Files, s.Added, s.Updated, s.Unchanged, s.Deleted, len(s.Failed)}
}

func TestIdempotentIngestion(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "guide.md"), "# Guide\n\n## Reset\n\nHold the reset button for 15 seconds.\n")
	write(t, filepath.Join(dir, "faq.csv"), "question,answer\nIs 5 GHz supported?,Yes it is.\nHow many devices?,Up to 150.\n")
	s := newStore(t)
	p := ingest.NewPipeline(s, ingest.CoreLoaders(), nil, nil)

	steps := []struct {
		name   string
		change func()
		opts   ingest.Options
		want   counts
	}{
		{"first run adds", func() {}, ingest.Options{}, counts{Files: 2, Added: 3}},
		{"second run is a no-op", func() {}, ingest.Options{}, counts{Files: 2, Unchanged: 3}},
		{"changed file updates", func() {
			write(t, filepath.Join(dir, "guide.md"), "# Guide\n\n## Reset\n\nHold the reset button for 20 seconds.\n")
		}, ingest.Options{}, counts{Files: 2, Updated: 1, Unchanged: 2}},
		{"entry removed from a file is deleted", func() {
			write(t, filepath.Join(dir, "faq.csv"), "question,answer\nIs 5 GHz supported?,Yes it is.\n")
		}, ingest.Options{}, counts{Files: 2, Unchanged: 2, Deleted: 1}},
		{"prune removes documents of deleted files", func() {
			os.Remove(filepath.Join(dir, "guide.md"))
		}, ingest.Options{Prune: true}, counts{Files: 1, Unchanged: 1, Deleted: 1}},
	}
	for _, st := range steps {
		st.change()
		got := countsOf(ingestPaths(t, p, st.opts, dir))
		if diff := cmp.Diff(st.want, got); diff != "" {
			t.Fatalf("%s (-want +got):\n%s", st.name, diff)
		}
	}
	docs, err := s.Documents(context.Background(), retrieval.DocFilter{Tenant: retrieval.DefaultTenant})
	if err != nil {
		t.Fatal(err)
	}
	if len(docs) != 1 || docs[0].ID != "faq#is-5-ghz-supported" {
		t.Errorf("documents left = %+v, want only faq#is-5-ghz-supported", docs)
	}
}

func TestChangedDocumentReplacesAllChunks(t *testing.T) {
	dir := t.TempDir()
	long := strings.Repeat("The thermostat schedule supports seven daily periods. ", 60)
	write(t, filepath.Join(dir, "t.md"), "# T\n\n"+long+"\n\n## Sprinklers\n\nZones water in turn.\n")
	s := newStore(t)
	p := ingest.NewPipeline(s, ingest.CoreLoaders(), nil, nil)
	ingestPaths(t, p, ingest.Options{Budget: 64}, dir)
	d, _ := s.Document(context.Background(), retrieval.DefaultTenant, "t")
	if d.Chunks < 4 {
		t.Fatalf("long document made %d chunks at budget 64, want several", d.Chunks)
	}
	write(t, filepath.Join(dir, "t.md"), "# T\n\nOnly doorbells now.\n")
	ingestPaths(t, p, ingest.Options{Budget: 64}, dir)
	res, err := s.Search(context.Background(), retrieval.Query{Text: "thermostat sprinklers zones", Tenant: retrieval.DefaultTenant})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Hits) != 0 {
		t.Errorf("old chunks survived the update: %d hits", len(res.Hits))
	}
}

// failingStore fails every write, as a crash or a full disk would.
type failingStore struct{ *embedded.Store }

func (f failingStore) ReplaceDocuments(context.Context, []retrieval.DocumentChunks) error {
	return errors.New("disk full")
}

func TestFailedWriteLeavesOldVersion(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "a.md"), "# A\n\nversion one about lanterns\n")
	s := newStore(t)
	ingestPaths(t, ingest.NewPipeline(s, ingest.CoreLoaders(), nil, nil), ingest.Options{}, dir)
	write(t, filepath.Join(dir, "a.md"), "# A\n\nversion two about candles\n")
	sum := ingestPaths(t, ingest.NewPipeline(failingStore{s}, ingest.CoreLoaders(), nil, nil), ingest.Options{}, dir)
	if len(sum.Failed) != 1 || !strings.Contains(sum.Failed[0].Err.Error(), "disk full") {
		t.Fatalf("Failed = %v, want the write error", sum.Failed)
	}
	res, _ := s.Search(context.Background(), retrieval.Query{Text: "lanterns candles", Tenant: retrieval.DefaultTenant})
	if len(res.Hits) != 1 || !strings.Contains(res.Hits[0].Text, "lanterns") {
		t.Errorf("after a failed update the store holds %+v, want version one only", res.Hits)
	}
}

func TestBadFilesFailAloneWithReasons(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "good.md"), "# Good\n\nThis one lands.\n")
	write(t, filepath.Join(dir, "empty.md"), "  \n\n")
	write(t, filepath.Join(dir, "latin1.txt"), "caf\xe9 cr\xe8me")
	write(t, filepath.Join(dir, "ragged.csv"), "question,answer\nq1,a1\nq2,a2,extra\n")
	write(t, filepath.Join(dir, "noanswer.csv"), "question,category\nq1,c1\n")
	write(t, filepath.Join(dir, "corpus.jsonl"), "{\"id\":\"x\",\"text\":\"fine\"}\n{\"id\": broken\n")
	write(t, filepath.Join(dir, "image.png"), "\x89PNG")
	big := filepath.Join(dir, "huge.txt")
	f, err := os.Create(big)
	if err != nil {
		t.Fatal(err)
	}
	f.Truncate(200 << 20) // sparse: 200 MB on paper, nothing on disk
	f.Close()

	s := newStore(t)
	sum := ingestPaths(t, ingest.NewPipeline(s, ingest.CoreLoaders(), nil, nil), ingest.Options{}, dir, filepath.Join(dir, "image.png"))
	reasons := map[string]string{}
	for _, f := range sum.Failed {
		reasons[filepath.Base(f.Path)] = f.Err.Error()
	}
	want := map[string]string{
		"empty.md":     "no text",
		"latin1.txt":   "invalid UTF-8 at byte 3",
		"ragged.csv":   "wrong number of fields",
		"noanswer.csv": `no "answer" column`,
		"corpus.jsonl": "line 2",
		"huge.txt":     "too large",
		"image.png":    "unsupported",
	}
	for file, sub := range want {
		if !strings.Contains(reasons[file], sub) {
			t.Errorf("%s: reason %q, want it to mention %q", file, reasons[file], sub)
		}
	}
	if sum.Added != 1 {
		t.Errorf("Added = %d, want the good file only", sum.Added)
	}
	if len(sum.Skipped) != 1 || filepath.Base(sum.Skipped[0].Path) != "image.png" {
		t.Errorf("Skipped = %v, want image.png found in the folder", sum.Skipped)
	}
	docs, _ := s.Documents(context.Background(), retrieval.DocFilter{Tenant: retrieval.DefaultTenant})
	if len(docs) != 1 || docs[0].ID != "good" {
		t.Errorf("documents = %+v, want only good: nothing half-written", docs)
	}
}

func TestMarkdownStructure(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "b.md"), `# Billing

Intro paragraph.

## Plans

| Plan | Price |
|---|---|
| Plus | 4.99 |
| Pro | 9.99 |

### Refunds

Refunds within 14 days.<span style="display:none">hidden span</span>

<div hidden>hidden block</div>

![alt text instructions](x.png)
`)
	docs := load(t, filepath.Join(dir, "b.md"))
	if len(docs) != 1 || docs[0].Title != "Billing" {
		t.Fatalf("docs = %+v, want one titled Billing", docs)
	}
	chunks := ingest.Chunk(docs[0], "t", 256)
	var got []string
	for _, c := range chunks {
		got = append(got, c.Heading+" | "+c.Text)
	}
	want := []string{
		"Billing | Intro paragraph.",
		"Billing › Plans | Plan | Price\nPlan: Plus; Price: 4.99\nPlan: Pro; Price: 9.99",
		"Billing › Plans › Refunds | Refunds within 14 days.",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("chunks (-want +got):\n%s", diff)
	}
}

func load(tb testing.TB, path string) []ingest.Document {
	tb.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		tb.Fatal(err)
	}
	loader := ingest.CoreLoaders()[strings.ToLower(filepath.Ext(path))]
	docs, err := loader.Load(context.Background(), ingest.Source{Path: path, ID: "x", Size: fi.Size(),
		Open: func() (io.ReadCloser, error) { return os.Open(path) }})
	if err != nil {
		tb.Fatalf("load %s: %v", path, err)
	}
	return docs
}

func TestTablesSplitBetweenRowsWithHeader(t *testing.T) {
	var rows []string
	for i := 0; i < 40; i++ {
		rows = append(rows, fmt.Sprintf("Model: LH-%d; Range: %d metres; Battery: two years", i, i))
	}
	doc := ingest.Document{ID: "d", Kind: retrieval.KindDoc, Sections: []ingest.Section{{Heading: []string{"Specs"}, Blocks: []ingest.Block{
		{Kind: ingest.Table, Header: "Model | Range | Battery", Rows: rows},
		{Kind: ingest.Entry, Text: strings.Repeat("an entry longer than the budget ", 30)},
	}}}}
	chunks := ingest.Chunk(doc, "t", 50)
	if len(chunks) < 4 {
		t.Fatalf("%d chunks, want the table split", len(chunks))
	}
	entry := chunks[len(chunks)-1]
	if !strings.HasPrefix(entry.Text, "an entry") || ingest.CountTokens(entry.Text) != 180 {
		t.Errorf("entry was split or merged: %q", entry.Text[:40])
	}
	seen := 0
	for _, c := range chunks[:len(chunks)-1] {
		if !strings.HasPrefix(c.Text, "Model | Range | Battery\n") {
			t.Errorf("table chunk %d lacks the header: %q", c.Position, c.Text)
		}
		seen += strings.Count(c.Text, "Model: LH-")
		if c.Heading != "Specs" {
			t.Errorf("heading = %q", c.Heading)
		}
	}
	if seen != 40 {
		t.Errorf("%d rows across chunks, want 40 exactly once each", seen)
	}
}

func TestSharedHostileInputs(t *testing.T) {
	shared := sharedDir(t)
	nasty := filepath.Join(shared, "security", "generated-nasties")
	s := newStore(t)
	p := ingest.NewPipeline(s, ingest.CoreLoaders(), nil, nil)
	start := time.Now()
	sum := ingestPaths(t, p, ingest.Options{}, filepath.Join(nasty, "markdown"), filepath.Join(nasty, "csv"), filepath.Join(nasty, "utf8", "raw"))
	t.Logf("hostile markdown/csv/utf8: %d files, %d added, %d failed in %v", sum.Files, sum.Added, len(sum.Failed), time.Since(start))
	for _, f := range sum.Failed {
		t.Logf("  rejected %s: %v", filepath.Base(f.Path), f.Err)
		if strings.Contains(f.Err.Error(), "crashed") {
			t.Errorf("%s crashed the parser: %v", f.Path, f.Err)
		}
	}
	if sum.Files != 8+1+14 {
		t.Errorf("saw %d files, want 23", sum.Files)
	}
	// faq_nasty.csv is malformed (unterminated quote, ragged rows): rejected whole.
	rejected := map[string]bool{}
	for _, f := range sum.Failed {
		rejected[filepath.Base(f.Path)] = true
	}
	if !rejected["faq_nasty.csv"] {
		t.Error("faq_nasty.csv was accepted despite ragged rows")
	}
	for _, name := range []string{"fe_ff.txt", "latin1_text.txt", "overlong_3byte.txt", "lone_continuation.txt", "nul_in_middle.txt"} {
		if !rejected[name] {
			t.Errorf("%s (invalid UTF-8 or binary) was accepted", name)
		}
	}

	// Hidden injection in Markdown never reaches a chunk.
	canary := "example-attacker.com"
	docs := load(t, filepath.Join(nasty, "hidden_injection", "returns_policy.md"))
	for _, c := range ingest.Chunk(docs[0], "t", 256) {
		if strings.Contains(c.Text, canary) || strings.Contains(strings.ToLower(c.Text), "ignore previous instructions") {
			t.Errorf("hidden injection reached chunk %d: %q", c.Position, c.Text)
		}
	}
	if len(docs[0].Sections) == 0 {
		t.Error("returns_policy.md visible text was lost")
	}
}

func TestNaughtyStringsAsFAQ(t *testing.T) {
	shared := sharedDir(t)
	data, err := os.ReadFile(filepath.Join(shared, "security", "naughty-strings", "blns.json"))
	if err != nil {
		t.Fatal(err)
	}
	var strs []string
	if err := json.Unmarshal(data, &strs); err != nil {
		t.Fatal(err)
	}
	type entry struct {
		ID       string `json:"id"`
		Question string `json:"question"`
		Answer   string `json:"answer"`
	}
	var entries []entry
	for i, s := range strs {
		entries = append(entries, entry{ID: fmt.Sprint(i), Question: "q " + s, Answer: "a " + s})
	}
	out, _ := json.Marshal(entries)
	dir := t.TempDir()
	write(t, filepath.Join(dir, "naughty.json"), string(out))
	st := newStore(t)
	sum := ingestPaths(t, ingest.NewPipeline(st, ingest.CoreLoaders(), nil, nil), ingest.Options{}, dir)
	if len(sum.Failed) != 0 || sum.Added != len(strs) {
		t.Fatalf("naughty FAQ: added %d of %d, failed %v", sum.Added, len(strs), sum.Failed)
	}
	for _, s := range strs {
		if _, err := st.Search(context.Background(), retrieval.Query{Text: s, Tenant: retrieval.DefaultTenant}); err != nil {
			t.Errorf("Search(%q): %v", s, err)
		}
	}
}

func TestChunkIDsAreDeterministic(t *testing.T) {
	doc := ingest.Document{ID: "d", Kind: retrieval.KindDoc, Title: "D", Sections: []ingest.Section{{Blocks: []ingest.Block{{Text: strings.Repeat("word ", 700)}}}}}
	a, b := ingest.Chunk(doc, "t", 100), ingest.Chunk(doc, "t", 100)
	if diff := cmp.Diff(a, b); diff != "" || len(a) < 7 {
		t.Fatalf("chunks differ between runs or too few (%d):\n%s", len(a), diff)
	}
	if ingest.Chunk(doc, "other", 100)[0].ID == a[0].ID {
		t.Error("same chunk id in two tenants")
	}
	for _, c := range a {
		if n := ingest.CountTokens(c.Text); n > 100 {
			t.Errorf("chunk %d has %d tokens, budget 100", c.Position, n)
		}
	}
}

// TestTicketKindIsRedacted: a ticket ingested through any loader (here
// Markdown with --kind ticket) has its personal data redacted before it is
// indexed.
func TestTicketKindIsRedacted(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "t.md"), "# Ticket from anna@example.com\n\nCustomer anna@example.com, phone +7 912 345-67-89, asks about pairing.\n")
	s := newStore(t)
	sum := ingestPaths(t, ingest.NewPipeline(s, ingest.CoreLoaders(), nil, nil), ingest.Options{Kind: retrieval.KindTicket}, dir)
	if sum.Added != 1 {
		t.Fatalf("summary %+v", sum)
	}
	res, err := s.Search(context.Background(), retrieval.Query{Text: "pairing", Tenant: retrieval.DefaultTenant})
	if err != nil || len(res.Hits) != 1 {
		t.Fatalf("search: %v %+v", err, res.Hits)
	}
	h := res.Hits[0]
	for _, leak := range []string{"anna@example.com", "912 345"} {
		if strings.Contains(h.Text, leak) || strings.Contains(h.Title, leak) {
			t.Errorf("personal data %q indexed: title %q text %q", leak, h.Title, h.Text)
		}
	}
	if !strings.Contains(h.Text, "[EMAIL]") || h.Kind != retrieval.KindTicket {
		t.Errorf("hit = %+v, want a redacted ticket", h.Chunk)
	}
}

// TestSameStemFilesKeepApart: billing.md and billing.txt used to both become
// "billing", one overwriting the other and every run reporting updates.
func TestSameStemFilesKeepApart(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"billing.md":          "# Billing\n\nInvoices are sent monthly.\n",
		"billing.txt":         "Refunds take five days.\n",
		"returns_policy.md":   "# Returns\n\nReturns are free within 30 days.\n",
		"returns_policy.html": "<html><body><main><p>Return labels are printed at home.</p></main></body></html>",
		"guide.md":            "# Guide\n\nHold the reset button.\n",
	}
	for name, content := range files {
		write(t, filepath.Join(dir, name), content)
	}
	s := newStore(t)
	p := ingest.NewPipeline(s, formats.Loaders(formats.Options{}), nil, nil)
	steps := []struct {
		name   string
		change func()
		want   counts
	}{
		{"first run adds each file", func() {}, counts{Files: 5, Added: 5}},
		{"second run is a no-op", func() {}, counts{Files: 5, Unchanged: 5}},
		{"a new file sharing a stem renames both", func() {
			write(t, filepath.Join(dir, "guide.txt"), "The guide in plain text.\n")
		}, counts{Files: 6, Added: 2, Deleted: 1, Unchanged: 4}},
		{"and converges", func() {}, counts{Files: 6, Unchanged: 6}},
	}
	for _, st := range steps {
		st.change()
		got := countsOf(ingestPaths(t, p, ingest.Options{}, dir))
		if diff := cmp.Diff(st.want, got); diff != "" {
			t.Fatalf("%s (-want +got):\n%s", st.name, diff)
		}
	}
	docs, err := s.Documents(context.Background(), retrieval.DocFilter{Tenant: retrieval.DefaultTenant})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, d := range docs {
		ids = append(ids, d.ID)
	}
	want := []string{"billing.md", "billing.txt", "guide.md", "guide.txt", "returns_policy.html", "returns_policy.md"}
	if diff := cmp.Diff(want, ids); diff != "" {
		t.Errorf("document ids (-want +got):\n%s", diff)
	}
}

// TestOneIDTwoSourcesConflicts: two folders each holding x.md, ingested
// separately, no longer overwrite each other in turn; the second reports a
// conflict until the first file is gone.
func TestOneIDTwoSourcesConflicts(t *testing.T) {
	a, b := t.TempDir(), t.TempDir()
	write(t, filepath.Join(a, "x.md"), "# X\n\nFrom folder a.\n")
	write(t, filepath.Join(b, "x.md"), "# X\n\nFrom folder b.\n")
	s := newStore(t)
	p := ingest.NewPipeline(s, ingest.CoreLoaders(), nil, nil)
	ingestPaths(t, p, ingest.Options{}, a)
	sum := ingestPaths(t, p, ingest.Options{}, b)
	if len(sum.Failed) != 1 || !errors.Is(sum.Failed[0].Err, ingest.ErrConflict) {
		t.Fatalf("second folder: failed = %v, want one ErrConflict", sum.Failed)
	}
	if again := countsOf(ingestPaths(t, p, ingest.Options{}, a)); again != (counts{Files: 1, Unchanged: 1}) {
		t.Errorf("first folder again = %+v, want unchanged", again)
	}
	os.Remove(filepath.Join(a, "x.md"))
	if got := countsOf(ingestPaths(t, p, ingest.Options{}, b)); got != (counts{Files: 1, Updated: 1}) {
		t.Errorf("after the first file is gone = %+v, want the second to take the id over", got)
	}
}

// TestPipelineAccepts: an upload's extension is accepted exactly when the
// pipeline has its loader, in any case, as a walked folder's files are.
func TestPipelineAccepts(t *testing.T) {
	p := ingest.NewPipeline(newStore(t), map[string]ingest.Loader{".md": ingest.CoreLoaders()[".md"]}, nil, nil)
	for ext, want := range map[string]bool{".md": true, ".MD": true, ".csv": false, ".exe": false, "": false} {
		if got := p.Accepts(ext); got != want {
			t.Errorf("Accepts(%q) = %v, want %v", ext, got, want)
		}
	}
}
