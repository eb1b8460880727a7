// Package html loads HTML pages (help-centre articles, exported wikis) as
// ingest documents: the main content only, with headings as the heading path
// and tables as rows under their header.
//
// Navigation, headers, footers, asides, forms, scripts, styles, templates and
// comments are dropped, and so is text a reader cannot see. Each element's
// style is computed from its presentational attributes (<font color>,
// bgcolor), the page's own <style> rules with simple selectors (type, class
// and id compounds, descendant and child combinators; rules with
// pseudo-classes or attribute selectors are ignored so that nothing shown on
// hover is lost) and its inline style, and inherited down the tree (css.go).
// Dropped: the hidden attribute and aria-hidden, display:none,
// content-visibility:hidden, visibility:hidden (unless a child restores it),
// effective opacity under 0.1 (opacity and filter:opacity multiply down the
// tree), text under 5 CSS pixels (relative sizes compound), transparent text,
// text whose contrast with the background it is drawn on is under 1.2 (white
// on a white page, a colour on a box of the same colour; white on a dark page
// stays), scale or zoom under 0.1, clip and clip-path that leave nothing, boxes
// of at most 1 px with overflow hidden, and boxes moved 999 px or more
// off-screen (position, margins, text-indent, translate). Image alt text and
// meta tags are not content. Hidden text is a known way to plant
// instructions for a language model; what was dropped is reported in
// Document.Losses.
//
// html imports ingest and retrieval, and no other part of answerdesk.
package html
