package suite

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"strings"
)

// DocumentLangs reads the id and language ("lang", "" when absent) of
// every document of a corpus.jsonl suite. A suite with a docs/ folder has
// no recorded languages: that is an error.
func (s *Suite) DocumentLangs() (map[string]string, error) {
	docs, err := s.documents()
	if err != nil {
		return nil, err
	}
	out := make(map[string]string, len(docs))
	for id, d := range docs {
		out[id] = d.Lang
	}
	return out, nil
}

// document is what the pairing and the split read of a corpus document.
type document struct{ Lang, Title string }

// documents reads the id, language and title of every document of a
// corpus.jsonl suite; a docs/ folder is an error.
func (s *Suite) documents() (map[string]document, error) {
	if !strings.HasSuffix(s.Corpus, ".jsonl") {
		return nil, fmt.Errorf("%w: suite %s: document languages need a corpus.jsonl, not a docs/ folder", ErrBad, s.Name)
	}
	f, err := os.Open(s.Corpus)
	if err != nil {
		return nil, fmt.Errorf("suite %s: %w", s.Name, err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 64<<20)
	out := map[string]document{}
	for n := 1; sc.Scan(); n++ {
		line := bytes.TrimPrefix(bytes.TrimSpace(sc.Bytes()), []byte("\xef\xbb\xbf"))
		if len(line) == 0 {
			continue
		}
		var d struct{ ID, Lang, Title string }
		if err := json.Unmarshal(line, &d); err != nil {
			return nil, fmt.Errorf("%w: %s line %d: %v", ErrBad, s.Corpus, n, err)
		}
		out[d.ID] = document{Lang: d.Lang, Title: d.Title}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("suite %s: read corpus: %w", s.Name, err)
	}
	return out, nil
}

// Parallel returns the suite that asks the questions of q against the
// corpus of c, two suites that translate each other (XQuAD's xquad-en,
// xquad-ru and xquad-zh): a document of one is the document of the other
// with the same id but for its language suffix ("xq-a0-p0-en" and
// "xq-a0-p0-ru"). The relevant documents of each question are mapped so;
// one without a counterpart in c is an error. Only the questions whose
// language is not the language of c's documents are kept, so the suite is
// cross-lingual; it is named "Q-on-C". The documents of c must share one
// language.
func Parallel(q, c *Suite) (*Suite, error) {
	qDocs, err := q.DocumentLangs()
	if err != nil {
		return nil, err
	}
	cDocs, err := c.DocumentLangs()
	if err != nil {
		return nil, err
	}
	docLang := ""
	byKey := make(map[string]string, len(cDocs)) // id without suffix → c's id
	for id, lang := range cDocs {
		if docLang != "" && lang != docLang || lang == "" {
			return nil, fmt.Errorf("%w: suite %s: documents in more than one language (%q, %q): cannot pair across languages", ErrBad, c.Name, docLang, lang)
		}
		docLang = lang
		byKey[parallelKey(id, lang)] = id
	}
	out := &Suite{Name: q.Name + "-on-" + c.Name, Dir: c.Dir, Corpus: c.Corpus, Without: c.Without}
	for _, x := range q.Queries {
		if x.Lang == docLang {
			continue
		}
		rel := make([]string, 0, len(x.Relevant))
		for _, d := range x.Relevant {
			lang, ok := qDocs[d]
			if !ok {
				return nil, fmt.Errorf("%w: suite %s: query %q: relevant document %q is not in its corpus", ErrBad, q.Name, x.ID, d)
			}
			id, ok := byKey[parallelKey(d, lang)]
			if !ok {
				return nil, fmt.Errorf("%w: query %q of %s: document %q has no counterpart in %s (ids must differ only by the language suffix)", ErrBad, x.ID, q.Name, d, c.Name)
			}
			rel = append(rel, id)
		}
		x.Relevant = rel
		out.Queries = append(out.Queries, x)
	}
	if len(out.Queries) == 0 {
		return nil, fmt.Errorf("%w: %s has no question in another language than %s's documents (%s)", ErrBad, q.Name, c.Name, docLang)
	}
	return out, nil
}

// parallelKey is a document id without its language suffix ("-en").
func parallelKey(id, lang string) string {
	if lang == "" {
		return id
	}
	return strings.TrimSuffix(id, "-"+lang)
}
