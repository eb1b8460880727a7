package pdf

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/answerdesk/answerdesk/ingest"
)

// malformedFiles lists the 193 broken PDFs of the shared security corpus.
func malformedFiles(tb testing.TB) []string {
	tb.Helper()
	sec := filepath.Join(sharedDir(tb), "security")
	var files []string
	for _, d := range []string{"qpdf-malformed-pdf", "pdfjs-malformed-pdf"} {
		filepath.WalkDir(filepath.Join(sec, d), func(p string, e os.DirEntry, err error) error {
			if err == nil && !e.IsDir() && !strings.HasSuffix(strings.ToLower(p), ".txt") && !strings.HasPrefix(e.Name(), "LICENSE") {
				files = append(files, p)
			}
			return nil
		})
	}
	sort.Strings(files)
	return files
}

// outcome classifies one extraction.
func outcome(err error) string {
	switch {
	case err == nil:
		return "parsed"
	case errors.Is(err, ErrTimeout):
		return "timeout (contained)"
	case errors.Is(err, ErrCrashed):
		return "crashed (contained)"
	case errors.Is(err, ingest.ErrEmpty):
		return "parsed, no text"
	case errors.Is(err, ErrEncrypted):
		return "rejected: encrypted"
	case errors.Is(err, ingest.ErrMalformed):
		return "rejected"
	default:
		return "other"
	}
}

// TestMalformedSweep runs every malformed PDF through the isolated loader
// (3 s and 512 MiB per file, 2 in parallel): each must end parsed or
// rejected with a reason; a hang or crash of the parser is contained by the
// child process and reported.
func TestMalformedSweep(t *testing.T) {
	files := malformedFiles(t)
	if len(files) == 0 {
		t.Fatal("no malformed PDFs found")
	}
	l := testLoader()
	l.Timeout = 3 * time.Second
	l.MemoryLimit = 512 << 20
	type res struct {
		file, kind, msg string
	}
	results := make([]res, len(files))
	jobs := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < 2; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				_, err := l.extractFile(context.Background(), files[i])
				msg := ""
				if err != nil {
					msg = err.Error()
				}
				results[i] = res{filepath.Base(files[i]), outcome(err), msg}
			}
		}()
	}
	for i := range files {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	counts := map[string]int{}
	var b strings.Builder
	for _, r := range results {
		counts[r.kind]++
		if os.Getenv("PDF_SWEEP_VERBOSE") != "" || r.kind != "parsed" && r.kind != "rejected" && r.kind != "parsed, no text" {
			fmt.Fprintf(&b, "  %s: %s: %.160s\n", r.kind, r.file, r.msg)
		}
		if r.msg == "" && r.kind != "parsed" {
			t.Errorf("%s: %s without a reason", r.file, r.kind)
		}
		if r.kind == "other" {
			t.Errorf("%s: unclassified error %q", r.file, r.msg)
		}
	}
	kinds := make([]string, 0, len(counts))
	for k := range counts {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	fmt.Fprintf(&b, "%d files:", len(files))
	for _, k := range kinds {
		fmt.Fprintf(&b, " %s %d;", k, counts[k])
	}
	t.Log("\n" + b.String())
}
