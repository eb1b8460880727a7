package html

import (
	"math"
	"regexp"
	"sort"
	"strconv"
	"strings"

	xhtml "golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// This file holds the part of CSS that decides whether a reader can see a
// piece of text: the page's own simple style rules, inline styles, the
// presentational attributes, and the properties pages use to hide text
// (display, visibility, opacity, colour against the background, font size,
// transforms, clipping, zero-size boxes, off-screen positioning).

// Visibility thresholds.
const (
	// minFontPx is the smallest font size, in CSS pixels, taken as readable.
	minFontPx = 5
	// minOpacity is the smallest effective opacity taken as visible.
	minOpacity = 0.1
	// minScale is the smallest scale factor taken as visible.
	minScale = 0.1
	// minContrast is the smallest WCAG contrast ratio between text and its
	// background taken as visible (#eee on white is 1.16).
	minContrast = 1.2
	// offscreenPx is how far (negative) a box must be moved to be off-screen.
	offscreenPx = 999
)

// style is what an element passes on to its content.
type style struct {
	color   rgba    // text colour
	bg      rgba    // the opaque backdrop the text is drawn on
	fontPx  float64 // font size in CSS pixels
	opacity float64 // product of the ancestors' opacities
	visible bool    // visibility (inherited, a child may restore it)
}

// pageStyle is a browser's default: black text on white, 16 px.
var pageStyle = style{color: rgba{0, 0, 0, 1}, bg: rgba{255, 255, 255, 1}, fontPx: 16, opacity: 1, visible: true}

// textHidden says why text drawn in s is invisible, or "".
func (s style) textHidden() string {
	switch {
	case !s.visible:
		return "visibility:hidden"
	case s.fontPx < minFontPx:
		return "font too small to read"
	case s.color.a < minOpacity:
		return "transparent text"
	case contrast(s.color.over(s.bg), s.bg) < minContrast:
		return "text colour matches background"
	}
	return ""
}

// enter computes the style of element n from its parent's, or says why n
// and everything in it is invisible.
func (w *walker) enter(n *xhtml.Node, parent style) (style, string) {
	if hasAttr(n, "hidden") {
		return parent, "hidden attribute"
	}
	if strings.EqualFold(attr(n, "aria-hidden"), "true") {
		return parent, "aria-hidden"
	}
	d := w.sheet.declarations(n)
	s := parent
	if v, ok := d["font-size"]; ok {
		if px, ok := fontSize(v, parent.fontPx); ok {
			s.fontPx = px
		}
	}
	if r := boxHidden(d, s.fontPx); r != "" {
		return s, r
	}
	for _, p := range []string{"color", "-webkit-text-fill-color"} {
		if c, ok := parseColor(d[p]); ok {
			s.color = c
		}
	}
	if c, ok := backgroundColor(d); ok {
		s.bg = c.over(s.bg)
	}
	if o, ok := alpha(d["opacity"]); ok {
		s.opacity *= o
	}
	if m := reFilterOpacity.FindStringSubmatch(d["filter"]); m != nil {
		if o, ok := alpha(m[1]); ok {
			s.opacity *= o
		}
	}
	if s.opacity < minOpacity {
		return s, "opacity:0"
	}
	switch d["visibility"] {
	case "hidden", "collapse":
		s.visible = false
	case "visible":
		s.visible = true
	}
	return s, ""
}

// styleAt is the style content starts with at n, from the root down.
func (w *walker) styleAt(n *xhtml.Node) style {
	var chain []*xhtml.Node
	for p := n; p != nil; p = p.Parent {
		if p.Type == xhtml.ElementNode {
			chain = append(chain, p)
		}
	}
	s := pageStyle
	for i := len(chain) - 1; i >= 0; i-- {
		s, _ = w.enter(chain[i], s)
	}
	return s
}

var (
	reDecl          = regexp.MustCompile(`(?i)([a-z-]+)\s*:\s*([^;]+)`)
	reCSSRule       = regexp.MustCompile(`([^{}]+)\{([^{}]*)\}`)
	reCSSFunc       = regexp.MustCompile(`([a-z0-9-]+)\(([^()]*)\)`)
	reFilterOpacity = regexp.MustCompile(`opacity\(\s*([0-9.]+%?)\s*\)`)
	reNumber        = regexp.MustCompile(`^([+-]?(?:\d+\.?\d*|\.\d+))([a-z%]*)$`)
	reCompound      = regexp.MustCompile(`^([a-zA-Z][a-zA-Z0-9-]*)?((?:[.#][\w-]+)*)$`)
	reSimple        = regexp.MustCompile(`[.#][\w-]+`)
	reColorToken    = regexp.MustCompile(`(?:rgba?|hsla?)\([^()]*\)|#[0-9a-f]{3,8}\b|[a-z]+`)
)

// parseDecls reads a declaration list ("color: red; display:none").
func parseDecls(css string) map[string]string {
	decl := map[string]string{}
	for _, m := range reDecl.FindAllStringSubmatch(css, -1) {
		v := strings.ToLower(strings.TrimSpace(m[2]))
		v = strings.TrimSpace(strings.TrimSuffix(v, "!important"))
		decl[strings.ToLower(m[1])] = v
	}
	return decl
}

// boxHidden says why an element's box hides all it holds, or "": the
// properties that are not inherited.
func boxHidden(d map[string]string, fontPx float64) string {
	if d["display"] == "none" {
		return "display:none"
	}
	if d["content-visibility"] == "hidden" {
		return "content-visibility:hidden"
	}
	for _, f := range reCSSFunc.FindAllStringSubmatch(d["transform"], -1) {
		if r := transformHidden(f[1], args(f[2]), fontPx); r != "" {
			return r
		}
	}
	if v := d["scale"]; v != "" && v != "none" {
		if r := transformHidden("scale", strings.Fields(v), fontPx); r != "" {
			return r
		}
	}
	if v := d["translate"]; v != "" && v != "none" {
		if r := transformHidden("translate", strings.Fields(v), fontPx); r != "" {
			return r
		}
	}
	if z, ok := alpha(d["zoom"]); ok && z < minScale {
		return "zoomed to nothing"
	}
	if clipped(d, fontPx) {
		return "clipped"
	}
	if d["position"] != "" && d["position"] != "static" {
		for _, p := range []string{"left", "top", "right"} {
			if px, ok := length(d[p], fontPx); ok && px <= -offscreenPx {
				return "off-screen"
			}
		}
	}
	for _, p := range []string{"margin-left", "margin-top", "text-indent"} {
		if px, ok := length(d[p], fontPx); ok && px <= -offscreenPx {
			return "off-screen"
		}
	}
	if overflowHidden(d) {
		for _, p := range []string{"width", "height", "max-width", "max-height"} {
			if px, ok := length(d[p], fontPx); ok && px <= 1 {
				return "zero-size box"
			}
		}
	}
	return ""
}

func overflowHidden(d map[string]string) bool {
	for _, p := range []string{"overflow", "overflow-x", "overflow-y"} {
		for _, v := range strings.Fields(d[p]) {
			if v == "hidden" || v == "clip" {
				return true
			}
		}
	}
	return false
}

// transformHidden reads one transform function.
func transformHidden(fn string, a []string, fontPx float64) string {
	switch fn {
	case "scale", "scalex", "scaley", "scale3d":
		for _, v := range a {
			if f, ok := alpha(v); ok && math.Abs(f) < minScale {
				return "scaled to nothing"
			}
		}
	case "matrix":
		if len(a) == 6 {
			var m [4]float64
			for i := range m {
				f, err := strconv.ParseFloat(a[i], 64)
				if err != nil {
					return ""
				}
				m[i] = f
			}
			if math.Abs(m[0]*m[3]-m[1]*m[2]) < minScale*minScale {
				return "scaled to nothing"
			}
		}
	case "translate", "translatex", "translatey", "translate3d":
		for _, v := range a {
			if px, ok := length(v, fontPx); ok && px <= -offscreenPx {
				return "off-screen"
			}
		}
	}
	return ""
}

// clipped reports a clip or clip-path that leaves nothing to see.
func clipped(d map[string]string, fontPx float64) bool {
	for _, f := range reCSSFunc.FindAllStringSubmatch(d["clip"], -1) {
		a := args(f[2])
		if f[1] != "rect" || len(a) != 4 {
			continue
		}
		var v [4]float64
		for i, s := range a {
			px, ok := length(s, fontPx)
			if !ok {
				return false
			}
			v[i] = px
		}
		// rect(top, right, bottom, left)
		if (v[1]-v[3])*(v[2]-v[0]) <= 1 {
			return true
		}
	}
	for _, f := range reCSSFunc.FindAllStringSubmatch(d["clip-path"], -1) {
		a := args(f[2])
		if len(a) == 0 {
			continue
		}
		switch f[1] {
		case "inset":
			if strings.HasSuffix(a[0], "%") {
				if p, err := strconv.ParseFloat(strings.TrimSuffix(a[0], "%"), 64); err == nil && p >= 50 && len(a) == 1 {
					return true
				}
			}
		case "circle", "ellipse":
			if px, ok := length(a[0], fontPx); ok && px <= 0.5 {
				return true
			}
		}
	}
	return false
}

// args splits a function's arguments on commas, spaces and slashes.
func args(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == '/' || r == '\t' || r == '\n' })
}

// alpha reads a number or a percentage as a fraction ("0.5", "50%").
func alpha(v string) (float64, bool) {
	m := reNumber.FindStringSubmatch(strings.TrimSpace(v))
	if m == nil {
		return 0, false
	}
	f, err := strconv.ParseFloat(m[1], 64)
	if err != nil {
		return 0, false
	}
	switch m[2] {
	case "":
		return f, true
	case "%":
		return f / 100, true
	}
	return 0, false
}

// length reads a CSS length in pixels (a 1280×800 viewport for vw/vh);
// percentages and keywords are unknown.
func length(v string, fontPx float64) (float64, bool) {
	m := reNumber.FindStringSubmatch(strings.TrimSpace(v))
	if m == nil {
		return 0, false
	}
	f, err := strconv.ParseFloat(m[1], 64)
	if err != nil {
		return 0, false
	}
	switch m[2] {
	case "px":
		return f, true
	case "":
		return f, f == 0
	case "pt":
		return f * 4 / 3, true
	case "pc":
		return f * 16, true
	case "in":
		return f * 96, true
	case "cm":
		return f * 96 / 2.54, true
	case "mm":
		return f * 96 / 25.4, true
	case "em":
		return f * fontPx, true
	case "rem":
		return f * 16, true
	case "ex", "ch":
		return f * fontPx / 2, true
	case "vw", "vmax":
		return f * 12.8, true
	case "vh", "vmin":
		return f * 8, true
	}
	return 0, false
}

// fontSizes are the absolute-size keywords in pixels.
var fontSizes = map[string]float64{
	"xx-small": 9, "x-small": 10, "small": 13, "medium": 16, "large": 18, "x-large": 24, "xx-large": 32, "xxx-large": 48,
}

// fontSize reads a font-size relative to the parent's.
func fontSize(v string, parentPx float64) (float64, bool) {
	switch v {
	case "smaller":
		return parentPx / 1.2, true
	case "larger":
		return parentPx * 1.2, true
	}
	if px, ok := fontSizes[v]; ok {
		return px, true
	}
	if strings.HasSuffix(v, "%") {
		f, ok := alpha(v)
		return parentPx * f, ok
	}
	return length(v, parentPx)
}

// fontTagSizes are the sizes of <font size=1..7>.
var fontTagSizes = []string{"x-small", "small", "medium", "large", "x-large", "xx-large", "xxx-large"}

// rgba is a colour: channels 0–255, alpha 0–1.
type rgba struct{ r, g, b, a float64 }

// over composites c over an opaque background.
func (c rgba) over(bg rgba) rgba {
	return rgba{c.r*c.a + bg.r*(1-c.a), c.g*c.a + bg.g*(1-c.a), c.b*c.a + bg.b*(1-c.a), 1}
}

// contrast is the WCAG contrast ratio of two opaque colours (1 to 21).
func contrast(a, b rgba) float64 {
	la, lb := luminance(a), luminance(b)
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}

func luminance(c rgba) float64 {
	ch := func(v float64) float64 {
		v /= 255
		if v <= 0.03928 {
			return v / 12.92
		}
		return math.Pow((v+0.055)/1.055, 2.4)
	}
	return 0.2126*ch(c.r) + 0.7152*ch(c.g) + 0.0722*ch(c.b)
}

// namedColors are the CSS names pages use, including every near-white one.
var namedColors = map[string]rgba{
	"transparent": {0, 0, 0, 0}, "black": {0, 0, 0, 1}, "white": {255, 255, 255, 1},
	"red": {255, 0, 0, 1}, "green": {0, 128, 0, 1}, "blue": {0, 0, 255, 1}, "yellow": {255, 255, 0, 1},
	"navy": {0, 0, 128, 1}, "gray": {128, 128, 128, 1}, "grey": {128, 128, 128, 1}, "silver": {192, 192, 192, 1},
	"maroon": {128, 0, 0, 1}, "purple": {128, 0, 128, 1}, "teal": {0, 128, 128, 1}, "olive": {128, 128, 0, 1},
	"orange": {255, 165, 0, 1}, "lime": {0, 255, 0, 1}, "aqua": {0, 255, 255, 1}, "fuchsia": {255, 0, 255, 1},
	"darkgray": {169, 169, 169, 1}, "darkgrey": {169, 169, 169, 1}, "dimgray": {105, 105, 105, 1}, "dimgrey": {105, 105, 105, 1},
	"lightgray": {211, 211, 211, 1}, "lightgrey": {211, 211, 211, 1}, "gainsboro": {220, 220, 220, 1},
	"whitesmoke": {245, 245, 245, 1}, "snow": {255, 250, 250, 1}, "ivory": {255, 255, 240, 1},
	"ghostwhite": {248, 248, 255, 1}, "floralwhite": {255, 250, 240, 1}, "azure": {240, 255, 255, 1},
	"mintcream": {245, 255, 250, 1}, "aliceblue": {240, 248, 255, 1}, "seashell": {255, 245, 238, 1},
	"linen": {250, 240, 230, 1}, "honeydew": {240, 255, 240, 1}, "oldlace": {253, 245, 230, 1},
	"lavenderblush": {255, 240, 245, 1}, "beige": {245, 245, 220, 1}, "cornsilk": {255, 248, 220, 1},
	"lightyellow": {255, 255, 224, 1}, "lightcyan": {224, 255, 255, 1}, "lavender": {230, 230, 250, 1},
}

// parseColor reads a CSS colour; currentColor, inherit and unknown names
// are not colours.
func parseColor(v string) (rgba, bool) {
	v = strings.ToLower(strings.TrimSpace(v))
	if c, ok := namedColors[v]; ok {
		return c, true
	}
	if strings.HasPrefix(v, "#") {
		return hexColor(v[1:])
	}
	m := reCSSFunc.FindStringSubmatch(v)
	if m == nil || m[0] != v {
		return rgba{}, false
	}
	a := args(m[2])
	if len(a) < 3 || len(a) > 4 {
		return rgba{}, false
	}
	c := rgba{a: 1}
	if len(a) == 4 {
		f, ok := alpha(a[3])
		if !ok {
			return rgba{}, false
		}
		c.a = math.Max(0, math.Min(1, f))
	}
	switch m[1] {
	case "rgb", "rgba":
		var ch [3]float64
		for i := range ch {
			f, ok := alpha(a[i])
			if !ok {
				return rgba{}, false
			}
			if strings.HasSuffix(a[i], "%") {
				f *= 255
			}
			ch[i] = f
		}
		c.r, c.g, c.b = ch[0], ch[1], ch[2]
	case "hsl", "hsla":
		h, err := strconv.ParseFloat(strings.TrimSuffix(a[0], "deg"), 64)
		s, ok1 := alpha(a[1])
		l, ok2 := alpha(a[2])
		if err != nil || !ok1 || !ok2 {
			return rgba{}, false
		}
		c.r, c.g, c.b = hsl(h, s, l)
	default:
		return rgba{}, false
	}
	return c, true
}

func hexColor(h string) (rgba, bool) {
	if len(h) == 3 || len(h) == 4 {
		var b strings.Builder
		for _, r := range h {
			b.WriteRune(r)
			b.WriteRune(r)
		}
		h = b.String()
	}
	if len(h) != 6 && len(h) != 8 {
		return rgba{}, false
	}
	n, err := strconv.ParseUint(h, 16, 64)
	if err != nil {
		return rgba{}, false
	}
	if len(h) == 6 {
		n = n<<8 | 0xff
	}
	return rgba{float64(n >> 24 & 0xff), float64(n >> 16 & 0xff), float64(n >> 8 & 0xff), float64(n&0xff) / 255}, true
}

func hsl(h, s, l float64) (r, g, b float64) {
	h = math.Mod(math.Mod(h, 360)+360, 360) / 360
	f := func(n float64) float64 {
		k := math.Mod(n+h*12, 12)
		a := s * math.Min(l, 1-l)
		return 255 * (l - a*math.Max(-1, math.Min(math.Min(k-3, 9-k), 1)))
	}
	return f(0), f(8), f(4)
}

// backgroundColor is the colour of background-color or of the background
// shorthand.
func backgroundColor(d map[string]string) (rgba, bool) {
	if c, ok := parseColor(d["background-color"]); ok {
		return c, true
	}
	for _, tok := range reColorToken.FindAllString(d["background"], -1) {
		if c, ok := parseColor(tok); ok {
			return c, true
		}
	}
	return rgba{}, false
}

// sheet is a page's style rules that use simple selectors: type, .class
// and #id compounds joined by descendant or child combinators. Rules with
// other selectors (pseudo-classes, attributes, siblings) are ignored, so
// that text shown on hover or by a script is never dropped.
type sheet struct {
	rules []cssRule
	index map[string][]int // "#id", ".class" or "tag" of the rule's subject → rules
}

type cssRule struct {
	parts []compound // left to right; the last is the subject
	child []bool     // child[i]: parts[i] is the parent (not any ancestor) of parts[i+1]
	decls map[string]string
}

type compound struct {
	tag, id string
	classes []string
}

// maxRules bounds the rules read from one page.
const maxRules = 10000

// readSheet reads the page's <style> blocks.
func readSheet(root *xhtml.Node) *sheet {
	sh := &sheet{index: map[string][]int{}}
	findAll(root, func(n *xhtml.Node) bool { return n.DataAtom == atom.Style }, func(n *xhtml.Node) {
		css := textOf(n)
		if len(css) > 1<<20 {
			css = css[:1<<20]
		}
		for _, m := range reCSSRule.FindAllStringSubmatch(css, maxRules) {
			decls := parseDecls(m[2])
			if len(decls) == 0 {
				continue
			}
			for _, sel := range strings.Split(m[1], ",") {
				r, ok := parseSelector(sel)
				if !ok || len(sh.rules) >= maxRules {
					continue
				}
				r.decls = decls
				key := r.parts[len(r.parts)-1].key()
				sh.index[key] = append(sh.index[key], len(sh.rules))
				sh.rules = append(sh.rules, r)
			}
		}
	})
	return sh
}

func parseSelector(sel string) (cssRule, bool) {
	sel = strings.ReplaceAll(strings.TrimSpace(sel), ">", " > ")
	var r cssRule
	child := false
	for _, tok := range strings.Fields(sel) {
		if tok == ">" {
			if len(r.parts) == 0 || child {
				return cssRule{}, false
			}
			child = true
			continue
		}
		m := reCompound.FindStringSubmatch(tok)
		if m == nil || m[0] == "" {
			return cssRule{}, false
		}
		c := compound{tag: strings.ToLower(m[1])}
		for _, p := range reSimple.FindAllString(m[2], -1) {
			if p[0] == '#' {
				c.id = p[1:]
			} else {
				c.classes = append(c.classes, p[1:])
			}
		}
		if len(r.parts) > 0 {
			r.child = append(r.child, child)
		}
		r.parts = append(r.parts, c)
		child = false
	}
	return r, len(r.parts) > 0 && !child
}

func (c compound) key() string {
	switch {
	case c.id != "":
		return "#" + c.id
	case len(c.classes) > 0:
		return "." + c.classes[0]
	}
	return c.tag
}

func (c compound) matches(n *xhtml.Node) bool {
	if n == nil || n.Type != xhtml.ElementNode {
		return false
	}
	if c.tag != "" && c.tag != n.Data {
		return false
	}
	if c.id != "" && attr(n, "id") != c.id {
		return false
	}
	classes := strings.Fields(attr(n, "class"))
	for _, want := range c.classes {
		found := false
		for _, have := range classes {
			if have == want {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

func (r cssRule) matches(n *xhtml.Node) bool {
	last := len(r.parts) - 1
	if !r.parts[last].matches(n) {
		return false
	}
	for i := last - 1; i >= 0; i-- {
		n = n.Parent
		if r.child[i] {
			if !r.parts[i].matches(n) {
				return false
			}
			continue
		}
		for n != nil && !r.parts[i].matches(n) {
			n = n.Parent
		}
		if n == nil {
			return false
		}
	}
	return true
}

// declarations are n's presentational attributes, then its matching rules
// in page order, then its inline style.
func (sh *sheet) declarations(n *xhtml.Node) map[string]string {
	d := map[string]string{}
	if n.DataAtom == atom.Font {
		if c := attr(n, "color"); c != "" {
			d["color"] = strings.ToLower(c)
		}
		if s, err := strconv.Atoi(strings.TrimSpace(attr(n, "size"))); err == nil {
			d["font-size"] = fontTagSizes[max(1, min(7, s))-1]
		}
	}
	if c := attr(n, "bgcolor"); c != "" {
		d["background-color"] = strings.ToLower(c)
	}
	var hits []int
	for _, key := range ruleKeys(n) {
		for _, i := range sh.index[key] {
			if sh.rules[i].matches(n) {
				hits = append(hits, i)
			}
		}
	}
	sort.Ints(hits)
	for _, i := range hits {
		for k, v := range sh.rules[i].decls {
			d[k] = v
		}
	}
	for k, v := range parseDecls(attr(n, "style")) {
		d[k] = v
	}
	return d
}

// ruleKeys are the index keys under which rules for n may be found.
func ruleKeys(n *xhtml.Node) []string {
	keys := []string{n.Data}
	if id := attr(n, "id"); id != "" {
		keys = append(keys, "#"+id)
	}
	seen := map[string]bool{}
	for _, c := range strings.Fields(attr(n, "class")) {
		if !seen[c] {
			seen[c] = true
			keys = append(keys, "."+c)
		}
	}
	return keys
}
