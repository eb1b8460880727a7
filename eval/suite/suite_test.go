package suite

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/answerdesk/answerdesk/eval/suite/suitetest"
)

func TestLoad(t *testing.T) {
	dir := suitetest.Write(t, map[string]string{"corpus.jsonl": `{"id":"a","text":"x"}`, "queries.jsonl": suitetest.Queries})
	s, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if s.Name != filepath.Base(dir) || s.Corpus != filepath.Join(dir, "corpus.jsonl") || len(s.Queries) != 2 || !s.Queries[0].Answerable {
		t.Errorf("suite = %+v", s)
	}
	h1, err := s.CorpusHash()
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "corpus.jsonl"), []byte(`{"id":"a","text":"y"}`), 0o644)
	if h2, _ := s.CorpusHash(); h2 == h1 {
		t.Error("corpus hash did not change with the corpus")
	}

	docs := suitetest.Write(t, map[string]string{"docs/a.md": "# A", "docs/sub/b.md": "# B", "docs/.hidden": "x", "queries.jsonl": suitetest.Queries})
	s, err = Load(docs)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(s.Corpus, "docs") {
		t.Errorf("corpus = %s, want the docs folder", s.Corpus)
	}
	h1, _ = s.CorpusHash()
	os.WriteFile(filepath.Join(docs, "docs/.hidden"), []byte("changed"), 0o644)
	if h2, _ := s.CorpusHash(); h2 != h1 {
		t.Error("a hidden file changed the corpus hash")
	}
	os.WriteFile(filepath.Join(docs, "docs/sub/b.md"), []byte("# B2"), 0o644)
	if h2, _ := s.CorpusHash(); h2 == h1 {
		t.Error("corpus hash did not change with a document")
	}

	// A linked docs/ folder is followed.
	linked := t.TempDir()
	os.WriteFile(filepath.Join(linked, "queries.jsonl"), []byte(suitetest.Queries), 0o644)
	if err := os.Symlink(filepath.Join(docs, "docs"), filepath.Join(linked, "docs")); err != nil {
		t.Skip("no symlinks:", err)
	}
	s, err = Load(linked)
	if err != nil {
		t.Fatal(err)
	}
	if want, _ := filepath.EvalSymlinks(filepath.Join(docs, "docs")); s.Corpus != want {
		t.Errorf("corpus = %s, want %s", s.Corpus, want)
	}
}

func TestLoadSuiteErrors(t *testing.T) {
	corpus := `{"id":"a","text":"x"}`
	tests := []struct {
		name  string
		files map[string]string
		want  string
	}{
		{"no corpus", map[string]string{"queries.jsonl": suitetest.Queries}, "neither corpus.jsonl nor a docs/ folder"},
		{"no queries", map[string]string{"corpus.jsonl": corpus}, "no queries.jsonl"},
		{"empty queries", map[string]string{"corpus.jsonl": corpus, "queries.jsonl": "\n\n"}, "no queries"},
		{"bad json", map[string]string{"corpus.jsonl": corpus, "queries.jsonl": suitetest.Queries + "{oops\n"}, "line 3"},
		{"no id", map[string]string{"corpus.jsonl": corpus, "queries.jsonl": `{"text":"x","answerable":false}`}, `no "id"`},
		{"no text", map[string]string{"corpus.jsonl": corpus, "queries.jsonl": `{"id":"x","text":"  ","answerable":false}`}, `no "text"`},
		{"answerable without relevant", map[string]string{"corpus.jsonl": corpus, "queries.jsonl": `{"id":"x","text":"t","answerable":true}`}, "lists no relevant"},
		{"unanswerable with relevant", map[string]string{"corpus.jsonl": corpus, "queries.jsonl": `{"id":"x","text":"t","relevant":["a"]}`}, "unanswerable but lists"},
		{"duplicate id", map[string]string{"corpus.jsonl": corpus, "queries.jsonl": suitetest.Queries + `{"id":"q1","text":"t","answerable":false}`}, "already on line 1"},
		{"two values", map[string]string{"corpus.jsonl": corpus, "queries.jsonl": `{"id":"x","text":"t"} {"id":"y"}`}, "more than one JSON value"},
		{"invalid utf-8", map[string]string{"corpus.jsonl": corpus, "queries.jsonl": "{\"id\":\"x\",\"text\":\"\xff\"}"}, "invalid UTF-8"},
		{"huge line", map[string]string{"corpus.jsonl": corpus, "queries.jsonl": `{"id":"x","text":"` + strings.Repeat("a", maxQueryLine) + `"}`}, "longer than"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load(suitetest.Write(t, tt.files))
			if !errors.Is(err, ErrBad) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want ErrBad mentioning %q", err, tt.want)
			}
		})
	}
	if _, err := Load(filepath.Join(t.TempDir(), "missing")); err == nil {
		t.Error("a missing directory loads")
	}
}

func TestIsSuite(t *testing.T) {
	suite := suitetest.Write(t, map[string]string{"corpus.jsonl": `{"id":"a","text":"t"}`, "queries.jsonl": suitetest.Queries})
	other := suitetest.Write(t, map[string]string{"md/manual.md": "# Manual", "README.md": "not a suite"})
	for _, tt := range []struct {
		path string
		want bool
	}{
		{suite, true}, {other, false}, {filepath.Join(other, "README.md"), false}, {filepath.Join(other, "missing"), false},
	} {
		if got := IsSuite(tt.path); got != tt.want {
			t.Errorf("IsSuite(%s) = %v, want %v", tt.path, got, tt.want)
		}
	}
}

func TestLoadOver(t *testing.T) {
	kb := suitetest.Write(t, map[string]string{"docs/a.md": "# A\n\nalpha", "corpus.jsonl": `{"id":"a","text":"t"}`})
	// A folder of questions only: its knowledge base comes from elsewhere.
	questions := suitetest.Write(t, map[string]string{"queries.jsonl": suitetest.Queries})
	if _, err := Load(questions); !errors.Is(err, ErrBad) {
		t.Fatalf("questions alone load as a suite: %v", err)
	}
	for _, corpus := range []string{filepath.Join(kb, "docs"), filepath.Join(kb, "corpus.jsonl")} {
		s, err := LoadOver(questions, corpus)
		if err != nil {
			t.Fatal(err)
		}
		want, _ := filepath.EvalSymlinks(corpus)
		if s.Corpus != want || s.Name != filepath.Base(questions) || len(s.Queries) != 2 {
			t.Errorf("LoadOver(%s) = corpus %s, name %s, %d queries", corpus, s.Corpus, s.Name, len(s.Queries))
		}
		if _, err := s.CorpusHash(); err != nil {
			t.Errorf("hash of %s: %v", corpus, err)
		}
	}
	// The suite's own corpus is ignored.
	own := suitetest.Write(t, map[string]string{"corpus.jsonl": `{"id":"b","text":"t"}`, "queries.jsonl": suitetest.Queries})
	if s, err := LoadOver(own, filepath.Join(kb, "docs")); err != nil || filepath.Base(s.Corpus) != "docs" {
		t.Errorf("LoadOver over a suite with a corpus: %+v, %v", s, err)
	}
	for name, tc := range map[string]struct{ dir, corpus, want string }{
		"missing knowledge base": {questions, filepath.Join(kb, "nope"), "knowledge base"},
		"missing questions":      {filepath.Join(kb, "nope"), filepath.Join(kb, "docs"), "nope"},
		"no queries.jsonl":       {kb, filepath.Join(kb, "docs"), "no queries.jsonl"},
	} {
		if _, err := LoadOver(tc.dir, tc.corpus); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want one mentioning %q", name, err, tc.want)
		}
	}
}
