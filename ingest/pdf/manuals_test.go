package pdf

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"unicode"

	"github.com/answerdesk/answerdesk/ingest"
)

// words splits text into lowercase letter/digit runs, counted.
func words(s string) map[string]int {
	m := map[string]int{}
	for _, w := range strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		m[w]++
	}
	return m
}

// wordScores compares bags of words: recall against ref, precision of got.
func wordScores(got, ref map[string]int) (recall, precision float64) {
	var common, nGot, nRef int
	for w, c := range ref {
		nRef += c
		common += min(c, got[w])
	}
	for _, c := range got {
		nGot += c
	}
	if nRef == 0 || nGot == 0 {
		return 0, 0
	}
	return float64(common) / float64(nRef), float64(common) / float64(nGot)
}

func requireTool(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("ANSWERDESK_REQUIRE_SHARED") == "1" {
			t.Fatalf("%s required (apt-get install poppler-utils): %v", name, err)
		}
		t.Skipf("%s not installed (apt-get install poppler-utils)", name)
	}
	return p
}

func pagesText(r *Result) string {
	var b strings.Builder
	for _, p := range r.Pages {
		b.WriteString(p.Text)
		b.WriteString("\n")
	}
	return b.String()
}

// TestManualsAgainstPdftotext measures word recall and precision of the
// extraction (through the isolated child, as answerdesk extract runs it)
// against poppler's pdftotext on the 30 printed manuals.
func TestManualsAgainstPdftotext(t *testing.T) {
	dir := filepath.Join(sharedDir(t), "datasets", "manuals", "pdf")
	pdftotext := requireTool(t, "pdftotext")
	files, _ := filepath.Glob(filepath.Join(dir, "*.pdf"))
	if len(files) == 0 {
		t.Fatalf("no PDFs in %s", dir)
	}
	l := testLoader()
	var recalls, precisions []float64
	var report strings.Builder
	for _, f := range files {
		ref, err := exec.Command(pdftotext, "-enc", "UTF-8", f, "-").Output()
		if err != nil {
			t.Fatalf("pdftotext %s: %v", f, err)
		}
		res, err := l.extractFile(context.Background(), f)
		if err != nil {
			t.Errorf("%s: %v", filepath.Base(f), err)
			recalls, precisions = append(recalls, 0), append(precisions, 0)
			continue
		}
		r, p := wordScores(words(pagesText(res)), words(string(ref)))
		recalls, precisions = append(recalls, r), append(precisions, p)
		respaced := 0
		for _, pg := range res.Pages {
			if pg.Respaced {
				respaced++
			}
		}
		fmt.Fprintf(&report, "%-24s pages %2d respaced %2d recall %.3f precision %.3f losses %d\n", filepath.Base(f), res.Count, respaced, r, p, len(res.Losses))
	}
	sort.Float64s(recalls)
	sort.Float64s(precisions)
	fmt.Fprintf(&report, "word recall min %.3f median %.3f; word precision min %.3f median %.3f (n=%d)\n",
		recalls[0], median(recalls), precisions[0], median(precisions), len(recalls))
	t.Log("\n" + report.String())
	if median(recalls) < 0.97 || median(precisions) < 0.97 || recalls[0] < 0.9 || precisions[0] < 0.9 {
		t.Errorf("below target: recall min/median %.3f/%.3f precision %.3f/%.3f (want medians >= 0.97, minima >= 0.9)",
			recalls[0], median(recalls), precisions[0], median(precisions))
	}
}

func median(xs []float64) float64 {
	n := len(xs)
	if n%2 == 1 {
		return xs[n/2]
	}
	return (xs[n/2-1] + xs[n/2]) / 2
}

// TestNoTextLayer: the schematic scans give the clear no-text error.
func TestNoTextLayer(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(sharedDir(t), "datasets", "manuals", "no-text-layer", "*.pdf"))
	if len(files) == 0 {
		t.Fatal("no no-text-layer PDFs")
	}
	l := testLoader()
	for _, f := range files {
		_, err := l.extractFile(context.Background(), f)
		if !errors.Is(err, ingest.ErrEmpty) || !strings.Contains(err.Error(), "no text layer (scanned?)") {
			t.Errorf("%s: err = %v, want no text layer (scanned?) wrapping ingest.ErrEmpty", filepath.Base(f), err)
		}
		t.Logf("%s: %v", filepath.Base(f), err)
	}
}

// TestGhostscriptRedistilled re-writes five manuals with Ghostscript's
// pdfwrite (a producer that re-encodes fonts with Differences over
// WinAnsi) and measures them against pdftotext the same way. It needs gs
// and pdftotext and is skipped in -short mode.
func TestGhostscriptRedistilled(t *testing.T) {
	if testing.Short() {
		t.Skip("-short")
	}
	dir := filepath.Join(sharedDir(t), "datasets", "manuals", "pdf")
	pdftotext := requireTool(t, "pdftotext")
	gs, err := exec.LookPath("gs")
	if err != nil {
		t.Skip("gs not installed (apt-get install ghostscript)")
	}
	out := t.TempDir()
	l := testLoader()
	var recalls, precisions []float64
	for _, name := range []string{"beads", "blades", "peaks", "plaits", "tides_2018"} {
		dst := filepath.Join(out, name+".pdf")
		if err := exec.Command(gs, "-q", "-dBATCH", "-dNOPAUSE", "-sDEVICE=pdfwrite", "-sOutputFile="+dst, filepath.Join(dir, name+".pdf")).Run(); err != nil {
			t.Fatalf("gs %s: %v", name, err)
		}
		ref, err := exec.Command(pdftotext, "-enc", "UTF-8", dst, "-").Output()
		if err != nil {
			t.Fatal(err)
		}
		res, err := l.extractFile(context.Background(), dst)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		r, p := wordScores(words(pagesText(res)), words(string(ref)))
		recalls, precisions = append(recalls, r), append(precisions, p)
		t.Logf("%-12s recall %.3f precision %.3f losses %v", name, r, p, res.Losses)
	}
	sort.Float64s(recalls)
	sort.Float64s(precisions)
	t.Logf("ghostscript: recall min %.3f median %.3f; precision min %.3f median %.3f", recalls[0], median(recalls), precisions[0], median(precisions))
	if recalls[0] < 0.9 || precisions[0] < 0.9 {
		t.Errorf("below 0.9")
	}
}
