package html

import (
	"strings"
	"testing"
)

// hiddenVariants are ways a page hides text from its readers while keeping
// it in the markup: the forms of issue 11 first, then our own variants.
// Each body holds SECRET, which must not reach the document.
var hiddenVariants = []struct{ name, body string }{
	{"font-size 1px", `<p style="font-size:1px">SECRET</p>`},
	{"font-size 0.5pt", `<p style="font-size:0.5pt">SECRET</p>`},
	{"font-size 0.1em", `<p style="font-size:.1em">SECRET</p>`},
	{"font-size 2%", `<p style="font-size:2%">SECRET</p>`},
	{"font-size shrinks through nesting", `<div style="font-size:25%"><p style="font-size:25%">SECRET</p></div>`},
	{"font-size 0 on a parent", `<div style="font-size:0"><b>SECRET</b></div>`},
	{"colour transparent", `<p style="color:transparent">SECRET</p>`},
	{"colour rgba alpha 0", `<p style="color:rgba(0,0,0,0)">SECRET</p>`},
	{"colour hex alpha 0", `<p style="color:#00000000">SECRET</p>`},
	{"colour hsla alpha 0", `<p style="color:hsla(0, 0%, 0%, 0)">SECRET</p>`},
	{"text fill transparent", `<p style="-webkit-text-fill-color:transparent">SECRET</p>`},
	{"opacity 0", `<p style="opacity:0">SECRET</p>`},
	{"opacity 0.01", `<p style="opacity:0.01">SECRET</p>`},
	{"opacity 0%", `<p style="opacity:0%">SECRET</p>`},
	{"opacity multiplies through nesting", `<div style="opacity:.2"><p style="opacity:.2">SECRET</p></div>`},
	{"filter opacity", `<p style="filter:opacity(0)">SECRET</p>`},
	{"transform scale(0)", `<p style="transform:scale(0)">SECRET</p>`},
	{"transform scale(0.001)", `<p style="transform: scale(0.001, 1)">SECRET</p>`},
	{"transform scaleY(0)", `<p style="transform:rotate(3deg) scaleY(0)">SECRET</p>`},
	{"transform matrix", `<p style="transform:matrix(0,0,0,0,0,0)">SECRET</p>`},
	{"scale property", `<p style="scale:0">SECRET</p>`},
	{"translate off-screen", `<p style="transform:translateX(-9999px)">SECRET</p>`},
	{"font white on white page", `<font color="white">SECRET</font>`},
	{"font #fff on bgcolor white", `<font color="#ffffff">SECRET</font>`},
	{"white inherited from a parent", `<div style="color:#fff"><p>SECRET</p></div>`},
	{"near-white on white", `<p style="color:#fdfdfd">SECRET</p>`},
	{"colour equals a named background", `<p style="color:whitesmoke;background:whitesmoke">SECRET</p>`},
	{"colour equals the page background", `<style>body{background:#f5f5f5}</style><p style="color:rgb(245, 245, 245)">SECRET</p>`},
	{"colour equals a parent background", `<div style="background-color:#123456"><p><span style="color:#123456">SECRET</span></p></div>`},
	{"class display none", `<style>.hidden{display:none}</style><p class="hidden">SECRET</p>`},
	{"tag.class rule", `<style>p.note { display: none !important; }</style><p class="note">SECRET</p>`},
	{"descendant rule", `<style>.faq .a{visibility:hidden}</style><div class="faq"><p class="a">SECRET</p></div>`},
	{"child rule", `<style>div > .a{opacity:0}</style><div><p class="a">SECRET</p></div>`},
	{"compound classes", `<style>.x.y{display:none}</style><p class="y x">SECRET</p>`},
	{"rule inside @media", `<style>@media screen { .m { display:none } }</style><p class="m">SECRET</p>`},
	{"rule tiny font", `<style>.t{font-size:1px}</style><p class="t">SECRET</p>`},
	{"rule colour on body", `<style>body{background:#fff} .w{color:#fff}</style><p class="w">SECRET</p>`},
	{"id rule text-indent", `<style>#s{text-indent:-9999px}</style><p id="s">SECRET</p>`},
	{"visibility hidden", `<p style="visibility:hidden">SECRET</p>`},
	{"visibility collapse", `<p style="visibility:collapse">SECRET</p>`},
	{"zero size overflow hidden", `<div style="width:0;height:0;overflow:hidden">SECRET</div>`},
	{"zero height overflow hidden", `<div style="height:0px;overflow:hidden">SECRET</div>`},
	{"one pixel box overflow clip", `<div style="width:1px;height:1px;overflow:clip">SECRET</div>`},
	{"max-height 0 overflow-y hidden", `<div style="max-height:0;overflow-y:hidden">SECRET</div>`},
	{"off-screen left", `<p style="position:absolute;left:-9999px">SECRET</p>`},
	{"off-screen top", `<p style="position:fixed;top:-10000px">SECRET</p>`},
	{"off-screen right", `<p style="position:absolute;right:-9999px">SECRET</p>`},
	{"off-screen in em", `<p style="position:absolute;left:-999em">SECRET</p>`},
	{"off-screen in vw", `<p style="position:absolute;left:-100vw">SECRET</p>`},
	{"margin off-screen", `<p style="margin-left:-9999px">SECRET</p>`},
	{"text-indent -9999px", `<p style="text-indent:-9999px">SECRET</p>`},
	{"text-indent -100em", `<p style="text-indent:-100em">SECRET</p>`},
	{"clip rect zero", `<p style="position:absolute;clip:rect(0 0 0 0)">SECRET</p>`},
	{"clip rect one pixel", `<p style="position:absolute;clip:rect(1px, 1px, 1px, 1px)">SECRET</p>`},
	{"clip-path inset", `<p style="clip-path:inset(50%)">SECRET</p>`},
	{"clip-path circle 0", `<p style="clip-path:circle(0)">SECRET</p>`},
	{"content-visibility", `<p style="content-visibility:hidden">SECRET</p>`},
	{"zoom", `<p style="zoom:1%">SECRET</p>`},
	{"uppercase declaration", `<p style="DISPLAY:NONE">SECRET</p>`},
	{"hidden heading", `<h2 style="font-size:1px">SECRET</h2>`},
	{"hidden table cell", `<table><tr><th>Plan</th><th>Price</th></tr><tr><td>Basic</td><td><span style="color:transparent">SECRET</span> 5 EUR</td></tr></table>`},
}

func TestHiddenVariants(t *testing.T) {
	caught := 0
	for _, tc := range hiddenVariants {
		t.Run(tc.name, func(t *testing.T) {
			doc, err := load(t, `<html><body><p>Visible answer.</p>`+tc.body+`</body></html>`)
			if err != nil {
				t.Fatal(err)
			}
			text := allText(doc)
			if strings.Contains(text, "SECRET") {
				t.Errorf("hidden text leaked: %q", text)
				return
			}
			if !strings.Contains(text, "Visible answer.") {
				t.Errorf("visible text lost: %q", text)
				return
			}
			if len(doc.Losses) == 0 {
				t.Errorf("no loss reported for the dropped text")
			}
			caught++
		})
	}
	t.Logf("hidden-text variants caught: %d of %d", caught, len(hiddenVariants))
}

// TestVisibleVariants: text that looks like the hidden forms but is
// readable stays in the document.
func TestVisibleVariants(t *testing.T) {
	tests := []struct{ name, page string }{
		{"white on a dark page", `<body style="background:#111"><p style="color:#fff">SHOWN</p></body>`},
		{"white on a dark box", `<body><div style="background:#000"><p style="color:white">SHOWN</p></div></body>`},
		{"white on a dark page via bgcolor", `<body bgcolor="black"><font color="white">SHOWN</font></body>`},
		{"dark text in a white-text box", `<body><div style="color:#fff"><p style="color:#222">SHOWN</p></div></body>`},
		{"small but readable", `<body><p style="font-size:11px">SHOWN</p><p style="font-size:small">SHOWN</p></body>`},
		{"relative sizes", `<body><div style="font-size:80%"><p style="font-size:0.9em">SHOWN</p></div></body>`},
		{"font tag", `<body><font color="navy" size="1">SHOWN</font></body>`},
		{"faint but visible", `<body><p style="opacity:0.6">SHOWN</p><p style="color:#777">SHOWN</p></body>`},
		{"scaled up", `<body><p style="transform:scale(1.5) rotate(2deg)">SHOWN</p></body>`},
		{"indented", `<body><p style="text-indent:2em">SHOWN</p><p style="position:relative;left:-10px">SHOWN</p></body>`},
		{"tall box with overflow hidden", `<body><div style="height:200px;overflow:hidden">SHOWN</div></body>`},
		{"zero width without overflow hidden", `<body><div style="width:0">SHOWN</div></body>`},
		{"descendant rule that does not match", `<head><style>.faq .a{display:none}</style></head><body><p class="a">SHOWN</p></body>`},
		{"visibility restored", `<body><div style="visibility:hidden"><p style="visibility:visible">SHOWN</p></div></body>`},
		{"rule with a pseudo-class", `<head><style>.tip:hover{display:none}</style></head><body><p class="tip">SHOWN</p></body>`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			doc, err := load(t, `<html>`+tc.page+`</html>`)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(allText(doc), "SHOWN") {
				t.Errorf("visible text dropped: %q (losses %v)", allText(doc), doc.Losses)
			}
		})
	}
}
