package redact

import (
	"encoding/json"
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode"
)

// checkCues fails when cueEnds disagrees with nameCue or strongCue on a
// text before a candidate cut from s, at any byte (a cut inside a rune
// included): the 24 bytes before it, as Find reads, and on a short s all
// of s before it.
func checkCues(t *testing.T, s string) {
	t.Helper()
	for i := 0; i <= len(s); i++ {
		ws := []string{s[max(0, i-24):i]}
		if len(s) <= 64 {
			ws = append(ws, s[:i])
		}
		for _, w := range ws {
			if got, want := cueEnds(nameCueRev, w), nameCue.MatchString(w); got != want {
				t.Fatalf("%q: nameCue reversed %v, forwards %v", w, got, want)
			}
			if got, want := cueEnds(strongCueRev, w), strongCue.MatchString(w); got != want {
				t.Fatalf("%q: strongCue reversed %v, forwards %v", w, got, want)
			}
		}
	}
}

// cueInputs holds a text for every alternative of nameCue, in several
// cases, with Unicode case folds (ſ for s, K for k), invalid UTF-8 and
// word boundaries on either side.
var cueInputs = []string{
	"", " ", "my name is", "MY NAME IS ", "my nameſ is", "My Name Is\t\n", "xmy name is", "_my name is", "é my name is",
	"my name's", "i am", "I'm ", "this is", "call me", "call me  ", "recall me", "name: ", "name?", "name? id:", "name?  Kid: ",
	"name is", "name on the card is", "name on the  card is", "dear", "Dear ", "DEAR", "endear", "regards,", "sincerely, ", "thanks,",
	"said", "asked", "told", "heard", "starring", "directed by", "written by", "follow up with", "speak to", "spoke with", "talked to",
	"talk with", "spoken to", "chat with", "assistant to", "husband", "wife's name is", "daughter", "colleague", "guardian", "boss",
	"songwriter", "actress", "patient", "client's name is", "first name is", "surname is", "maiden name is", "full name is",
	"named him", "named her", "NAMED HER", "Mr", "Mr.", "MR.", "mr ", "Mrs. ", "MRS", "Ms", "ms.", "Miss", "miss", "MISS", "Dr.",
	"dr", "Prof.", "prof", "PROF", "mR.", "Dr..", "xDr.", "меня зовут", "МЕНЯ ЗОВУТ ", "зовут", "господин", "Госпожа", "г-н", "Г-ЖА",
	"тебя зовут", "ſaid", "\u212aid:", "spoke with\xff", "\xffsaid", "said\xe2\x82", "\xe2\x82\xacmr", "name:\xc3", "dear \xed\xa0\x80",
	"To: support\nDear ", "Hi, my name is ", "thanks, and my husband ", "Regards,\n", "the thanks, ", "the guardian of", "Dr. No",
}

func TestCuesMatchedReversed(t *testing.T) {
	ins := append([]string(nil), cueInputs...)
	for _, ms := range supportMessages {
		ins = append(ins, ms...)
	}
	// Every cue in a sentence and glued to a neighbour.
	for _, c := range cueInputs {
		ins = append(ins, "Hello, "+c+" Anna", "x"+c+"y Bo", strings.ToUpper(c)+" Li", c+c)
	}
	for _, s := range ins {
		checkCues(t, s)
	}
	// Random splices of the inputs.
	rnd := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		a, b := ins[rnd.IntN(len(ins))], ins[rnd.IntN(len(ins))]
		checkCues(t, a[rnd.IntN(len(a)+1):]+b[:rnd.IntN(len(b)+1)])
	}
}

// TestCuesMatchedReversedPresidio compares the two ways on the presidio
// sentences (the shared data): before every word Find may ask about in
// each, and before every byte of one in ten.
func TestCuesMatchedReversedPresidio(t *testing.T) {
	texts := presidioTexts(t)
	if texts == nil {
		t.Skip("presidio corpus not found")
	}
	for i, s := range texts {
		if i%10 == 0 {
			checkCues(t, s)
			continue
		}
		for _, re := range []*regexp.Regexp{nameToken, lowerWord} {
			for _, m := range re.FindAllStringIndex(s, -1) {
				w := s[max(0, m[0]-24):m[0]]
				if cueEnds(nameCueRev, w) != nameCue.MatchString(w) || cueEnds(strongCueRev, w) != strongCue.MatchString(w) {
					t.Fatalf("%q: a cue reversed and forwards disagree", w)
				}
			}
		}
	}
}

// TestReversed: a reversed pattern matches the reverse of what the
// pattern matches, anchors and word boundaries included.
func TestReversed(t *testing.T) {
	pats := []string{`ab+c`, `(?i)\bfoo(?:bar|baz)?\s*$`, `^x(?:yz)*$`, `(?m)^ab$`, `\Bq.r\b`, `(?i)(?-i:Mr)\.? |k$`, `[a-c]{2,3}d`}
	alphabet := []string{"a", "b", "c", "d", "x", "y", "z", "q", "r", "f", "o", " ", "\n", "M", "K", "\u212a", ".", "ſ", "é", "\xff", "B", "A"}
	rnd := rand.New(rand.NewPCG(3, 4))
	for _, p := range pats {
		re := regexp.MustCompile(p)
		rev := reversed(re)
		for range 20000 {
			var b strings.Builder
			for range rnd.IntN(9) {
				b.WriteString(alphabet[rnd.IntN(len(alphabet))])
			}
			s := b.String()
			if got, want := cueEnds(rev, s), re.MatchString(s); got != want {
				t.Fatalf("%s on %q: reversed %v, forwards %v (%s)", p, s, got, want, rev)
			}
		}
	}
}

// surnameShapeRegexp is what surnameShape computes.
var surnameShapeRegexp = regexp.MustCompile(`^(?:\p{Lu}\p{Ll}+(?:sen|ssen|sson|ski|ska|sky|cki|cka|wicz|ewicz|owicz|ová|ovà|ovich|nen|opoulos|poulos|idis|akis|shvili|dze|yan|escu|enko|chuk|czyk|dóttir|dottir|ić|ič|ović|ević|ov|ova|ev|eva|yev|yeva|iev|ieva|ovna|evna|ez|elli|etti|ucci|yama|kawa|gawa|moto|mura|hara|saki|zaki|shita|naga|mori|guchi|hashi|oglu|oğlu|zadeh)|Mc\p{Lu}\p{Ll}+|O['’]\p{Lu}\p{Ll}+)$`)

// TestSurnameShape: surnameShape answers as its regular expression on
// every word Find tries it on (the capitalised tokens of the test inputs
// and of the presidio sentences when the shared data is there) and on
// random words built of capitals, lower-case letters, endings and
// prefixes.
func TestSurnameShape(t *testing.T) {
	for _, e := range surnameEndings {
		for _, r := range e {
			if !unicode.Is(unicode.Ll, r) {
				t.Fatalf("ending %q holds %q, not a lower-case letter: surnameShape assumes it is", e, r)
			}
		}
	}
	check := func(w string) {
		t.Helper()
		if got, want := surnameShape(w), surnameShapeRegexp.MatchString(w); got != want {
			t.Fatalf("surnameShape(%q) = %v, the regexp %v", w, got, want)
		}
	}
	words := []string{"", "Christiansen", "Sen", "Asen", "Nowakowska", "McAllister", "Mc", "McA", "McAb", "O'Brien", "O’Neill", "O'", "O'B", "OBrien",
		"Jović", "Ivanov", "Ov", "Aov", "ÉMiller", "Élodie", "Ölafsdóttir", "Yılmazoğlu", "Petrenko", "Smith", "SMITHSEN", "Van-Sen", "Ab\xffsen", "Ǆosen", "ǅosen"}
	ins := append([]string(nil), cueInputs...)
	for _, ms := range supportMessages {
		ins = append(ins, ms...)
	}
	ins = append(ins, presidioTexts(t)...)
	for _, s := range ins {
		for _, m := range nameToken.FindAllString(s, -1) {
			words = append(words, m, strings.TrimSuffix(m, "."))
		}
	}
	for _, w := range words {
		check(w)
	}
	parts := append([]string{"A", "É", "Ж", "a", "é", "ж", "ǅ", "'", "’", "-", "Mc", "O'", "O’", "\xff", "ß", "ſ"}, surnameEndings...)
	rnd := rand.New(rand.NewPCG(5, 6))
	for range 200000 {
		var b strings.Builder
		for range 1 + rnd.IntN(4) {
			b.WriteString(parts[rnd.IntN(len(parts))])
		}
		check(b.String())
	}
}

// presidioTexts returns the presidio sentences (the shared data), none
// when they are not there.
func presidioTexts(t *testing.T) []string {
	t.Helper()
	path := filepath.Join(sharedDir(t), "security", "presidio-pii", "data", "synth_dataset_v2.json")
	raw, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) && os.Getenv("ANSWERDESK_REQUIRE_SHARED") != "1" {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	var samples []presidioSample
	if err := json.Unmarshal(raw, &samples); err != nil {
		t.Fatal(err)
	}
	out := make([]string, len(samples))
	for i, s := range samples {
		out[i] = s.FullText
	}
	return out
}

// BenchmarkCue matches the name cues before each word of a lower-case
// question, as capitaliseNames does, forwards and reversed.
func BenchmarkCue(b *testing.B) {
	s := "convert addresses or symbol offset into file names and line numbers, my name is"
	var befores []string
	for _, w := range lowerWord.FindAllStringIndex(s, -1) {
		befores = append(befores, s[max(0, w[0]-24):w[0]])
	}
	b.Run("forwards", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			for _, w := range befores {
				_ = strongCue.MatchString(w)
				_ = nameCue.MatchString(w)
			}
		}
	})
	b.Run("reversed", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			for _, w := range befores {
				_ = cueEnds(strongCueRev, w)
				_ = cueEnds(nameCueRev, w)
			}
		}
	})
}
