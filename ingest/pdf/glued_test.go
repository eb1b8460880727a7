package pdf

import (
	"context"
	"os"
	"strings"
	"testing"

	lpdf "github.com/ledongthuc/pdf"
)

// TestGhostscriptWordsNotGlued: testdata/ghostscript_words.pdf is
// Ghostscript 10 pdfwrite output of ghostscript_words.ps, which places every
// word with its own moveto, as dvips does
// (gs -q -dBATCH -dNOPAUSE -sDEVICE=pdfwrite -sOutputFile=ghostscript_words.pdf ghostscript_words.ps).
// The library's plain text glues the words; the extraction keeps them apart.
func TestGhostscriptWordsNotGlued(t *testing.T) {
	data, err := os.ReadFile("testdata/ghostscript_words.pdf")
	if err != nil {
		t.Fatal(err)
	}
	f, r, err := lpdf.Open("testdata/ghostscript_words.pdf")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	plain, err := r.Page(1).GetPlainText(nil)
	if err != nil {
		t.Fatal(err)
	}
	if !glued(plain) {
		t.Fatalf("fixture no longer shows the library's glued words: %q", plain)
	}
	res, err := Extract(context.Background(), data)
	if err != nil {
		t.Fatal(err)
	}
	got := res.Pages[0].Text
	if want := "Press and hold the reset button on the bottom of the hub for fifteen seconds"; !strings.HasPrefix(got, want) || glued(got) {
		t.Errorf("text = %q, want it to start with %q", got, want)
	}
}
