package pdf

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

func loadManuals(b *testing.B) [][]byte {
	files, _ := filepath.Glob(filepath.Join(sharedDir(b), "datasets", "manuals", "pdf", "*.pdf"))
	if len(files) == 0 {
		b.Skip("no manuals")
	}
	var out [][]byte
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		out = append(out, data)
	}
	return out
}

// BenchmarkExtractManuals measures in-process extraction of the 30 manuals
// (reported as pages/s).
func BenchmarkExtractManuals(b *testing.B) {
	docs := loadManuals(b)
	pages := 0
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, d := range docs {
			res, err := Extract(context.Background(), d)
			if err != nil {
				b.Fatal(err)
			}
			pages += res.Count
		}
	}
	b.ReportMetric(float64(pages)/b.Elapsed().Seconds(), "pages/s")
}

// BenchmarkExtractManualsIsolated is the same through the child process,
// as the answerdesk binary runs it (one child per file).
func BenchmarkExtractManualsIsolated(b *testing.B) {
	docs := loadManuals(b)
	l := testLoader()
	pages := 0
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, d := range docs {
			res, err := l.extract(context.Background(), d)
			if err != nil {
				b.Fatal(err)
			}
			pages += res.Count
		}
	}
	b.ReportMetric(float64(pages)/b.Elapsed().Seconds(), "pages/s")
}
