package eval

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func emailSuite() *Suite {
	s := &Suite{Name: "s"}
	texts := map[string]string{"en": "How do I reset device %d?", "ru": "Как сбросить устройство %d?", "zh": "怎么重置设备%d？", "de": "Wie setze ich Gerät %d zurück?"}
	for i := range 40 {
		lang := []string{"en", "ru", "zh", "de"}[i%4]
		q := Query{ID: fmt.Sprint(i), Text: fmt.Sprintf(texts[lang], i), Lang: lang, Answerable: i%3 != 0, Meta: map[string]any{"n": i}}
		if q.Answerable {
			q.Relevant = []string{"reset"}
		}
		s.Queries = append(s.Queries, q)
	}
	return s
}

// TestEmailWrapsKeepingLabels: an emailed question keeps its id, language,
// labels and meta (plus "email"), holds the question on a line of its own
// above one quote header of its language, and quotes another question of
// the suite below the header; other languages and the suite given stay as
// they were; the same seed writes the same emails, another seed others.
func TestEmailWrapsKeepingLabels(t *testing.T) {
	s, orig := emailSuite(), emailSuite()
	out, err := Email{Fraction: 1, Seed: 3}.Apply(s)
	if err != nil {
		t.Fatal(err)
	}
	if !cmp.Equal(s, orig) {
		t.Fatal("Apply changed the suite it was given")
	}
	for i, q := range out.Queries {
		o := orig.Queries[i]
		if q.ID != o.ID || q.Lang != o.Lang || q.Answerable != o.Answerable || !cmp.Equal(q.Relevant, o.Relevant) || q.Meta["n"] != o.Meta["n"] {
			t.Errorf("%s: labels changed: %+v -> %+v", o.ID, o, q)
		}
		if o.Lang == "de" {
			if q.Text != o.Text || q.Meta["email"] != nil {
				t.Errorf("%s: a language without an email lexicon was rewritten: %q", o.ID, q.Text)
			}
			continue
		}
		lex := emailLexicons[o.Lang]
		header := -1
		for _, h := range lex.headers {
			if k := strings.Index(q.Text, strings.SplitN(fmt.Sprintf(h, lex.support), "\n", 2)[0]); k >= 0 {
				if header >= 0 {
					t.Errorf("%s: two quote headers in %q", o.ID, q.Text)
				}
				header = k
			}
		}
		own := strings.Index(q.Text, "\n"+o.Text+"\n")
		if header < 0 || own < 0 || own > header || q.Meta["email"] != true {
			t.Fatalf("%s: %q: want the question on a line of its own above a quote header of %s, meta email", o.ID, q.Text, o.Lang)
		}
		quoted := false
		for j, other := range orig.Queries {
			quoted = quoted || (j != i && strings.Contains(q.Text[header:], other.Text))
		}
		if !quoted || strings.Contains(q.Text[header:], o.Text) {
			t.Errorf("%s: the quoted reply of %q does not name another question of the suite", o.ID, q.Text)
		}
	}
	again, _ := Email{Fraction: 1, Seed: 3}.Apply(emailSuite())
	other, _ := Email{Fraction: 1, Seed: 4}.Apply(emailSuite())
	if !cmp.Equal(again.Queries, out.Queries) || cmp.Equal(other.Queries, out.Queries) {
		t.Error("the same seed does not write the same emails, or another seed writes the same")
	}
	if half, _ := (Email{Fraction: 0.5, Seed: 3}).Apply(emailSuite()); cmp.Equal(half.Queries, out.Queries) || cmp.Equal(half.Queries, orig.Queries) {
		t.Error("fraction 0.5 rewrote every question or none")
	}
	if _, err := (Email{Fraction: 1.5}).Apply(s); err == nil {
		t.Error("fraction 1.5 accepted")
	}
}
