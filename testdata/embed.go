// Package testdata embeds the bundled knowledge base (testdata/kb), so that
// `answerdesk demo` works from the binary alone.
package testdata

import (
	"embed"
	"io/fs"
	"os"
	"path/filepath"
)

// KB holds kb/: the Lumen hub docs and FAQ under kb/docs, and the eval
// queries in kb/queries.jsonl.
//
//go:embed kb
var KB embed.FS

// WriteKB writes the bundled knowledge base to dir, as files: kb/docs
// becomes dir/docs.
func WriteKB(dir string) error {
	kb, err := fs.Sub(KB, "kb")
	if err != nil {
		return err
	}
	return fs.WalkDir(kb, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		target := filepath.Join(dir, filepath.FromSlash(p))
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		b, err := fs.ReadFile(kb, p)
		if err != nil {
			return err
		}
		return os.WriteFile(target, b, 0o644)
	})
}
