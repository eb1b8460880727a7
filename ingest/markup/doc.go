// Package markup turns text that may hold HTML into plain text: tags,
// comments and the content of script-like elements are removed, character
// references decoded (repeatedly, so that an encoded tag is removed as a
// tag), and script URLs dropped. Ingestion passes every document through it,
// whatever its loader, so that answers, quotes and citations built from the
// index are plain text; the answer path uses it for ticket subjects.
//
// markup imports nothing of answerdesk.
package markup
