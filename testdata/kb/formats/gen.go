//go:build ignore

// gen writes the HTML versions of some bundled docs (as a help-centre page
// with navigation, scripts and a hidden banner around the article) and the
// plain article HTML that LibreOffice 7.4 (Debian libreoffice-writer-nogui)
// turns into PDF and DOCX:
//
//	go run testdata/kb/formats/gen.go
//	cd testdata/kb/formats && for f in troubleshooting billing; do
//	  soffice --headless --infilter="HTML (StarWriter)" --convert-to pdf:writer_pdf_Export --outdir pdf /tmp/answerdesk-kb/$f.html
//	done
//	soffice --headless --convert-to docx:"MS Word 2007 XML" --outdir docx /tmp/answerdesk-kb/billing.html
//
// Each format has its own folder so that document ids (path without
// extension) stay distinct: pdf/billing, html/billing, docx/billing.
package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
)

func main() {
	md := goldmark.New(goldmark.WithExtensions(extension.Table))
	os.MkdirAll("/tmp/answerdesk-kb", 0o755)
	for _, name := range []string{"troubleshooting", "billing"} {
		src, err := os.ReadFile(filepath.Join("testdata", "kb", "docs", "en", name+".md"))
		if err != nil {
			panic(err)
		}
		var body bytes.Buffer
		if err := md.Convert(src, &body); err != nil {
			panic(err)
		}
		title := map[string]string{"troubleshooting": "Troubleshooting", "billing": "Plans and billing"}[name]
		page := fmt.Sprintf(`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>%s · Lumen Help Centre</title>
<link rel="canonical" href="https://help.lumen.example/en/%s">
<style>.cookie-banner{display:none} body{font-family:sans-serif}</style>
<script>window.dataLayer = window.dataLayer || [];</script>
</head>
<body>
<header><a href="/">Lumen Help Centre</a> <form><input placeholder="Search"><button>Search</button></form></header>
<nav><ul><li><a href="/en/getting-started">Getting started</a></li><li><a href="/en/automations">Automations</a></li><li><a href="/en/billing">Plans and billing</a></li><li><a href="/en/troubleshooting">Troubleshooting</a></li></ul></nav>
<div class="cookie-banner">We use cookies. Accept all cookies?</div>
<main>
<article>
%s</article>
</main>
<aside><h2>Related articles</h2><ul><li>Privacy and security</li></ul></aside>
<footer>© 2026 Lumen Home Inc. · <a href="/privacy">Privacy</a></footer>
<script>trackPageView("%s");</script>
</body>
</html>
`, title, name, body.String(), name)
		if err := os.WriteFile(filepath.Join("testdata", "kb", "formats", "html", name+".html"), []byte(page), 0o644); err != nil {
			panic(err)
		}
		plain := fmt.Sprintf("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>%s</title></head><body>\n%s</body></html>\n", title, body.String())
		if err := os.WriteFile(filepath.Join("/tmp/answerdesk-kb", name+".html"), []byte(plain), 0o644); err != nil {
			panic(err)
		}
	}
}
