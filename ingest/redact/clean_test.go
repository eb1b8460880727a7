package redact

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// cleanCorpus is ordinary support text (FAQ entries, customer questions,
// product manuals) that holds no personal data: every name or address span
// found in it is a false positive that would blank a product or place word
// out of an answer.
type cleanCorpus struct {
	name  string
	texts []string
}

// sentenceEnd splits text into sentences: after . ! ? 。！？ and at line
// breaks.
var sentenceEnd = regexp.MustCompile(`[.!?]\s+|[。！？]|\n+`)

func sentences(text string) []string {
	var out []string
	for _, s := range sentenceEnd.Split(text, -1) {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// jsonlTexts returns the "text" (and "title") fields of a JSON Lines file.
func jsonlTexts(tb testing.TB, path string) []string {
	tb.Helper()
	f, err := os.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		var rec struct{ Title, Text string }
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			tb.Fatalf("%s: %v", path, err)
		}
		out = append(out, rec.Title, rec.Text)
	}
	if err := sc.Err(); err != nil {
		tb.Fatal(err)
	}
	return out
}

// fileTexts returns the contents of the files under dir whose names end in
// one of exts.
func fileTexts(tb testing.TB, dir string, exts ...string) []string {
	tb.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		for _, ext := range exts {
			if strings.HasSuffix(path, ext) {
				b, err := os.ReadFile(path)
				if err != nil {
					return err
				}
				out = append(out, string(b))
			}
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	return out
}

// csvColumn returns the first column of a CSV file after its header.
func csvColumn(tb testing.TB, path string) []string {
	tb.Helper()
	f, err := os.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		tb.Fatalf("%s: %v", path, err)
	}
	var out []string
	for _, r := range rows[1:] {
		out = append(out, r[0])
	}
	return out
}

// cleanCorpora gathers the support text of ../shared/datasets, the
// bundled knowledge base's documents and the Russian and Chinese support
// suites of testdata.
func cleanCorpora(tb testing.TB) []cleanCorpus {
	tb.Helper()
	ds := filepath.Join(sharedDir(tb), "datasets")
	var out []cleanCorpus
	for _, suite := range []string{"stackfaq-en", "banking77-faq-en", "hint3-sofmattress-en", "hint3-curekart-en", "hint3-powerplay11-en"} {
		texts := jsonlTexts(tb, filepath.Join(ds, suite, "corpus.jsonl"))
		texts = append(texts, jsonlTexts(tb, filepath.Join(ds, suite, "queries.jsonl"))...)
		out = append(out, cleanCorpus{suite, texts})
	}
	out = append(out,
		cleanCorpus{"banking77-intents", csvColumn(tb, filepath.Join(ds, "banking77-intents", "test.csv"))},
		cleanCorpus{"manuals/md", fileTexts(tb, filepath.Join(ds, "manuals", "md"), ".md")},
		cleanCorpus{"testdata/kb/docs", fileTexts(tb, filepath.Join("..", "..", "testdata", "kb", "docs"), ".md", ".csv")},
	)
	// Russian and Chinese help centres and their customers' questions.
	for _, lang := range []string{"ru", "zh"} {
		var texts []string
		suites, err := filepath.Glob(filepath.Join("..", "..", "testdata", "support-ru-zh", lang+"-*"))
		if err != nil || len(suites) == 0 {
			tb.Fatalf("testdata/support-ru-zh/%s-*: %v, %d suites", lang, err, len(suites))
		}
		for _, dir := range suites {
			texts = append(texts, fileTexts(tb, filepath.Join(dir, "docs"), ".md", ".csv")...)
			texts = append(texts, jsonlTexts(tb, filepath.Join(dir, "queries.jsonl"))...)
		}
		out = append(out, cleanCorpus{"support-ru-zh/" + lang, texts})
	}
	return out
}

// TestCleanTextRedactions counts the name and address spans found in
// ordinary support text, per 1,000 sentences (ANSWERDESK_PRESIDIO_DEV=1
// lists them). The ceiling keeps product names and place-like words of
// FAQs and manuals from being blanked out of answers and tickets.
func TestCleanTextRedactions(t *testing.T) {
	list := os.Getenv("ANSWERDESK_PRESIDIO_DEV") == "1"
	var b strings.Builder
	fmt.Fprintf(&b, "\n%-22s %9s %6s %8s %10s %10s\n", "corpus", "sentences", "names", "addresses", "per 1,000", "whole docs")
	var totalSent, totalSpans, totalWhole int
	for _, c := range cleanCorpora(t) {
		var n, names, addrs, whole int
		for _, text := range c.texts {
			for _, s := range sentences(text) {
				n++
				for _, sp := range nameOrAddress(Find(s)) {
					if sp.Type == Name {
						names++
					} else {
						addrs++
					}
					if list {
						t.Logf("%s %s %q in %q", c.name, sp.Type, s[sp.Start:sp.End], s)
					}
				}
			}
			// Whole documents too: block and dialogue rules read lines.
			whole += len(nameOrAddress(Find(text)))
		}
		totalSent += n
		totalSpans += names + addrs
		totalWhole += whole
		fmt.Fprintf(&b, "%-22s %9d %6d %8d %10.2f %10d\n", c.name, n, names, addrs, 1000*ratio(names+addrs, n), whole)
	}
	perK := 1000 * float64(totalSpans) / float64(totalSent)
	fmt.Fprintf(&b, "%-22s %9d %15d %10.2f %10d\n", "all", totalSent, totalSpans, perK, totalWhole)
	t.Log(b.String())
	if perK > 5 {
		t.Errorf("%.2f name or address spans per 1,000 sentences of support text, want <= 5", perK)
	}
	if wholeK := 1000 * float64(totalWhole) / float64(totalSent); wholeK > 5 {
		t.Errorf("%.2f name or address spans in whole documents per 1,000 sentences, want <= 5", wholeK)
	}
}

// nameOrAddress keeps the name and address spans.
func nameOrAddress(spans []Span) []Span {
	var out []Span
	for _, sp := range spans {
		if sp.Type == Name || sp.Type == Address {
			out = append(out, sp)
		}
	}
	return out
}
