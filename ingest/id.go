package ingest

import (
	"path"
	"strings"
)

// DocIDs returns the default document id of each path (slash-separated,
// relative to the ingested root, an archive or an upload): the path without
// its extension, unless another path of the same set has the same stem
// ("billing.md" and "billing.txt"), in which case each of them keeps its
// extension so that neither overwrites the other. The result depends only
// on the set, so that re-ingesting the same files yields the same ids.
func DocIDs(paths []string) []string {
	stems := make(map[string]int, len(paths))
	for _, p := range paths {
		stems[stem(p)]++
	}
	ids := make([]string, len(paths))
	for i, p := range paths {
		if s := stem(p); stems[s] > 1 {
			ids[i] = p
		} else {
			ids[i] = s
		}
	}
	return ids
}

func stem(p string) string { return strings.TrimSuffix(p, path.Ext(p)) }
