package pdf

import (
	"bytes"
	"context"
	"errors"
	"io"
	"math"

	lpdf "github.com/ledongthuc/pdf"
)

// Limits on one page's content, so that a hostile stream ends with a loss
// instead of running for ever.
const (
	maxOpsPerPage   = 4_000_000
	maxGlyphsPage   = 400_000
	maxFormDepth    = 8
	maxFormsPerPage = 2_000
)

var errPageBudget = errors.New("page content exceeds the operator budget")

// Reasons hidden text is dropped.
const (
	hiddenInvisible = "invisible render mode"
	hiddenWhite     = "white text"
	hiddenTiny      = "tiny font"
	hiddenOffPage   = "off-page"
	hiddenAlpha     = "transparent text"
)

// glyph is one shown code in device space.
type glyph struct {
	x, y   float64 // origin
	w      float64 // advance
	size   float64 // rendered font size
	text   string
	hidden string // reason, "" when visible
	brk    bool   // a text positioning operator precedes it
}

type mat [6]float64 // a b c d e f

var identity = mat{1, 0, 0, 1, 0, 0}

func (m mat) mul(n mat) mat {
	return mat{
		m[0]*n[0] + m[1]*n[2], m[0]*n[1] + m[1]*n[3],
		m[2]*n[0] + m[3]*n[2], m[2]*n[1] + m[3]*n[3],
		m[4]*n[0] + m[5]*n[2] + n[4], m[4]*n[1] + m[5]*n[3] + n[5],
	}
}

func (m mat) apply(x, y float64) (float64, float64) {
	return x*m[0] + y*m[2] + m[4], x*m[1] + y*m[3] + m[5]
}

type gstate struct {
	ctm            mat
	tc, tw, th, tl float64
	trise          float64
	tfs            float64
	font           *font
	tr             int
	fillWhite      bool
	fillSpace      string // "gray", "rgb", "cmyk", "sep", "other"
	alphaZero      bool
}

type rect struct{ x0, y0, x1, y1 float64 }

func (r rect) contains(x, y float64) bool {
	return x >= r.x0-1 && x <= r.x1+1 && y >= r.y0-1 && y <= r.y1+1
}

// interp runs one page's content streams and records glyphs.
type interp struct {
	ctx    context.Context
	page   rect // crop box in default user space
	glyphs []glyph
	dark   []rect // filled non-white areas and images: white text on them is visible
	ops    int
	forms  int

	g      gstate
	stack  []gstate
	tm     mat
	tlm    mat
	brk    bool
	path   rect
	inPath bool
}

func newInterp(ctx context.Context, page rect) *interp {
	return &interp{ctx: ctx, page: page, g: gstate{ctm: identity, th: 1, fillSpace: "gray"}, tm: identity, tlm: identity}
}

// run interprets a content stream (or array of streams) with resources res.
// It panics on budget exhaustion or cancellation; the caller recovers.
func (in *interp) run(content, res lpdf.Value, depth int) {
	fonts := map[string]*font{}
	fontFor := func(name string) *font {
		if f, ok := fonts[name]; ok {
			return f
		}
		fv := res.Key("Font").Key(name)
		var f *font
		if fv.Kind() == lpdf.Dict {
			f = loadFont(fv)
		}
		fonts[name] = f
		return f
	}
	lpdf.Interpret(content, func(stk *lpdf.Stack, op string) {
		in.ops++
		if in.ops > maxOpsPerPage || len(in.glyphs) > maxGlyphsPage {
			panic(errPageBudget)
		}
		if in.ops&0xfff == 0 {
			if err := in.ctx.Err(); err != nil {
				panic(err)
			}
		}
		n := stk.Len()
		if n > 64 {
			n = 64 // no operator takes more; a hostile stream may pile operands up
		}
		args := make([]lpdf.Value, n)
		for i := n - 1; i >= 0; i-- {
			args[i] = stk.Pop()
		}
		for stk.Len() > 0 {
			stk.Pop()
		}
		num := func(i int) float64 {
			if i < len(args) {
				return args[i].Float64()
			}
			return 0
		}
		g := &in.g
		switch op {
		case "q":
			if len(in.stack) < 256 {
				in.stack = append(in.stack, in.g)
			}
		case "Q":
			if k := len(in.stack); k > 0 {
				in.g = in.stack[k-1]
				in.stack = in.stack[:k-1]
			}
		case "cm":
			if len(args) == 6 {
				g.ctm = mat{num(0), num(1), num(2), num(3), num(4), num(5)}.mul(g.ctm)
			}
		case "gs":
			if len(args) == 1 {
				gs := res.Key("ExtGState").Key(args[0].Name())
				if ca := gs.Key("ca"); ca.Kind() == lpdf.Integer || ca.Kind() == lpdf.Real {
					g.alphaZero = ca.Float64() <= 0.01
				}
			}
		// Colour: only the fill colour matters for text visibility.
		case "g":
			g.fillSpace = "gray"
			g.fillWhite = num(0) >= 0.98
		case "rg":
			g.fillSpace = "rgb"
			g.fillWhite = num(0) >= 0.98 && num(1) >= 0.98 && num(2) >= 0.98
		case "k":
			g.fillSpace = "cmyk"
			g.fillWhite = num(0) <= 0.02 && num(1) <= 0.02 && num(2) <= 0.02 && num(3) <= 0.02
		case "cs":
			g.fillSpace = colorSpaceKind(res, args)
			g.fillWhite = false
		case "sc", "scn":
			g.fillWhite = whiteIn(g.fillSpace, args)
		// Paths: remember the area of filled shapes so that white text
		// drawn on a dark box counts as visible.
		case "re":
			if len(args) == 4 {
				x, y, w, h := num(0), num(1), num(2), num(3)
				in.addPath(x, y)
				in.addPath(x+w, y+h)
			}
		case "m", "l":
			if len(args) >= 2 {
				in.addPath(num(0), num(1))
			}
		case "c":
			if len(args) >= 6 {
				in.addPath(num(4), num(5))
			}
		case "v", "y":
			if len(args) >= 4 {
				in.addPath(num(2), num(3))
			}
		case "f", "F", "f*", "B", "B*", "b", "b*":
			if in.inPath && !g.fillWhite && !g.alphaZero {
				in.dark = append(in.dark, in.path)
			}
			in.inPath = false
		case "n", "S", "s":
			in.inPath = false
		case "Do":
			if len(args) == 1 {
				in.xobject(res, args[0].Name(), depth)
			}
		case "BT":
			in.tm, in.tlm = identity, identity
			in.brk = true
		case "Tc":
			g.tc = num(0)
		case "Tw":
			g.tw = num(0)
		case "Tz":
			g.th = num(0) / 100
		case "TL":
			g.tl = num(0)
		case "Ts":
			g.trise = num(0)
		case "Tr":
			g.tr = int(num(0))
		case "Tf":
			if len(args) == 2 {
				g.font = fontFor(args[0].Name())
				g.tfs = num(1)
			}
		case "Td", "TD":
			if len(args) == 2 {
				if op == "TD" {
					g.tl = -num(1)
				}
				in.tlm = mat{1, 0, 0, 1, num(0), num(1)}.mul(in.tlm)
				in.tm = in.tlm
				in.brk = true
			}
		case "Tm":
			if len(args) == 6 {
				in.tlm = mat{num(0), num(1), num(2), num(3), num(4), num(5)}
				in.tm = in.tlm
				in.brk = true
			}
		case "T*":
			in.nextLine()
		case "Tj":
			if len(args) == 1 {
				in.show(args[0].RawString())
			}
		case "'":
			if len(args) == 1 {
				in.nextLine()
				in.show(args[0].RawString())
			}
		case "\"":
			if len(args) == 3 {
				g.tw, g.tc = num(0), num(1)
				in.nextLine()
				in.show(args[2].RawString())
			}
		case "TJ":
			if len(args) == 1 {
				a := args[0]
				for i := 0; i < a.Len(); i++ {
					x := a.Index(i)
					if x.Kind() == lpdf.String {
						in.show(x.RawString())
					} else {
						tx := -x.Float64() / 1000 * g.tfs * g.th
						in.tm = mat{1, 0, 0, 1, tx, 0}.mul(in.tm)
						in.brk = true
					}
				}
			}
		}
	})
}

func (in *interp) addPath(x, y float64) {
	dx, dy := in.g.ctm.apply(x, y)
	if !in.inPath {
		in.path = rect{dx, dy, dx, dy}
		in.inPath = true
		return
	}
	in.path.x0, in.path.y0 = math.Min(in.path.x0, dx), math.Min(in.path.y0, dy)
	in.path.x1, in.path.y1 = math.Max(in.path.x1, dx), math.Max(in.path.y1, dy)
}

func (in *interp) nextLine() {
	in.tlm = mat{1, 0, 0, 1, 0, -in.g.tl}.mul(in.tlm)
	in.tm = in.tlm
	in.brk = true
}

// xobject draws a form (recursively, bounded) or records an image's area.
func (in *interp) xobject(res lpdf.Value, name string, depth int) {
	x := res.Key("XObject").Key(name)
	if x.Kind() != lpdf.Stream {
		return
	}
	switch x.Key("Subtype").Name() {
	case "Image":
		var r rect
		for i, p := range [][2]float64{{0, 0}, {1, 1}, {0, 1}, {1, 0}} {
			dx, dy := in.g.ctm.apply(p[0], p[1])
			if i == 0 {
				r = rect{dx, dy, dx, dy}
			}
			r.x0, r.y0 = math.Min(r.x0, dx), math.Min(r.y0, dy)
			r.x1, r.y1 = math.Max(r.x1, dx), math.Max(r.y1, dy)
		}
		in.dark = append(in.dark, r)
	case "Form":
		in.forms++
		if depth >= maxFormDepth || in.forms > maxFormsPerPage {
			return
		}
		saved, savedStack := in.g, len(in.stack)
		if m := x.Key("Matrix"); m.Len() == 6 {
			in.g.ctm = mat{m.Index(0).Float64(), m.Index(1).Float64(), m.Index(2).Float64(),
				m.Index(3).Float64(), m.Index(4).Float64(), m.Index(5).Float64()}.mul(in.g.ctm)
		}
		if !hasText(x) {
			// A drawing without text: only its area matters (white text
			// over it is visible), and its operators need not be run.
			if bb := x.Key("BBox"); bb.Len() == 4 {
				var r rect
				for i, pt := range [][2]float64{{bb.Index(0).Float64(), bb.Index(1).Float64()}, {bb.Index(2).Float64(), bb.Index(3).Float64()},
					{bb.Index(0).Float64(), bb.Index(3).Float64()}, {bb.Index(2).Float64(), bb.Index(1).Float64()}} {
					dx, dy := in.g.ctm.apply(pt[0], pt[1])
					if i == 0 {
						r = rect{dx, dy, dx, dy}
					}
					r.x0, r.y0 = math.Min(r.x0, dx), math.Min(r.y0, dy)
					r.x1, r.y1 = math.Max(r.x1, dx), math.Max(r.y1, dy)
				}
				in.dark = append(in.dark, r)
			}
			in.g = saved
			return
		}
		r := x.Key("Resources")
		if r.Kind() != lpdf.Dict {
			r = res
		}
		in.run(x, r, depth+1)
		in.g = saved
		if len(in.stack) > savedStack {
			in.stack = in.stack[:savedStack]
		}
	}
}

// show records the glyphs of one string and advances the text matrix.
func (in *interp) show(s string) {
	g := &in.g
	f := g.font
	if f == nil {
		f = fallbackFont
	}
	for len(s) > 0 {
		var code string
		code, s = f.split(s)
		text := f.decode(code)
		w0 := f.width(code) * f.scale
		trm := mat{g.tfs * g.th, 0, 0, g.tfs, 0, g.trise}.mul(in.tm).mul(g.ctm)
		x, y := trm[4], trm[5]
		size := math.Hypot(trm[2], trm[3])
		xscale := math.Hypot(in.tm.mul(g.ctm)[0], in.tm.mul(g.ctm)[1])
		tx := w0*g.tfs + g.tc
		if !f.composite && code == " " {
			tx += g.tw
		}
		tx *= g.th
		gl := glyph{x: x, y: y, w: tx * xscale, size: size, text: text, brk: in.brk}
		in.brk = false
		gl.hidden = in.hiddenReason(x, y, size)
		in.glyphs = append(in.glyphs, gl)
		in.tm = mat{1, 0, 0, 1, tx, 0}.mul(in.tm)
	}
}

func (in *interp) hiddenReason(x, y, size float64) string {
	g := &in.g
	switch {
	case g.tr == 3 || g.tr == 7:
		return hiddenInvisible
	case g.alphaZero:
		return hiddenAlpha
	case size < 1:
		return hiddenTiny
	case !in.page.contains(x, y):
		return hiddenOffPage
	case g.fillWhite && (g.tr == 0 || g.tr == 2 || g.tr == 4 || g.tr == 6):
		for _, d := range in.dark {
			if d.contains(x, y) {
				return ""
			}
		}
		return hiddenWhite
	}
	return ""
}

// colorSpaceKind resolves a "cs" operand to the family whose white we know.
func colorSpaceKind(res lpdf.Value, args []lpdf.Value) string {
	if len(args) != 1 {
		return "other"
	}
	name := args[0].Name()
	switch name {
	case "DeviceGray", "G", "CalGray":
		return "gray"
	case "DeviceRGB", "RGB", "CalRGB":
		return "rgb"
	case "DeviceCMYK", "CMYK":
		return "cmyk"
	case "Pattern":
		return "other"
	}
	cs := res.Key("ColorSpace").Key(name)
	switch cs.Index(0).Name() {
	case "Separation", "DeviceN":
		return "sep"
	case "ICCBased":
		switch cs.Index(1).Key("N").Int64() {
		case 1:
			return "gray"
		case 3:
			return "rgb"
		case 4:
			return "cmyk"
		}
	case "CalRGB":
		return "rgb"
	case "CalGray":
		return "gray"
	}
	return "other"
}

func whiteIn(space string, args []lpdf.Value) bool {
	var v []float64
	for _, a := range args {
		if a.Kind() != lpdf.Integer && a.Kind() != lpdf.Real {
			return false // a pattern name: drawn, assume visible
		}
		v = append(v, a.Float64())
	}
	all := func(ok func(float64) bool) bool {
		if len(v) == 0 {
			return false
		}
		for _, x := range v {
			if !ok(x) {
				return false
			}
		}
		return true
	}
	switch space {
	case "gray", "rgb":
		return all(func(x float64) bool { return x >= 0.98 })
	case "cmyk", "sep":
		return all(func(x float64) bool { return x <= 0.02 })
	}
	return false
}

// fallbackFont is used when text is shown with no (or an unknown) font.
var fallbackFont = &font{
	scale:       1.0 / 1000,
	split:       func(s string) (string, string) { return s[:1], s[1:] },
	decode:      func(code string) string { return pdfDocByte(code[0]) },
	width:       func(string) float64 { return 500 },
	undecodable: false,
}

func pdfDocByte(b byte) string {
	if b >= 0x20 && b < 0x7f {
		return string(rune(b))
	}
	return "\uFFFD"
}

// hasText reports whether a form's content may show text: it has a text
// object or invokes another form (which may). Decoding is bounded.
func hasText(x lpdf.Value) (yes bool) {
	defer func() {
		if recover() != nil {
			yes = true // let the interpreter meet and report the problem
		}
	}()
	rc := x.Reader()
	defer rc.Close()
	data, err := io.ReadAll(io.LimitReader(rc, 64<<20))
	if err != nil && len(data) == 0 {
		return true // let the interpreter report the problem
	}
	return bytes.Contains(data, []byte("BT")) || bytes.Contains(data, []byte("Do"))
}
