package answer

import (
	"testing"

	"github.com/answerdesk/answerdesk/retrieval"
)

func TestNamePhrases(t *testing.T) {
	type w struct {
		term string
		name bool
	}
	cases := []struct {
		text string
		want [][]w
	}{
		// A capital inside a sentence, a number, a Latin word in a
		// Russian text are names; the sentence's first word is not.
		{"Сфера Плюс работает с Apple Pay?", [][]w{{{"сфер", false}, {"плюс", true}, {"работа", false}, {"с", false}, {"appl", true}, {"pay", true}}}},
		// Punctuation ends a phrase; the word after a full stop starts a
		// sentence.
		{"the Pro plan, then. Basic plan", [][]w{{{"the", false}, {"pro", true}, {"plan", false}}, {{"basic", false}, {"plan", false}}}},
		// Chinese characters form no phrase; the Latin words and numbers
		// between them do.
		{"iPhone 15 的电池团队版", [][]w{{{"iphon", true}, {"15", true}}}},
		{"Волна-50", [][]w{{{"волн", false}, {"50", true}}}},
		// "I" is capitalized by rule, not as a name.
		{"Can I complete it", [][]w{{{"can", false}, {"i", false}, {"complet", false}, {"it", false}}}},
	}
	for _, c := range cases {
		got := namePhrases(c.text, false)
		ok := len(got) == len(c.want)
		for i := 0; ok && i < len(got); i++ {
			ok = len(got[i]) == len(c.want[i])
			for j := 0; ok && j < len(got[i]); j++ {
				ok = got[i][j].term == c.want[i][j].term && got[i][j].name == c.want[i][j].name
			}
		}
		if !ok {
			t.Errorf("namePhrases(%q) = %+v, want %+v", c.text, got, c.want)
		}
	}
}

// siblingFeature is FeatureSiblingMiss of question over hits, the first
// hit cited as the extractive composer cites it.
func siblingFeature(t *testing.T, question string, hits ...retrieval.Hit) float64 {
	t.Helper()
	for i := range hits {
		hits[i].SparseRank = i + 1
	}
	res := retrieval.Result{Terms: retrieval.DefaultAnalyzer.Terms(question), Hits: hits}
	q := newQuery(analyzeText(question), res)
	ps := newPassages(nil)
	c, ok := extract(res.Hits, q, 3, ps)
	if !ok {
		t.Fatalf("no answer composed for %q", question)
	}
	if c.cited[0].DocumentID != hits[0].DocumentID {
		t.Fatalf("%q cites %s, the test wants %s cited", question, c.cited[0].DocumentID, hits[0].DocumentID)
	}
	fs := computeFeatures(featureInput{res: res, q: q, c: c, lang: retrieval.DetectLang(question), qLength: q.all, ps: ps,
		asked: q.asked, phrases: namePhrases(question, true)})
	v, ok := featureOf(t, fs, FeatureSiblingMiss)
	if !ok {
		t.Fatalf("no %s among %v", FeatureSiblingMiss, fs)
	}
	return v
}

func TestSiblingMiss(t *testing.T) {
	basic := hitOf("basic", "Cancel the Basic plan", "To cancel your subscription on the Basic plan, open Billing and press the cancel button.")
	pro := hitOf("pro", "Pro plan", "The Pro plan adds priority support.")
	volna15 := hitOf("v15", "Что будет, когда закончится пакет интернета на Волна 15?",
		"На тарифе Волна 15 скорость интернета снижается до 128 Кбит/с, когда закончится пакет.")
	volna50 := hitOf("v50", "Тариф Волна 50", "На тарифе Волна 50 пакет интернета 50 ГБ.")
	admin := hitOf("admin", "Reset the admin password", "To reset the admin password, open Settings and press reset.")
	guest := hitOf("guest", "Guest access", "A guest password is set by the admin.")
	y1991 := hitOf("y1991", "The club", "The club moved in 1991 and won the league.")
	y1990 := hitOf("y1990", "The stadium", "The stadium opened in 1990.")
	current := hitOf("current", "Как закрыть текущий счёт", "Закрыть текущий счёт можно в приложении.")
	savings := hitOf("savings", "Вклады", "Накопительный счёт бесплатный.")
	cases := []struct {
		name     string
		question string
		hits     []retrieval.Hit
		want     float64
	}{
		{"en: the Basic plan cited for the Pro plan", "How do I cancel my subscription on the Pro plan?", []retrieval.Hit{basic, pro}, 1},
		{"ru: Волна 15 cited for Волна 50", "Какая скорость интернета на Волна 50, когда закончится пакет?", []retrieval.Hit{volna15, volna50}, 1},
		{"ru: lowercase question, the documents write the names", "какая скорость интернета на волна 50 когда закончится пакет", []retrieval.Hit{volna15, volna50}, 1},

		{"the asked sibling cited", "What does the Pro plan add?", []retrieval.Hit{pro, basic}, 0},
		{"ru: the asked sibling cited", "Какая скорость интернета на Волна 15, когда закончится пакет?", []retrieval.Hit{volna15, volna50}, 0},
		{"a comparison names both", "How do I cancel my subscription on the Pro plan and the Basic plan?", []retrieval.Hit{basic, pro}, 0},
		{"no other document has the asked pair", "How do I cancel my subscription on the Pro plan?", []retrieval.Hit{basic, admin}, 0},
		{"the differing words are not names", "How do I reset the guest password?", []retrieval.Hit{admin, guest}, 0},
		{"ru: the differing words are not names", "Как закрыть накопительный счёт?", []retrieval.Hit{current, savings}, 0},
		{"the shared word is a stop word", "What did the club do in 1990?", []retrieval.Hit{y1991, y1990}, 0},
	}
	for _, c := range cases {
		if got := siblingFeature(t, c.question, c.hits...); got != c.want {
			t.Errorf("%s: %s(%q) = %v, want %v", c.name, FeatureSiblingMiss, c.question, got, c.want)
		}
	}
}
