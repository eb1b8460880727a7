package pdf

import (
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	lpdf "github.com/ledongthuc/pdf"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/encoding/korean"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/traditionalchinese"
)

// maxCmapEntries bounds the code→text entries one ToUnicode map may expand
// to, so that a hostile bfrange cannot exhaust memory.
const maxCmapEntries = 1 << 17

// font is what the interpreter needs from a PDF font: how to cut a shown
// string into codes, the text and advance width of each code.
type font struct {
	composite bool    // Type0: multi-byte codes, widths from the descendant
	scale     float64 // glyph space to text space (1/1000, or Type3's FontMatrix)
	split     func(s string) (code string, rest string)
	decode    func(code string) string
	width     func(code string) float64 // in glyph units (1000 = 1 em)
	// undecodable is set when the font has no usable text mapping, so that
	// its text is reported as unreadable rather than passed through as noise.
	undecodable bool
}

// loadFont builds a font from its dictionary. It never fails: unknown parts
// fall back to one-byte codes and the PDFDocEncoding-like simple decoder of
// the underlying library.
func loadFont(v lpdf.Value) *font {
	f := &font{scale: 1.0 / 1000}
	subtype := v.Key("Subtype").Name()
	var cm *cmap
	if tu := v.Key("ToUnicode"); tu.Kind() == lpdf.Stream {
		cm = readCmap(tu, v)
	}
	if subtype == "Type0" {
		f.composite = true
		enc := v.Key("Encoding").Name()
		f.split = splitterFor(enc, cm)
		switch {
		case cm != nil && len(cm.chars) > 0:
			f.decode = cm.lookup
		default:
			f.decode = predefinedDecoder(enc)
			if f.decode == nil {
				f.undecodable = true
				f.decode = func(string) string { return "\uFFFD" }
			}
		}
		f.width = cidWidths(v.Key("DescendantFonts").Index(0))
		return f
	}
	// Simple fonts: one byte per code.
	f.split = func(s string) (string, string) { return s[:1], s[1:] }
	if subtype == "Type3" {
		if m := v.Key("FontMatrix"); m.Len() == 6 && m.Index(0).Float64() != 0 {
			f.scale = m.Index(0).Float64()
		}
	}
	var table [256]string
	var done [256]bool
	lf := &lpdf.Font{V: v}
	enc := lf.Encoder()
	// The library maps an encoding dictionary's Differences but ignores its
	// BaseEncoding (codes outside Differences come out as Latin-1, so
	// WinAnsi's ’ and • become C1 controls): apply the base ourselves.
	var base *charmap.Charmap
	differ := map[byte]bool{}
	if ev := v.Key("Encoding"); ev.Kind() == lpdf.Dict {
		switch ev.Key("BaseEncoding").Name() {
		case "MacRomanEncoding":
			base = charmap.Macintosh
		default: // WinAnsiEncoding, StandardEncoding or none
			base = charmap.Windows1252
		}
		d := ev.Key("Differences")
		code := -1
		for i := 0; i < d.Len() && i < 4096; i++ {
			x := d.Index(i)
			switch x.Kind() {
			case lpdf.Integer:
				code = int(x.Int64())
			case lpdf.Name:
				if code >= 0 && code < 256 {
					differ[byte(code)] = true
				}
				code++
			}
		}
	}
	f.decode = func(code string) string {
		b := code[0]
		if !done[b] {
			s := ""
			if cm != nil {
				s = cm.lookup(code)
			}
			if s == "" || s == "\uFFFD" {
				if base != nil && !differ[b] {
					s = string(base.DecodeByte(b))
				} else {
					s = enc.Decode(code)
				}
			}
			table[b], done[b] = s, true
		}
		return table[b]
	}
	first := int(v.Key("FirstChar").Int64())
	widths := v.Key("Widths")
	n := widths.Len()
	ws := make([]float64, n)
	for i := range ws {
		ws[i] = widths.Index(i).Float64()
	}
	missing := v.Key("FontDescriptor").Key("MissingWidth").Float64()
	if n == 0 && missing == 0 {
		missing = 500 // standard 14 fonts carry no widths: assume half an em
	}
	f.width = func(code string) float64 {
		i := int(code[0]) - first
		if i >= 0 && i < n && ws[i] > 0 {
			return ws[i]
		}
		return missing
	}
	return f
}

// cidWidths reads a CIDFont's DW and W entries.
func cidWidths(desc lpdf.Value) func(code string) float64 {
	dw := 1000.0
	if d := desc.Key("DW"); d.Kind() == lpdf.Integer || d.Kind() == lpdf.Real {
		dw = d.Float64()
	}
	w := map[int]float64{}
	arr := desc.Key("W")
	for i := 0; i < arr.Len() && len(w) < maxCmapEntries; {
		first := int(arr.Index(i).Int64())
		next := arr.Index(i + 1)
		if next.Kind() == lpdf.Array {
			for j := 0; j < next.Len() && len(w) < maxCmapEntries; j++ {
				w[first+j] = next.Index(j).Float64()
			}
			i += 2
			continue
		}
		last := int(next.Int64())
		width := arr.Index(i + 2).Float64()
		for c := first; c <= last && c-first < maxCmapEntries && len(w) < maxCmapEntries; c++ {
			w[c] = width
		}
		i += 3
	}
	return func(code string) float64 {
		c := 0
		for i := 0; i < len(code); i++ {
			c = c<<8 | int(code[i])
		}
		if x, ok := w[c]; ok {
			return x
		}
		return dw
	}
}

// splitterFor returns how codes are cut for a composite font: by the
// ToUnicode codespace ranges when present, else by the predefined CMap's
// byte structure, else two bytes.
func splitterFor(enc string, cm *cmap) func(string) (string, string) {
	two := func(s string) (string, string) {
		if len(s) < 2 {
			return s, ""
		}
		return s[:2], s[2:]
	}
	lead := func(isLead func(b byte) bool) func(string) (string, string) {
		return func(s string) (string, string) {
			if isLead(s[0]) && len(s) >= 2 {
				return s[:2], s[2:]
			}
			return s[:1], s[1:]
		}
	}
	switch {
	case strings.Contains(enc, "UTF16"):
		return func(s string) (string, string) {
			if len(s) >= 4 && s[0] >= 0xD8 && s[0] <= 0xDB {
				return s[:4], s[4:]
			}
			return two(s)
		}
	case strings.Contains(enc, "RKSJ"):
		return lead(func(b byte) bool { return b >= 0x81 && b <= 0x9F || b >= 0xE0 && b <= 0xFC })
	case strings.Contains(enc, "EUC"), strings.Contains(enc, "GBK"), strings.Contains(enc, "B5"),
		strings.Contains(enc, "UHC"), strings.Contains(enc, "GB-"):
		return lead(func(b byte) bool { return b >= 0x81 })
	}
	if cm != nil && cm.hasSpace() {
		return cm.split
	}
	return two
}

// predefinedDecoder maps the text of well-known predefined CMaps when a font
// has no ToUnicode map; nil when the encoding is unknown (Identity-H without
// ToUnicode has no text mapping at all).
func predefinedDecoder(enc string) func(string) string {
	var e encoding.Encoding
	switch {
	case strings.Contains(enc, "UCS2"), strings.Contains(enc, "UTF16"):
		return func(code string) string { return utf16BE(code) }
	case strings.HasPrefix(enc, "GB"):
		e = simplifiedchinese.GBK
	case strings.Contains(enc, "RKSJ"), strings.HasPrefix(enc, "EUC-"), strings.HasPrefix(enc, "90"):
		if strings.HasPrefix(enc, "EUC-") {
			e = japanese.EUCJP
		} else {
			e = japanese.ShiftJIS
		}
	case strings.Contains(enc, "B5"), strings.HasPrefix(enc, "ETen"):
		e = traditionalchinese.Big5
	case strings.HasPrefix(enc, "KSC"):
		e = korean.EUCKR
	default:
		return nil
	}
	dec := e.NewDecoder()
	return func(code string) string {
		out, err := dec.String(code)
		if err != nil {
			return "\uFFFD"
		}
		return out
	}
}

func utf16BE(s string) string {
	if len(s)%2 == 1 {
		return "\uFFFD"
	}
	u := make([]uint16, len(s)/2)
	for i := range u {
		u[i] = uint16(s[2*i])<<8 | uint16(s[2*i+1])
	}
	return string(utf16.Decode(u))
}

// cmap is a ToUnicode CMap expanded into a lookup table.
type cmap struct {
	space [4][][2]string // codespace ranges by code length
	chars map[string]string
}

func (m *cmap) hasSpace() bool {
	for _, s := range m.space {
		if len(s) > 0 {
			return true
		}
	}
	return false
}

// split cuts the first code using the codespace ranges; a byte outside every
// range is a one-byte code.
func (m *cmap) split(s string) (string, string) {
	for n := 1; n <= 4 && n <= len(s); n++ {
		for _, r := range m.space[n-1] {
			if r[0] <= s[:n] && s[:n] <= r[1] {
				return s[:n], s[n:]
			}
		}
	}
	return s[:1], s[1:]
}

func (m *cmap) lookup(code string) string {
	if t, ok := m.chars[code]; ok {
		return t
	}
	return "\uFFFD"
}

// readCmap parses a ToUnicode CMap stream; it returns nil when the stream
// does not parse. scratch is any dictionary value: the PostScript prologue
// ("/CIDInit /ProcSet findresource begin") needs a dictionary on the stack
// and the library offers no way to make one; definitions land in it, under
// CMap keys no caller reads.
func readCmap(v, scratch lpdf.Value) (m *cmap) {
	defer func() {
		if recover() != nil {
			m = nil
		}
	}()
	m = &cmap{chars: map[string]string{}}
	n := -1
	add := func(code, text string) {
		if len(m.chars) < maxCmapEntries {
			m.chars[code] = text
		}
	}
	lpdf.Interpret(v, func(stk *lpdf.Stack, op string) {
		switch op {
		case "findresource":
			stk.Pop()
			stk.Pop()
			stk.Push(scratch)
		case "begincmap", "endcmap", "defineresource":
			// begincmap/endcmap take no operands; defineresource's result
			// is popped by the stream itself.
			if op == "defineresource" {
				stk.Pop()
				val := stk.Pop()
				stk.Pop()
				stk.Push(val)
			}
		case "begincodespacerange", "beginbfchar", "beginbfrange":
			n = int(stk.Pop().Int64())
		case "endcodespacerange":
			for i := 0; i < n && stk.Len() >= 2; i++ {
				hi, lo := stk.Pop().RawString(), stk.Pop().RawString()
				if len(lo) >= 1 && len(lo) <= 4 && len(lo) == len(hi) {
					m.space[len(lo)-1] = append(m.space[len(lo)-1], [2]string{lo, hi})
				}
			}
			n = -1
		case "endbfchar":
			for i := 0; i < n && stk.Len() >= 2; i++ {
				repl, orig := stk.Pop(), stk.Pop().RawString()
				add(orig, cmapText(repl))
			}
			n = -1
		case "endbfrange":
			for i := 0; i < n && stk.Len() >= 3; i++ {
				dst, hi, lo := stk.Pop(), stk.Pop().RawString(), stk.Pop().RawString()
				if len(lo) == 0 || len(lo) != len(hi) || lo[:len(lo)-1] != hi[:len(hi)-1] {
					continue
				}
				a, b := int(lo[len(lo)-1]), int(hi[len(hi)-1])
				prefix := lo[:len(lo)-1]
				for c := a; c <= b; c++ {
					code := prefix + string([]byte{byte(c)})
					switch dst.Kind() {
					case lpdf.String:
						s := []byte(dst.RawString())
						if len(s) > 0 {
							s[len(s)-1] += byte(c - a)
						}
						add(code, utf16BE(string(s)))
					case lpdf.Array:
						add(code, cmapText(dst.Index(c-a)))
					}
				}
			}
			n = -1
		default:
			// Other operators (begincmap, def, findresource, …) carry
			// nothing the text mapping needs; drop their operands.
			for stk.Len() > 0 {
				stk.Pop()
			}
		}
	})
	return m
}

// cmapText decodes a bfchar/bfrange destination: UTF-16BE, or a name.
func cmapText(v lpdf.Value) string {
	if v.Kind() == lpdf.Name {
		return v.Name()
	}
	s := utf16BE(v.RawString())
	if !utf8.ValidString(s) {
		return "\uFFFD"
	}
	return s
}
