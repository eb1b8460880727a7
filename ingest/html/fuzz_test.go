package html

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/yuin/goldmark"

	"github.com/answerdesk/answerdesk/ingest"
)

// FuzzParse: any input yields a document or an error wrapping an ingest
// sentinel, never a panic. Seeded from the html5lib tokenizer cases.
func FuzzParse(f *testing.F) {
	f.Add([]byte(`<html><body><main><h1>T</h1><p style="display:none">x</p><table><tr><th>a</th></tr><tr><td>b</td></tr></table></main></body></html>`))
	if dir, err := os.Getwd(); err == nil {
		files, _ := filepath.Glob(filepath.Join(dir, "..", "..", "..", "shared", "security", "html5lib-tokenizer", "*.test"))
		for _, file := range files {
			data, err := os.ReadFile(file)
			if err != nil {
				continue
			}
			var cases struct {
				Tests []struct {
					Input string `json:"input"`
				} `json:"tests"`
			}
			if json.Unmarshal(data, &cases) != nil {
				continue
			}
			for i, c := range cases.Tests {
				if i%10 == 0 { // a sample keeps the seed corpus quick to replay
					f.Add([]byte(c.Input))
				}
			}
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		doc, err := Parse(data, ingest.Source{Path: "f.html", ID: "f"})
		if err != nil {
			if !errors.Is(err, ingest.ErrMalformed) && !errors.Is(err, ingest.ErrEmpty) {
				t.Fatalf("error outside the taxonomy: %v", err)
			}
			return
		}
		for _, s := range doc.Sections {
			if len(s.Blocks) == 0 {
				t.Fatalf("empty section %v", s.Heading)
			}
		}
	})
}

// BenchmarkParseManuals renders the 30 Markdown manuals to HTML once and
// measures parsing them (reported as docs/s).
func BenchmarkParseManuals(b *testing.B) {
	files, _ := filepath.Glob(filepath.Join(sharedDir(b), "datasets", "manuals", "md", "*.md"))
	if len(files) == 0 {
		b.Skip("no manuals")
	}
	var pages [][]byte
	var size int64
	for _, f := range files {
		md, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		var buf bytes.Buffer
		buf.WriteString("<!doctype html><html><head><title>manual</title></head><body><nav>menu</nav><main>")
		if err := goldmark.Convert(md, &buf); err != nil {
			b.Fatal(err)
		}
		buf.WriteString("</main></body></html>")
		pages = append(pages, buf.Bytes())
		size += int64(buf.Len())
	}
	b.SetBytes(size)
	b.ResetTimer()
	n := 0
	for i := 0; i < b.N; i++ {
		for _, p := range pages {
			if _, err := Parse(p, ingest.Source{Path: "m.html", ID: "m"}); err != nil {
				b.Fatal(err)
			}
			n++
		}
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "docs/s")
}
