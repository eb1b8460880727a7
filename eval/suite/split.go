package suite

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"sort"
	"strings"
)

// SplitDocuments returns the half (0 or 1) of s that a seeded split of its
// documents by article gives: the documents of the other half are left
// out of the knowledge base (Suite.Without), and the questions kept are
// the answerable ones whose relevant documents are all in this half and
// the unanswerable ones whose id falls in it.
//
// An article is the documents sharing a title (a document without one is
// its own article), so the paragraphs of one article fall on one side. The
// side of an article, and of an unanswerable question, is a hash of the
// seed and its key — the title, the question id without its language
// suffix ("-ru") — so suites that translate each other (titles and ids
// kept across languages, as in XQuAD) split alike: a question and its
// translations, a paragraph and its translations, are on the same side in
// every suite. Fitting on one half of the parallel suites and measuring on
// the other half of a cross-lingual one thus meets no translation of what
// is measured.
func SplitDocuments(s *Suite, seed uint64, half int) (*Suite, error) {
	if half != 0 && half != 1 {
		return nil, fmt.Errorf("document split: half %d: want 0 or 1", half)
	}
	docs, err := s.documents()
	if err != nil {
		return nil, err
	}
	side := func(key string) int {
		b := binary.LittleEndian.AppendUint64(nil, seed)
		sum := sha256.Sum256(append(b, key...))
		return int(sum[0] & 1)
	}
	in := make(map[string]bool, len(docs))
	out := &Suite{Name: fmt.Sprintf("%s-half%d", s.Name, half), Dir: s.Dir, Corpus: s.Corpus, Without: append([]string(nil), s.Without...)}
	for id, d := range docs {
		key := d.Title
		if key == "" {
			key = parallelKey(id, d.Lang)
		}
		if side(key) == half {
			in[id] = true
		} else {
			out.Without = append(out.Without, id)
		}
	}
	sort.Strings(out.Without)
	for _, q := range s.Queries {
		keep := len(q.Relevant) > 0
		for _, d := range q.Relevant {
			keep = keep && in[d]
		}
		if len(q.Relevant) == 0 {
			keep = side("question\x00"+strings.TrimSuffix(q.ID, "-"+q.Lang)) == half
		}
		if keep {
			out.Queries = append(out.Queries, q)
		}
	}
	if len(out.Queries) == 0 {
		return nil, fmt.Errorf("%w: suite %s: no question left in half %d of the document split (seed %d)", ErrBad, s.Name, half, seed)
	}
	return out, nil
}
