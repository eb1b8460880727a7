package pdf

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/answerdesk/answerdesk/ingest"
)

// canaryMarkers are substrings of the planted instruction that no visible
// text in the fixtures contains.
var canaryMarkers = []string{"example-attacker.com", "IMPORTANT SYSTEM NOTE", "ignore previous instructions"}

func docText(docs []ingest.Document) string {
	var b strings.Builder
	for _, d := range docs {
		b.WriteString(d.Title + "\n")
		for _, s := range d.Sections {
			for _, bl := range s.Blocks {
				b.WriteString(bl.Text + "\n" + bl.Header + "\n" + strings.Join(bl.Rows, "\n") + "\n")
			}
		}
	}
	return b.String()
}

// TestHiddenInjection: the canary hidden four ways (render mode 3, white
// fill, 0.1pt font, off-page) never reaches the loaded text; the clean
// control and the visible text of every file do.
func TestHiddenInjection(t *testing.T) {
	dir := filepath.Join(sharedDir(t), "security", "generated-nasties", "hidden_injection")
	files, _ := filepath.Glob(filepath.Join(dir, "*.pdf"))
	if len(files) != 5 {
		t.Fatalf("want 5 PDFs in %s, got %d", dir, len(files))
	}
	l := testLoader()
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			docs, err := l.Load(context.Background(), fileSource(f))
			if err != nil {
				t.Fatal(err)
			}
			text := docText(docs)
			for _, m := range canaryMarkers {
				if strings.Contains(strings.ToLower(text), strings.ToLower(m)) {
					t.Errorf("canary %q leaked: %q", m, text)
				}
			}
			if !strings.Contains(text, "Returns policy: items can be returned within 30 days.") {
				t.Errorf("visible text missing: %q", text)
			}
			if strings.Contains(f, "clean_control") {
				if len(docs[0].Losses) != 0 {
					t.Errorf("control has losses %v", docs[0].Losses)
				}
			} else if len(docs[0].Losses) == 0 && !strings.Contains(f, "off_page") {
				t.Errorf("no loss reported for hidden text")
			}
			t.Logf("losses: %v", docs[0].Losses)
		})
	}
}

func fileSource(path string) ingest.Source {
	st, _ := os.Stat(path)
	var size int64
	if st != nil {
		size = st.Size()
	}
	return ingest.Source{
		Path: path,
		ID:   strings.TrimSuffix(filepath.Base(path), filepath.Ext(path)),
		Size: size,
		Open: func() (io.ReadCloser, error) { return os.Open(path) },
	}
}
