package html

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/answerdesk/answerdesk/ingest"

	"github.com/answerdesk/answerdesk/eval/suite"
)

func src(name, body string) ingest.Source {
	return ingest.Source{
		Path: name, ID: strings.TrimSuffix(name, filepath.Ext(name)), Size: int64(len(body)),
		Open: func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader(body)), nil },
	}
}

func load(t *testing.T, body string) (ingest.Document, error) {
	t.Helper()
	docs, err := (&Loader{}).Load(context.Background(), src("page.html", body))
	if err != nil {
		return ingest.Document{}, err
	}
	return docs[0], nil
}

func TestLoadStructure(t *testing.T) {
	page := `<!doctype html><html lang="en-GB"><head><title>Lumen help: Wi-Fi</title>
<link rel="canonical" href="https://help.example/wifi"><style>.promo{display:none} #ad, .x {visibility:hidden}</style></head>
<body><header><a href="/">Home</a> | <a href="/help">Help</a></header>
<nav><ul><li>Getting started</li><li>Billing</li></ul></nav><div role="navigation">Menu</div><ol class="breadcrumb"><li>Home</li></ol>
<main>
<h1>Connecting to Wi-Fi</h1>
<p>The hub uses <b>2.4 GHz</b> networks only.</p>
<div class="promo">Buy the Pro plan now!</div><div id="ad">Ad text</div>
<h2>Status light</h2>
<table><thead><tr><th>Colour</th><th>Meaning</th></tr></thead>
<tbody><tr><td>Blue</td><td>Connected</td></tr><tr><td>Amber</td><td>No internet</td></tr></tbody></table>
<h3>Blinking</h3><ul><li>Fast blink: pairing</li><li>Slow blink: updating</li></ul>
<ol><li><p>Unplug the hub.</p></li><li>Wait</li><li></li></ol>
<h2>Reset</h2><pre>hold  button
  10 s</pre>
</main>
<footer>© Lumen Inc. <script>alert(1)</script></footer></body></html>`
	doc, err := load(t, page)
	if err != nil {
		t.Fatal(err)
	}
	want := []ingest.Section{
		{Heading: []string{"Connecting to Wi-Fi"}, Blocks: []ingest.Block{{Kind: ingest.Paragraph, Text: "The hub uses 2.4 GHz networks only."}}},
		{Heading: []string{"Connecting to Wi-Fi", "Status light"}, Blocks: []ingest.Block{{Kind: ingest.Table, Header: "Colour | Meaning", Rows: []string{"Colour: Blue; Meaning: Connected", "Colour: Amber; Meaning: No internet"}}}},
		{Heading: []string{"Connecting to Wi-Fi", "Status light", "Blinking"}, Blocks: []ingest.Block{{Kind: ingest.Paragraph, Text: "- Fast blink: pairing"}, {Kind: ingest.Paragraph, Text: "- Slow blink: updating"}, {Kind: ingest.Paragraph, Text: "1. Unplug the hub."}, {Kind: ingest.Paragraph, Text: "2. Wait"}}},
		{Heading: []string{"Connecting to Wi-Fi", "Reset"}, Blocks: []ingest.Block{{Kind: ingest.Paragraph, Text: "hold  button\n  10 s"}}},
	}
	if diff := cmp.Diff(want, doc.Sections); diff != "" {
		t.Errorf("sections (-want +got):\n%s", diff)
	}
	if doc.Title != "Lumen help: Wi-Fi" || doc.Lang != "en" || doc.URL != "https://help.example/wifi" || doc.ID != "page" || doc.Kind != "doc" {
		t.Errorf("title %q lang %q url %q id %q kind %q", doc.Title, doc.Lang, doc.URL, doc.ID, doc.Kind)
	}
	if len(doc.Losses) != 2 {
		t.Errorf("losses = %v, want 2 (stylesheet display:none and visibility:hidden)", doc.Losses)
	}
}

func TestLoadHidden(t *testing.T) {
	tests := []struct{ name, body string }{
		{"display none", `<div style="display: none !important">SECRET</div>`},
		{"visibility", `<span style="visibility:hidden">SECRET</span>`},
		{"font size zero", `<span style="font-size:0px">SECRET</span>`},
		{"opacity", `<span style="opacity:0">SECRET</span>`},
		{"white on white", `<p style="color:#FFF;background:#fff">SECRET</p>`},
		{"white no background", `<p style="color: white">SECRET</p>`},
		{"same colour", `<p style="color:#123456;background-color:#123456">SECRET</p>`},
		{"hidden attr", `<p hidden>SECRET</p>`},
		{"aria hidden", `<p aria-hidden="true">SECRET</p>`},
		{"off-screen", `<p style="position:absolute;left:-9999px">SECRET</p>`},
		{"comment", `<!-- SECRET -->`},
		{"alt", `<img src="a.png" alt="SECRET">`},
		{"noscript", `<noscript>SECRET</noscript>`},
		{"template", `<template>SECRET</template>`},
		{"class rule", `<style>.sr{display:none}</style><p class="a sr">SECRET</p>`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			doc, err := load(t, `<html><head><meta name="description" content="SECRET"></head><body><p>Visible answer.</p>`+tc.body+`</body></html>`)
			if err != nil {
				t.Fatal(err)
			}
			text := allText(doc)
			if strings.Contains(text, "SECRET") {
				t.Errorf("hidden text leaked: %q", text)
			}
			if !strings.Contains(text, "Visible answer.") {
				t.Errorf("visible text lost: %q", text)
			}
		})
	}
}

func allText(d ingest.Document) string {
	var b strings.Builder
	b.WriteString(d.Title + "\n")
	for _, s := range d.Sections {
		b.WriteString(strings.Join(s.Heading, " > ") + "\n")
		for _, bl := range s.Blocks {
			b.WriteString(bl.Text + "\n" + bl.Header + "\n" + strings.Join(bl.Rows, "\n") + "\n")
		}
	}
	return b.String()
}

func TestLoadErrors(t *testing.T) {
	if _, err := load(t, `<html><body><nav>only nav</nav><script>x()</script></body></html>`); !errors.Is(err, ingest.ErrEmpty) {
		t.Errorf("nav only: err = %v, want ErrEmpty", err)
	}
	if _, err := load(t, "\x00\x01\x02binary"); !errors.Is(err, ingest.ErrMalformed) {
		t.Errorf("binary: err = %v, want ErrMalformed", err)
	}
	l := &Loader{MaxSize: 10}
	if _, err := l.Load(context.Background(), src("big.html", "<p>more than ten bytes</p>")); !errors.Is(err, ingest.ErrTooLarge) {
		t.Errorf("big: err = %v, want ErrTooLarge", err)
	}
}

func TestCharset(t *testing.T) {
	// "Сброс" in windows-1251, declared by meta.
	body := "<html><head><meta charset=\"windows-1251\"></head><body><p>\xd1\xe1\xf0\xee\xf1</p></body></html>"
	doc, err := load(t, body)
	if err != nil {
		t.Fatal(err)
	}
	if got := doc.Sections[0].Blocks[0].Text; got != "Сброс" {
		t.Errorf("text = %q, want Сброс", got)
	}
}

func TestDeepNesting(t *testing.T) {
	// The parser refuses more than 512 open elements: a clear error.
	body := "<p>top</p>" + strings.Repeat("<div>", 5000) + "deep" + strings.Repeat("</div>", 5000)
	if _, err := load(t, body); !errors.Is(err, ingest.ErrMalformed) {
		t.Fatalf("err = %v, want ErrMalformed", err)
	}
	// Under that, deep content past our own walk limit is dropped and reported.
	body = "<p>top</p>" + strings.Repeat("<span>", 400) + "deep" + strings.Repeat("</span>", 400)
	doc, err := load(t, body)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(allText(doc), "top") || len(doc.Losses) != 1 {
		t.Errorf("text %q losses %v", allText(doc), doc.Losses)
	}
}

// TestHiddenInjectionShared: the canary hidden eight ways in the shared
// returns_policy.html never reaches the document; the visible policy does.
func TestHiddenInjectionShared(t *testing.T) {
	path := filepath.Join(sharedDir(t), "security", "generated-nasties", "hidden_injection", "returns_policy.html")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := load(t, string(data))
	if err != nil {
		t.Fatal(err)
	}
	text := allText(doc)
	for _, m := range []string{"example-attacker.com", "IMPORTANT SYSTEM NOTE", "ignore previous instructions"} {
		if strings.Contains(text, m) {
			t.Errorf("canary %q leaked: %q", m, text)
		}
	}
	for _, v := range []string{"You can return items within 30 days with a receipt.", "Refunds are issued to the original payment method within 5 business days."} {
		if !strings.Contains(text, v) {
			t.Errorf("visible %q missing: %q", v, text)
		}
	}
	t.Logf("losses: %v", doc.Losses)
}

// sharedDir is ../shared (eval/suite.SharedDir: skipped when absent,
// failed under ANSWERDESK_REQUIRE_SHARED).
func sharedDir(tb testing.TB) string { return suite.SharedDir(tb, "shared data") }

func TestBodyFallbackDropsChrome(t *testing.T) {
	doc, err := load(t, `<html><body><div role="banner">Lumen</div><div class="breadcrumb">Home › Help</div>
<div id="sidebar">Popular articles</div><div class="content"><h1>Pairing</h1><p>Reset the sensor first.</p></div>
<div role="contentinfo">© Lumen</div></body></html>`)
	if err != nil {
		t.Fatal(err)
	}
	text := allText(doc)
	for _, s := range []string{"Home › Help", "Popular articles", "© Lumen"} {
		if strings.Contains(text, s) {
			t.Errorf("chrome %q kept: %q", s, text)
		}
	}
	if !strings.Contains(text, "Reset the sensor first.") {
		t.Errorf("content lost: %q", text)
	}
}
