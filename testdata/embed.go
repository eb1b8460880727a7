// Package testdata embeds the bundled knowledge base (testdata/kb), so that
// `answerdesk demo` works from the binary alone.
package testdata

import "embed"

// KB holds kb/: the Lumen hub docs and FAQ under kb/docs, and the eval
// queries in kb/queries.jsonl.
//
//go:embed kb
var KB embed.FS
