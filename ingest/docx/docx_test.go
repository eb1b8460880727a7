package docx

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/answerdesk/answerdesk/ingest"
)

const stylesXML = `<?xml version="1.0"?><w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">
<w:style w:type="paragraph" w:styleId="Title"><w:name w:val="Title"/></w:style>
<w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/></w:style>
<w:style w:type="paragraph" w:styleId="1"><w:name w:val="Заголовок 2"/></w:style>
<w:style w:type="paragraph" w:styleId="PolicyHead"><w:name w:val="Policy Head"/><w:basedOn w:val="Heading1"/></w:style>
</w:styles>`

func wrap(body string) string {
	return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>` + body + `</w:body></w:document>`
}

func p(style, text string) string {
	ps := ""
	if style != "" {
		ps = `<w:pPr><w:pStyle w:val="` + style + `"/></w:pPr>`
	}
	return `<w:p>` + ps + `<w:r><w:t xml:space="preserve">` + text + `</w:t></w:r></w:p>`
}

func buildDocx(t testing.TB, files map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, body := range files {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(w, body)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func source(name string, data []byte) ingest.Source {
	return ingest.Source{Path: name, ID: strings.TrimSuffix(name, ".docx"), Size: int64(len(data)),
		Open: func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil }}
}

func TestLoad(t *testing.T) {
	body := p("Title", "Refund policy") +
		p("Heading1", "Scope") +
		p("", "Applies to Lumen hubs bought from us.") +
		`<w:p><w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr></w:pPr><w:r><w:t>Within 30 days</w:t></w:r></w:p>` +
		p("1", "Сроки") +
		`<w:p><w:r><w:t>Visible</w:t></w:r><w:r><w:rPr><w:vanish/></w:rPr><w:t>SECRET</w:t></w:r><w:r><w:rPr><w:color w:val="FFFFFF"/></w:rPr><w:t>SECRET</w:t></w:r><w:r><w:tab/><w:t>text</w:t></w:r><w:del><w:r><w:delText>removed</w:delText></w:r></w:del><w:r><w:instrText>HYPERLINK "x"</w:instrText></w:r></w:p>` +
		p("PolicyHead", "Exceptions") +
		`<w:tbl><w:tr><w:trPr><w:tblHeader/></w:trPr><w:tc><w:p><w:r><w:t>Item</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>Window</w:t></w:r></w:p></w:tc></w:tr>` +
		`<w:tr><w:tc><w:p><w:r><w:t>Hub</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>30 days</w:t></w:r></w:p><w:p><w:r><w:t>from delivery</w:t></w:r></w:p></w:tc></w:tr>` +
		`<w:tr><w:tc><w:p><w:r><w:t>Sensor</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>14 days</w:t></w:r></w:p></w:tc></w:tr></w:tbl>` +
		`<w:p><w:pPr><w:outlineLvl w:val="0"/></w:pPr><w:r><w:t>Contact</w:t></w:r></w:p>` + p("", "Write to support.")
	data := buildDocx(t, map[string]string{"word/document.xml": wrap(body), "word/styles.xml": stylesXML})
	docs, err := (&Loader{}).Load(context.Background(), source("refunds.docx", data))
	if err != nil {
		t.Fatal(err)
	}
	d := docs[0]
	want := []ingest.Section{
		{Heading: []string{"Scope"}, Blocks: []ingest.Block{{Text: "Applies to Lumen hubs bought from us."}, {Text: "- Within 30 days"}}},
		{Heading: []string{"Scope", "Сроки"}, Blocks: []ingest.Block{{Text: "Visible text"}}},
		{Heading: []string{"Exceptions"}, Blocks: []ingest.Block{{Kind: ingest.Table, Header: "Item | Window", Rows: []string{"Item: Hub; Window: 30 days from delivery", "Item: Sensor; Window: 14 days"}}}},
		{Heading: []string{"Contact"}, Blocks: []ingest.Block{{Text: "Write to support."}}},
	}
	if diff := cmp.Diff(want, d.Sections); diff != "" {
		t.Errorf("sections (-want +got):\n%s", diff)
	}
	if d.Title != "Refund policy" || d.ID != "refunds" || d.Kind != "doc" {
		t.Errorf("title %q id %q kind %q", d.Title, d.ID, d.Kind)
	}
	if diff := cmp.Diff([]ingest.Loss{{Where: "document", Reason: "hidden text dropped: 6 characters"}, {Where: "document", Reason: "white text dropped: 6 characters"}}, d.Losses); diff != "" {
		t.Errorf("losses (-want +got):\n%s", diff)
	}
}

func TestLoadErrors(t *testing.T) {
	bomb := func() []byte {
		var buf bytes.Buffer
		zw := zip.NewWriter(&buf)
		w, _ := zw.Create("word/document.xml")
		io.WriteString(w, wrap(""))
		w.Write(bytes.Repeat([]byte(" "), 70<<20))
		zw.Close()
		return buf.Bytes()
	}()
	tests := []struct {
		name string
		data []byte
		want error
	}{
		{"not zip", []byte("plain text"), ingest.ErrMalformed},
		{"no document part", buildDocx(t, map[string]string{"a.txt": "x"}), ingest.ErrMalformed},
		{"bad xml", buildDocx(t, map[string]string{"word/document.xml": "<w:document><w:body><w:p>"}), ingest.ErrMalformed},
		{"empty", buildDocx(t, map[string]string{"word/document.xml": wrap(p("", "   "))}), ingest.ErrEmpty},
		{"only hidden", buildDocx(t, map[string]string{"word/document.xml": wrap(`<w:p><w:r><w:rPr><w:vanish/></w:rPr><w:t>x</w:t></w:r></w:p>`)}), ingest.ErrEmpty},
		{"inflation bomb", bomb, ingest.ErrTooLarge},
		{"deep xml", buildDocx(t, map[string]string{"word/document.xml": wrap(strings.Repeat("<w:sdt>", 2000) + strings.Repeat("</w:sdt>", 2000))}), ingest.ErrMalformed},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := (&Loader{}).Load(context.Background(), source("x.docx", tc.data))
			if !errors.Is(err, tc.want) {
				t.Errorf("err = %v, want %v", err, tc.want)
			}
		})
	}
}

// FuzzParse: any bytes, and any document.xml inside a valid archive, give a
// document or a sentinel-wrapped error, never a panic.
func FuzzParse(f *testing.F) {
	f.Add([]byte(wrap(p("Heading1", "A") + p("", "b") + `<w:tbl><w:tr><w:tc><w:p><w:r><w:t>c</w:t></w:r></w:p></w:tc></w:tr></w:tbl>`)))
	f.Add([]byte(wrap(`<w:p><w:r><w:t>a</w:t><w:txbxContent><w:p><w:r><w:t>b</w:t></w:r></w:p></w:txbxContent></w:r></w:p>`)))
	f.Add([]byte("<w:tbl><w:tbl><w:tr><w:tc></w:tbl>"))
	f.Fuzz(func(t *testing.T, xmlBody []byte) {
		// Stored, not deflated: compressing every input would dominate.
		var buf bytes.Buffer
		zw := zip.NewWriter(&buf)
		w, _ := zw.CreateHeader(&zip.FileHeader{Name: "word/document.xml", Method: zip.Store})
		w.Write(xmlBody)
		s, _ := zw.CreateHeader(&zip.FileHeader{Name: "word/styles.xml", Method: zip.Store})
		io.WriteString(s, stylesXML)
		zw.Close()
		for _, data := range [][]byte{buf.Bytes(), xmlBody} {
			_, err := Parse(data, ingest.Source{Path: "f.docx", ID: "f"})
			if err != nil && !errors.Is(err, ingest.ErrMalformed) && !errors.Is(err, ingest.ErrEmpty) && !errors.Is(err, ingest.ErrTooLarge) {
				t.Fatalf("error outside the taxonomy: %v", err)
			}
		}
	})
}
