// Package suite reads evaluation suites — a corpus (corpus.jsonl or a docs/
// folder) and labelled questions (queries.jsonl) in the format of the shared
// datasets — and locates the shared data next to the repository. It imports
// only the standard library (none of answer, ingest, retrieval), so that the
// eval harness and every test that measures on a suite read suites alike.
package suite

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"unicode/utf8"
)

// ErrBad reports a suite directory that does not follow the suite
// format: no corpus, no queries, or a malformed queries file.
var ErrBad = errors.New("bad suite")

// Query is one labelled question of a suite.
type Query struct {
	ID   string `json:"id"`
	Text string `json:"text"`
	Lang string `json:"lang"`
	// Relevant lists the ids of the documents that answer the query; empty
	// when the query is unanswerable.
	Relevant   []string       `json:"relevant"`
	Answerable bool           `json:"answerable"`
	Meta       map[string]any `json:"meta,omitempty"`
}

// Suite is an evaluation suite read from a directory.
type Suite struct {
	// Name is the directory's base name ("stackfaq-en").
	Name string
	// Dir is the suite directory.
	Dir string
	// Corpus is the path to ingest: DIR/corpus.jsonl or the folder DIR/docs.
	Corpus string
	// Queries in file order.
	Queries []Query
	// Without lists documents of the corpus left out of the knowledge base
	// (the other half of a document split, SplitDocuments): the harness
	// deletes them after ingestion.
	Without []string
}

// IsSuite reports whether path is a suite directory: a directory with a
// queries.jsonl file. Commands given a whole datasets folder
// (../shared/datasets/*) skip what is not one (a README, a folder of
// manuals, training data), so that new suites are picked up as they come.
func IsSuite(path string) bool {
	fi, err := os.Stat(filepath.Join(path, "queries.jsonl"))
	return err == nil && fi.Mode().IsRegular()
}

// maxQueryLine bounds one line of queries.jsonl.
const maxQueryLine = 1 << 20

// Load reads the suite in dir. The corpus is corpus.jsonl when present,
// else the docs/ folder; queries.jsonl is parsed and validated whole, so that
// a bad line is reported with its number before anything runs.
func Load(dir string) (*Suite, error) {
	s := &Suite{Name: filepath.Base(filepath.Clean(dir)), Dir: dir}
	if fi, err := os.Stat(filepath.Join(dir, "corpus.jsonl")); err == nil && fi.Mode().IsRegular() {
		s.Corpus = filepath.Join(dir, "corpus.jsonl")
	} else if fi, err := os.Stat(filepath.Join(dir, "docs")); err == nil && fi.IsDir() {
		// A linked docs/ folder (a suite over a knowledge base kept
		// elsewhere) is walked at its target.
		if s.Corpus, err = filepath.EvalSymlinks(filepath.Join(dir, "docs")); err != nil {
			return nil, fmt.Errorf("suite %s: %w", dir, err)
		}
	} else if _, err := os.Stat(dir); err != nil {
		return nil, fmt.Errorf("suite %s: %w", dir, err)
	} else {
		return nil, fmt.Errorf("%w: %s has neither corpus.jsonl nor a docs/ folder", ErrBad, dir)
	}
	if err := s.readQueries(); err != nil {
		return nil, err
	}
	return s, nil
}

// LoadOver reads the questions of the suite in dir and takes its knowledge
// base from corpus instead — a folder of documents or a corpus.jsonl kept
// apart from the questions (a question set committed with the code, over
// documents that may not be copied into it). The suite needs no corpus of
// its own; one it has is ignored.
func LoadOver(dir, corpus string) (*Suite, error) {
	fi, err := os.Stat(corpus)
	switch {
	case err != nil:
		return nil, fmt.Errorf("suite %s: knowledge base: %w", dir, err)
	case !fi.IsDir() && !fi.Mode().IsRegular():
		return nil, fmt.Errorf("%w: knowledge base %s is neither a folder nor a file", ErrBad, corpus)
	}
	abs, err := filepath.Abs(corpus)
	if err == nil {
		abs, err = filepath.EvalSymlinks(abs)
	}
	if err != nil {
		return nil, fmt.Errorf("suite %s: knowledge base: %w", dir, err)
	}
	s := &Suite{Name: filepath.Base(filepath.Clean(dir)), Dir: dir, Corpus: abs}
	if _, err := os.Stat(dir); err != nil {
		return nil, fmt.Errorf("suite %s: %w", dir, err)
	}
	if err := s.readQueries(); err != nil {
		return nil, err
	}
	return s, nil
}

// readQueries reads DIR/queries.jsonl into s.Queries.
func (s *Suite) readQueries() error {
	dir := s.Dir
	path := filepath.Join(dir, "queries.jsonl")
	f, err := os.Open(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("%w: %s has no queries.jsonl", ErrBad, dir)
		}
		return fmt.Errorf("suite %s: %w", dir, err)
	}
	defer f.Close()
	qs, err := ReadQueries(f)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	s.Queries = qs
	return nil
}

// ReadQueries parses and validates queries in the suite's JSON Lines format:
// every query has a unique id and non-empty text; an answerable query names
// at least one relevant document and an unanswerable one names none.
func ReadQueries(r io.Reader) ([]Query, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), maxQueryLine)
	var qs []Query
	seen := map[string]int{}
	n := 0
	for sc.Scan() {
		n++
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		if n == 1 {
			line = bytes.TrimPrefix(line, []byte("\xef\xbb\xbf"))
		}
		if !utf8.Valid(line) {
			return nil, fmt.Errorf("%w: line %d: invalid UTF-8", ErrBad, n)
		}
		var q Query
		dec := json.NewDecoder(bytes.NewReader(line))
		if err := dec.Decode(&q); err != nil {
			return nil, fmt.Errorf("%w: line %d: %v", ErrBad, n, err)
		}
		if dec.More() {
			return nil, fmt.Errorf("%w: line %d: more than one JSON value", ErrBad, n)
		}
		switch {
		case strings.TrimSpace(q.ID) == "":
			return nil, fmt.Errorf("%w: line %d: query has no \"id\"", ErrBad, n)
		case strings.TrimSpace(q.Text) == "":
			return nil, fmt.Errorf("%w: line %d: query %q has no \"text\"", ErrBad, n, q.ID)
		case q.Answerable && len(q.Relevant) == 0:
			return nil, fmt.Errorf("%w: line %d: query %q is answerable but lists no relevant document", ErrBad, n, q.ID)
		case !q.Answerable && len(q.Relevant) > 0:
			return nil, fmt.Errorf("%w: line %d: query %q is unanswerable but lists relevant documents", ErrBad, n, q.ID)
		}
		if prev, dup := seen[q.ID]; dup {
			return nil, fmt.Errorf("%w: line %d: query id %q already on line %d", ErrBad, n, q.ID, prev)
		}
		seen[q.ID] = n
		qs = append(qs, q)
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return nil, fmt.Errorf("%w: line %d: longer than %d bytes", ErrBad, n+1, maxQueryLine)
		}
		return nil, fmt.Errorf("read queries: %w", err)
	}
	if len(qs) == 0 {
		return nil, fmt.Errorf("%w: no queries", ErrBad)
	}
	return qs, nil
}

// CorpusHash returns a hex SHA-256 over the corpus: for a docs/ folder,
// every regular, non-hidden file's relative path and content in path order.
// It keys a cached index of the corpus.
func (s *Suite) CorpusHash() (string, error) {
	h := sha256.New()
	fi, err := os.Stat(s.Corpus)
	if err != nil {
		return "", fmt.Errorf("hash corpus: %w", err)
	}
	if !fi.IsDir() {
		if err := hashFile(h, s.Corpus, filepath.Base(s.Corpus)); err != nil {
			return "", err
		}
		return hex.EncodeToString(h.Sum(nil)), nil
	}
	var files []string
	err = filepath.WalkDir(s.Corpus, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if p != s.Corpus && strings.HasPrefix(d.Name(), ".") {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if d.Type().IsRegular() {
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		return "", fmt.Errorf("hash corpus: %w", err)
	}
	sort.Strings(files)
	for _, p := range files {
		rel, _ := filepath.Rel(s.Corpus, p)
		if err := hashFile(h, p, filepath.ToSlash(rel)); err != nil {
			return "", err
		}
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

func hashFile(h io.Writer, path, name string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("hash corpus: %w", err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return fmt.Errorf("hash corpus: %w", err)
	}
	fmt.Fprintf(h, "%s\x00%d\x00", name, fi.Size())
	if _, err := io.Copy(h, f); err != nil {
		return fmt.Errorf("hash corpus %s: %w", path, err)
	}
	return nil
}
