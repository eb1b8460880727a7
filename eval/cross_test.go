package eval

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// parallelSuite writes a two-document suite in lang whose ids carry the
// language suffix, with one answerable question in lang.
func parallelSuite(t *testing.T, root, lang string) *Suite {
	t.Helper()
	dir := filepath.Join(root, "kb-"+lang)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	corpus := `{"id":"a-` + lang + `","text":"a","lang":"` + lang + `"}` + "\n" + `{"id":"b-` + lang + `","text":"b","lang":"` + lang + `"}` + "\n"
	queries := `{"id":"q-` + lang + `","text":"q","lang":"` + lang + `","relevant":["b-` + lang + `"],"answerable":true}` + "\n"
	for name, data := range map[string]string{"corpus.jsonl": corpus, "queries.jsonl": queries} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	s, err := LoadSuite(dir)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestCrossSuites(t *testing.T) {
	root := t.TempDir()
	en, ru, zh := parallelSuite(t, root, "en"), parallelSuite(t, root, "ru"), parallelSuite(t, root, "zh")
	// Leave out the pairs of a held-out ru,zh → en suite.
	held := map[string]bool{"ru>en": true, "zh>en": true}
	pairs, err := CrossSuites([]*Suite{en, ru, zh}, func(q Query, docLang string) bool { return !held[q.Lang+">"+docLang] })
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, p := range pairs {
		names = append(names, p.Name)
		if len(p.Queries) != 1 || !strings.HasSuffix(p.Queries[0].Relevant[0], p.Name[len(p.Name)-2:]) {
			t.Errorf("%s: queries %+v: the relevant document must be the corpus's", p.Name, p.Queries)
		}
	}
	want := "kb-en-on-kb-ru kb-en-on-kb-zh kb-ru-on-kb-zh kb-zh-on-kb-ru"
	if got := strings.Join(names, " "); got != want {
		t.Errorf("pairs %q, want %q", got, want)
	}
	if lang, err := DocumentLang(zh); err != nil || lang != "zh" {
		t.Errorf("DocumentLang = %q, %v", lang, err)
	}
}
