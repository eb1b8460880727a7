// Package html loads HTML pages (help-centre articles, exported wikis) as
// ingest documents: the main content only, with headings as the heading path
// and tables as rows under their header.
//
// Navigation, headers, footers, asides, forms, scripts, styles, templates and
// comments are dropped, and so is text a reader cannot see: elements with the
// hidden attribute or aria-hidden, display:none, visibility:hidden, zero font
// size or opacity, white or same-colour-as-background text, off-screen
// positioning, image alt text and meta tags. Hidden text is a known way to
// plant instructions for a language model; what was dropped is reported in
// Document.Losses.
//
// html imports ingest and retrieval, and no other part of answerdesk.
package html
