package pdf

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/answerdesk/answerdesk/ingest"
)

// addSharedSeeds adds up to n files under 64 KiB from dir's tree as seeds.
func addSharedSeeds(f *testing.F, dir string, n int) {
	filepath.WalkDir(dir, func(p string, e os.DirEntry, err error) error {
		if err != nil || e.IsDir() || n == 0 {
			return nil
		}
		if info, err := e.Info(); err == nil && info.Size() < 64<<10 {
			if data, err := os.ReadFile(p); err == nil {
				f.Add(data)
				n--
			}
		}
		return nil
	})
}

// FuzzLoad feeds mutated PDFs through the isolated loader: whatever the
// input, the caller gets text or an error wrapping one of the ingest
// sentinels, within the time bound, and never a panic.
func FuzzLoad(f *testing.F) {
	f.Add(buildPDF("Identity-H", line(72, 700, "F1", "Press the Lumen button.")))
	f.Add(buildPDF("UniGB-UTF16-H", "BT /F2 12 Tf 72 700 Td <4F60597D> Tj ET\n"))
	if dir, err := os.Getwd(); err == nil {
		shared := filepath.Join(dir, "..", "..", "..", "shared", "security")
		addSharedSeeds(f, filepath.Join(shared, "pdfjs-malformed-pdf"), 20)
		addSharedSeeds(f, filepath.Join(shared, "qpdf-malformed-pdf"), 20)
		addSharedSeeds(f, filepath.Join(shared, "generated-nasties", "hidden_injection"), 5)
	}
	l := testLoader()
	l.Timeout = 2 * time.Second
	l.MemoryLimit = 256 << 20
	f.Fuzz(func(t *testing.T, data []byte) {
		res, err := l.extract(context.Background(), data)
		if err != nil {
			if !errors.Is(err, ingest.ErrMalformed) && !errors.Is(err, ingest.ErrEmpty) {
				t.Fatalf("error outside the taxonomy: %v", err)
			}
			return
		}
		for _, p := range res.Pages {
			if p.Number < 1 || p.Number > res.Count || p.Text == "" {
				t.Fatalf("bad page %d of %d: %q", p.Number, res.Count, p.Text)
			}
		}
	})
}

// FuzzTextAssembly exercises the in-process text path (spacing, glue
// detection, normalization, garbage detection) on arbitrary strings.
func FuzzTextAssembly(f *testing.F) {
	f.Add("Press the Lumen button", 12.0, 0.5)
	f.Add("ﬁrmware\u00adupdate-\nrequired", 0.0, -3.0)
	f.Fuzz(func(t *testing.T, s string, size, gap float64) {
		var gs []glyph
		x := 0.0
		for _, r := range s {
			gs = append(gs, glyph{x: x, y: 700, w: 6, size: size, text: string(r), brk: true})
			x += 6 + gap
		}
		for _, txt := range []string{plainText(gs), positionalText(gs)} {
			n := normalize(txt)
			glued(n)
			unreadable(n)
			_ = stripUnreadable(n)
		}
	})
}
