package pdf

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"

	"github.com/answerdesk/answerdesk/ingest"
)

// buildPDF writes a minimal one-page-per-content PDF; font F1 is Helvetica
// (WinAnsi), F2 a composite font with the given encoding and no ToUnicode.
func buildPDF(f2Encoding string, contents ...string) []byte {
	var objs []string
	objs = append(objs, "<< /Type /Catalog /Pages 2 0 R >>")
	kids := ""
	for i := range contents {
		kids += fmt.Sprintf("%d 0 R ", 6+2*i)
	}
	objs = append(objs, fmt.Sprintf("<< /Type /Pages /Kids [%s] /Count %d /MediaBox [0 0 612 792] >>", kids, len(contents)))
	objs = append(objs, "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
	objs = append(objs, fmt.Sprintf("<< /Type /Font /Subtype /Type0 /BaseFont /X /Encoding /%s /DescendantFonts [<< /Type /Font /Subtype /CIDFontType0 /BaseFont /X /DW 1000 >>] >>", f2Encoding))
	objs = append(objs, "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding << /Differences [147 /fi] >> >>")
	for i, c := range contents {
		objs = append(objs, fmt.Sprintf("<< /Type /Page /Parent 2 0 R /Resources << /Font << /F1 3 0 R /F2 4 0 R /F3 5 0 R >> >> /Contents %d 0 R >>", 7+2*i))
		objs = append(objs, fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(c)+1, c))
	}
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n")
	offsets := make([]int, len(objs))
	for i, o := range objs {
		offsets[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
	for _, off := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, xref)
	return b.Bytes()
}

func line(x, y int, font, text string) string {
	return fmt.Sprintf("BT /%s 12 Tf %d %d Td (%s) Tj ET\n", font, x, y, text)
}

func TestExtractPages(t *testing.T) {
	visible := line(72, 700, "F1", "Press the Lumen button for five seconds.")
	tests := []struct {
		name    string
		pdf     []byte
		want    []string // page texts
		losses  int
		wantErr error
		errText string
	}{
		{"plain", buildPDF("Identity-H", visible), []string{"Press the Lumen button for five seconds."}, 0, nil, ""},
		{"page numbers kept", buildPDF("Identity-H", visible, "", line(72, 700, "F1", "Second page")),
			[]string{"Press the Lumen button for five seconds.", "Second page"}, 0, nil, ""},
		{"render mode 3 dropped", buildPDF("Identity-H", visible+"BT 3 Tr /F1 12 Tf 72 600 Td (secret order) Tj ET\n"), []string{"Press the Lumen button for five seconds."}, 1, nil, ""},
		{"white dropped", buildPDF("Identity-H", visible+"1 1 1 rg "+line(72, 600, "F1", "secret order")), []string{"Press the Lumen button for five seconds."}, 1, nil, ""},
		{"white on dark box kept", buildPDF("Identity-H", "0 0 0 rg 60 590 300 30 re f 1 1 1 rg "+line(72, 600, "F1", "Warning label")), []string{"Warning label"}, 0, nil, ""},
		{"tiny dropped", buildPDF("Identity-H", visible+"BT /F1 0.2 Tf 72 600 Td (secret order) Tj ET\n"), []string{"Press the Lumen button for five seconds."}, 1, nil, ""},
		{"off-page dropped", buildPDF("Identity-H", visible+line(900, 600, "F1", "secret order")), []string{"Press the Lumen button for five seconds."}, 1, nil, ""},
		{"cmyk white dropped", buildPDF("Identity-H", visible+"0 0 0 0 k "+line(72, 600, "F1", "secret order")), []string{"Press the Lumen button for five seconds."}, 1, nil, ""},
		{"words from TJ gaps", buildPDF("Identity-H", "BT /F1 12 Tf 72 700 Td [(Reset)-400(the)-400(hub)] TJ ET\n"), []string{"Reset the hub"}, 0, nil, ""},
		{"ligature NFKC", buildPDF("Identity-H", "BT /F3 12 Tf 72 700 Td (\\223rmware) Tj ET\n"), []string{"firmware"}, 0, nil, ""},
		{"winansi base under differences", buildPDF("Identity-H", "BT /F3 12 Tf 72 700 Td (filter 2\\222s \\225 output) Tj ET\n"), []string{"filter 2’s • output"}, 0, nil, ""},
		{"hyphenated line joined", buildPDF("Identity-H", line(72, 700, "F1", "config-")+line(72, 686, "F1", "uration")), []string{"configuration"}, 0, nil, ""},
		{"utf16 cjk decoded", buildPDF("UniGB-UTF16-H", "BT /F2 12 Tf 72 700 Td <4F60597D> Tj ET\n"), []string{"你好"}, 0, nil, ""},
		{"ucs2 japanese decoded", buildPDF("UniJIS-UCS2-H", "BT /F2 12 Tf 72 700 Td <30533093306B3061306F> Tj ET\n"), []string{"こんにちは"}, 0, nil, ""},
		{"gbk cjk decoded", buildPDF("GBK-EUC-H", "BT /F2 12 Tf 72 700 Td <C4E3BAC3> Tj ET\n"), []string{"你好"}, 0, nil, ""},
		{"undecodable rejected", buildPDF("Identity-H", visible, "BT /F2 12 Tf 72 700 Td <00410042004300440045> Tj ET\n"), []string{"Press the Lumen button for five seconds."}, 1, nil, ""},
		{"only undecodable", buildPDF("Identity-H", "BT /F2 12 Tf 72 700 Td <00410042004300440045> Tj ET\n"), nil, 0, ingest.ErrEmpty, "undecodable"},
		{"no text layer", buildPDF("Identity-H", "0 0 1 rg 10 10 100 100 re f"), nil, 0, ingest.ErrEmpty, "no text layer (scanned?)"},
		{"only hidden", buildPDF("Identity-H", "BT 3 Tr /F1 12 Tf 72 600 Td (secret) Tj ET\n"), nil, 0, ingest.ErrEmpty, "only hidden text"},
		{"not a pdf", []byte("hello"), nil, 0, ingest.ErrMalformed, "not a PDF"},
		{"truncated", buildPDF("Identity-H", visible)[:200], nil, 0, ingest.ErrMalformed, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, err := Extract(context.Background(), tc.pdf)
			if tc.wantErr != nil {
				if !errors.Is(err, tc.wantErr) || !strings.Contains(err.Error(), tc.errText) {
					t.Fatalf("err = %v, want %v containing %q", err, tc.wantErr, tc.errText)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, p := range res.Pages {
				got = append(got, p.Text)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("pages (-want +got):\n%s", diff)
			}
			if len(res.Losses) != tc.losses {
				t.Errorf("losses = %v, want %d", res.Losses, tc.losses)
			}
		})
	}
}

func TestRebuildDamagedTable(t *testing.T) {
	good := buildPDF("Identity-H", line(72, 700, "F1", "Rebuilt text"))
	noHeader := bytes.TrimPrefix(good, []byte("%PDF-1.4\n"))
	i := bytes.LastIndex(good, []byte("startxref\n"))
	badOffset := append(bytes.Clone(good[:i]), []byte("startxref\n999999\n%%EOF\n")...)
	j := bytes.Index(good, []byte("xref\n"))
	noTable := append(bytes.Clone(good[:j]), []byte("trailer\n<< /Root 1 0 R >>\n%%EOF\n")...)
	for name, data := range map[string][]byte{"no header": noHeader, "bad startxref": badOffset, "no table": noTable} {
		t.Run(name, func(t *testing.T) {
			res, err := Extract(context.Background(), data)
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Pages) != 1 || res.Pages[0].Text != "Rebuilt text" || !res.Repaired {
				t.Errorf("result %+v", res)
			}
		})
	}
	if _, ok := rebuild([]byte("no objects here")); ok {
		t.Error("rebuild of garbage reported ok")
	}
}

func TestCleanTitle(t *testing.T) {
	for in, want := range map[string]string{
		"191119 Blades.indd":            "",
		"Microsoft Word - refunds.docx": "",
		"Untitled":                      "",
		"Lumen Hub Quick Start":         "Lumen Hub Quick Start",
		"  Руководство  пользователя  ": "Руководство пользователя",
		"\ufffd\ufffd": "",
	} {
		if got := cleanTitle(in); got != want {
			t.Errorf("cleanTitle(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestPageNumbersSkipEmptyPages(t *testing.T) {
	res, err := Extract(context.Background(), buildPDF("Identity-H", line(72, 700, "F1", "one"), "", line(72, 700, "F1", "three")))
	if err != nil {
		t.Fatal(err)
	}
	var nums []int
	for _, p := range res.Pages {
		nums = append(nums, p.Number)
	}
	if diff := cmp.Diff([]int{1, 3}, nums); diff != "" {
		t.Errorf("page numbers (-want +got):\n%s", diff)
	}
}

// TestGluedRespacing: a producer that positions every word with Td and no
// TJ gaps but glues letters... is re-spaced from positions.
func TestGlued(t *testing.T) {
	tests := []struct {
		text string
		want bool
	}{
		{"Press the Lumen button for five seconds to reset the hub.", false},
		{"PresstheLumenbuttonforfivesecondstoresetthehubandwaitforthelighttoturnblue.", true},
		{"按住按钮五秒钟以重置集线器，然后等待指示灯变蓝。按住按钮五秒钟以重置集线器。", false},
	}
	for _, tc := range tests {
		if got := glued(tc.text); got != tc.want {
			t.Errorf("glued(%q) = %v, want %v", tc.text, got, tc.want)
		}
	}
}

func TestPositionalText(t *testing.T) {
	// Glyphs of "Hold the" with no space glyph: a 4pt gap at 12pt is a word
	// break, a baseline 14pt lower a new line, 40pt lower a paragraph.
	mk := func(s string, x, y float64) []glyph {
		var gs []glyph
		for _, r := range s {
			gs = append(gs, glyph{x: x, y: y, w: 6, size: 12, text: string(r)})
			x += 6
		}
		return gs
	}
	var gs []glyph
	gs = append(gs, mk("Hold", 72, 700)...)
	gs = append(gs, mk("the", 72+24+4, 700)...)
	gs = append(gs, mk("ring", 72, 686)...)
	gs = append(gs, mk("Next", 72, 640)...)
	if diff := cmp.Diff("Hold the\nring\n\nNext", positionalText(gs)); diff != "" {
		t.Errorf("positionalText (-want +got):\n%s", diff)
	}
}

func TestEncryptedWithoutPassword(t *testing.T) {
	plain := buildPDF("Identity-H", line(72, 700, "F1", "Encrypted manual text"))
	for _, conf := range []*model.Configuration{
		model.NewAESConfiguration("", "owner-secret", 256),
		model.NewRC4Configuration("", "owner-secret", 128),
	} {
		var enc bytes.Buffer
		if err := api.Encrypt(bytes.NewReader(plain), &enc, conf); err != nil {
			t.Fatal(err)
		}
		if !bytes.Contains(enc.Bytes(), []byte("/Encrypt")) {
			t.Fatal("fixture not encrypted")
		}
		res, err := Extract(context.Background(), enc.Bytes())
		if err != nil {
			t.Fatalf("%v: %v", conf.EncryptUsingAES, err)
		}
		if got := res.Pages[0].Text; got != "Encrypted manual text" || !res.Decrypted {
			t.Errorf("text = %q decrypted=%v", got, res.Decrypted)
		}
	}
	// With a user password the file is rejected clearly.
	var enc bytes.Buffer
	if err := api.Encrypt(bytes.NewReader(plain), &enc, model.NewAESConfiguration("user", "owner", 256)); err != nil {
		t.Fatal(err)
	}
	if _, err := Extract(context.Background(), enc.Bytes()); !errors.Is(err, ErrEncrypted) {
		t.Errorf("err = %v, want ErrEncrypted", err)
	}
}
