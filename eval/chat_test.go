package eval

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func chatSuite(name string) *Suite {
	s := &Suite{Name: name}
	texts := map[string]string{"en": "How do I reset my password?", "ru": "Как сбросить пароль?", "zh": "怎么重置密码？", "de": "Wie setze ich mein Passwort zurück?"}
	for i := range 200 {
		lang := []string{"en", "ru", "zh", "de"}[i%4]
		q := Query{ID: fmt.Sprint(i), Text: texts[lang], Lang: lang, Answerable: i%3 != 0, Meta: map[string]any{"n": i}}
		if q.Answerable {
			q.Relevant = []string{"reset"}
		}
		s.Queries = append(s.Queries, q)
	}
	return s
}

// TestChatWrapsKeepingLabels: a chat-wrapped question keeps its id,
// language, labels and meta (plus "chat"), holds the original question
// (its mark perhaps dropped) with at least one wrapper of its own language
// around it; other languages and the suite given stay as they were.
func TestChatWrapsKeepingLabels(t *testing.T) {
	s := chatSuite("s")
	orig := chatSuite("s")
	out, err := Chat{Fraction: 0.5, Seed: 3}.Apply(s)
	if err != nil {
		t.Fatal(err)
	}
	if !cmp.Equal(s, orig) {
		t.Fatal("Apply changed the suite it was given")
	}
	wrapped := 0
	for i, q := range out.Queries {
		o := orig.Queries[i]
		if q.ID != o.ID || q.Lang != o.Lang || q.Answerable != o.Answerable || !cmp.Equal(q.Relevant, o.Relevant) || q.Meta["n"] != o.Meta["n"] {
			t.Errorf("%s: labels changed: %+v -> %+v", o.ID, o, q)
		}
		if q.Text == o.Text {
			if q.Meta["chat"] != nil {
				t.Errorf("%s: unchanged but marked chat", o.ID)
			}
			continue
		}
		wrapped++
		if o.Lang == "de" {
			t.Errorf("%s: a language without wrappers was wrapped: %q", o.ID, q.Text)
		}
		if q.Meta["chat"] != true {
			t.Errorf("%s: wrapped without meta chat", o.ID)
		}
		core := strings.TrimRight(o.Text, "?？")
		if !strings.Contains(q.Text, core) || len(q.Text) <= len(o.Text) {
			t.Errorf("%s: %q does not hold %q in a longer message", o.ID, q.Text, core)
		}
		lex := chatLexicons[o.Lang]
		found := false
		for _, w := range append(append(append([]string(nil), lex.greetings...), lex.context...), lex.thanks...) {
			found = found || strings.Contains(q.Text, w)
		}
		if !found {
			t.Errorf("%s: %q has no %s wrapper", o.ID, q.Text, o.Lang)
		}
	}
	// 150 questions have wrappers; about half of them are drawn.
	if wrapped < 50 || wrapped > 100 {
		t.Errorf("%d of 150 wrapped at fraction 0.5", wrapped)
	}
}

// TestChatSeeded: the same seed and suite wrap the same questions the same
// way; another seed or suite name differs; fraction 0 changes nothing and
// 1 wraps every question that has wrappers.
func TestChatSeeded(t *testing.T) {
	a, _ := Chat{Fraction: 0.5, Seed: 3}.Apply(chatSuite("s"))
	b, _ := Chat{Fraction: 0.5, Seed: 3}.Apply(chatSuite("s"))
	if !cmp.Equal(a, b) {
		t.Error("the same seed gave two wrappings")
	}
	c, _ := Chat{Fraction: 0.5, Seed: 4}.Apply(chatSuite("s"))
	d, _ := Chat{Fraction: 0.5, Seed: 3}.Apply(chatSuite("other"))
	if cmp.Equal(a.Queries, c.Queries) || cmp.Equal(a.Queries, d.Queries) {
		t.Error("another seed or suite gave the same wrapping")
	}
	none, _ := Chat{Fraction: 0, Seed: 3}.Apply(chatSuite("s"))
	if !cmp.Equal(none, chatSuite("s")) {
		t.Error("fraction 0 changed questions")
	}
	all, _ := Chat{Fraction: 1, Seed: 3}.Apply(chatSuite("s"))
	for _, q := range all.Queries {
		if (q.Meta["chat"] == true) != (q.Lang != "de") {
			t.Errorf("fraction 1: %s (%s) chat=%v", q.ID, q.Lang, q.Meta["chat"])
		}
	}
	for _, f := range []float64{-0.1, 1.5} {
		if _, err := (Chat{Fraction: f}).Apply(chatSuite("s")); err == nil {
			t.Errorf("fraction %v accepted", f)
		}
	}
}
