package retrieval

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
)

func TestTerms(t *testing.T) {
	tests := []struct {
		name, in string
		want     []string
	}{
		{"english stems and stopwords", "How do I reset the routers?", []string{"reset", "router"}},
		{"english inflections meet", "connecting connected connection", []string{"connect", "connect", "connect"}},
		{"russian stems", "Как сбросить настройки роутера", []string{"сброс", "настройк", "роутер"}},
		{"russian forms meet", "роутер роутера роутеров", []string{"роутер", "роутер", "роутер"}},
		{"yo folds to ye", "Ёлка ёлки", []string{"елк", "елк"}},
		{"chinese unigrams and bigrams", "重置路由器", []string{"重", "重置", "置", "置路", "路", "路由", "由", "由器", "器"}},
		{"chinese stop characters keep bigrams", "我的网关", []string{"我的", "的网", "网", "网关", "关"}},
		{"full-width NFKC", "ＷｉＦｉ　５ＧＨｚ", []string{"wifi", "5", "ghz"}},
		{"ligature NFKC", "ﬁrmware", []string{"firmwar"}},
		{"numbers kept, single letters dropped", "a 5 b 2015", []string{"5", "2015"}},
		{"mixed scripts", "Lumen Hub не работает", []string{"lumen", "hub", "не", "работа"}},
		{"punctuation only", "!!! ??? ...", []string{}},
		{"empty", "", []string{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := DefaultAnalyzer.Terms(tc.in)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("Terms(%q) (-want +got):\n%s", tc.in, diff)
			}
		})
	}
}

func TestTermsBoundsLongTokens(t *testing.T) {
	got := DefaultAnalyzer.Terms(strings.Repeat("x", 10000) + " " + strings.Repeat("я", 100))
	if len(got) != 2 {
		t.Fatalf("got %d terms", len(got))
	}
	for _, term := range got {
		if len(term) > 64 || !utf8.ValidString(term) {
			t.Errorf("term of %d bytes, valid UTF-8 %v; want at most 64 and valid", len(term), utf8.ValidString(term))
		}
	}
}

func TestDetectLang(t *testing.T) {
	tests := map[string]string{
		"How do I reset my hub?":            "en",
		"Как сбросить хаб?":                 "ru",
		"如何重置网关？":                           "zh",
		"Lumen Hub не подключается к Wi-Fi": "ru",
		"Lumen 网关无法连接 Wi-Fi":                "zh",
		"12345 !!!":                         "",
	}
	for in, want := range tests {
		if got := DetectLang(in); got != want {
			t.Errorf("DetectLang(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSparseVectorsMatchBM25(t *testing.T) {
	doc := DefaultAnalyzer.DocSparse("reset reset router", 3)
	if len(doc.Indices) != 2 {
		t.Fatalf("DocSparse has %d terms, want 2", len(doc.Indices))
	}
	for i, id := range doc.Indices {
		want := BM25TF(1, 3, 3)
		if id == TermID("reset") {
			want = BM25TF(2, 3, 3)
		}
		if diff := float64(doc.Values[i]) - want; diff > 1e-6 || diff < -1e-6 {
			t.Errorf("value of term %d = %v, want %v", id, doc.Values[i], want)
		}
	}
	q := DefaultAnalyzer.QuerySparse("Reset the router, reset!")
	if len(q.Indices) != 2 || q.Values[0] != 1 || q.Values[1] != 1 {
		t.Errorf("QuerySparse = %+v, want two terms of weight 1", q)
	}
	if IDF(1, 10) <= IDF(5, 10) || IDF(10, 10) <= 0 {
		t.Error("IDF must fall with df and stay positive")
	}
}

func FuzzTerms(f *testing.F) {
	for _, s := range []string{"How do I reset?", "Как сбросить", "如何重置", "\xff\xfe", "ＷｉＦｉ", strings.Repeat("é", 100)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, term := range DefaultAnalyzer.Terms(s) {
			if term == "" || !utf8.ValidString(term) || len(term) > 64*utf8.UTFMax {
				t.Fatalf("bad term %q from %q", term, s)
			}
		}
		_ = DetectLang(s)
	})
}

func TestQuestionTermsKeepStopwords(t *testing.T) {
	a := &Analyzer{}
	got := a.QuestionTerms("What is Lumen Cloud? Где я могу купить 这个")
	want := []string{"what", "is", "lumen", "cloud", "где", "я", "мог", "куп", "这", "这个", "个"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("QuestionTerms = %q, want %q", got, want)
	}
	// The index terms are the same words without the stopwords.
	if idx := a.Terms("What is Lumen Cloud?"); strings.Join(idx, " ") != "lumen cloud" {
		t.Errorf("Terms = %q", idx)
	}
}

func TestTermsSplitNumberAndUnit(t *testing.T) {
	a := &Analyzer{}
	for _, tt := range []struct{ in, want string }{
		{"5GHz wifi", "5 ghz wifi"},
		{"5 GHz wifi", "5 ghz wifi"},
		{"a 128GB card", "128 gb card"},
		{"2.4ghz", "2 4 ghz"},
		{"the 1st and 22nd", "1st 22nd"}, // ordinals stay whole
		{"mp3 x86 h264", "mp3 x86 h264"}, // letters first: a name
		{"5g 1234567gb", "5g 1234567gb"}, // one-letter unit, seven digits: not split
	} {
		if got := strings.Join(a.Terms(tt.in), " "); got != tt.want {
			t.Errorf("Terms(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestAnalyzerAllocatesPerTextNotPerWord: a word whose stem is cached
// costs no allocation, so a text of a hundred times the words allocates
// no more (English and Russian; digits and Han characters still make
// their strings).
func TestAnalyzerAllocatesPerTextNotPerWord(t *testing.T) {
	a := &Analyzer{}
	for _, sentence := range []string{"Resetting the routers quickly, then pairing devices. ", "Как сбросить настройки роутера быстро. "} {
		allocs := func(text string) float64 {
			a.each(text, func(string) {}) // fills the cache
			return testing.AllocsPerRun(20, func() { a.each(text, func(string) {}) })
		}
		one, many := allocs(sentence), allocs(strings.Repeat(sentence, 100))
		if many > one+2 {
			t.Errorf("%q: %.0f allocations for one sentence, %.0f for a hundred: want about the same", sentence, one, many)
		}
	}
}

// TestWordTerms: one word's terms and stop flag are QuestionTerms' and
// Terms' of the word as a text, normalized or not (a fullwidth letter, a
// ligature, the Kelvin sign NFKC rewrites), and a word whose stem is
// cached allocates nothing.
func TestWordTerms(t *testing.T) {
	a := &Analyzer{}
	var buf []byte
	for _, w := range []string{"What", "is", "I", "a", "5GHz", "128gb", "1st", "Routers", "Как", "и", "сбросить", "Ёлка",
		"ＡＢＣ", "ﬁle", "\u212aelvin", "café", "cafe\u0301", "Ǆemal", strings.Repeat("x", 80), "٣٤"} {
		got, stop := a.WordTerms([]rune(w), &buf, nil)
		if want := a.QuestionTerms(w); strings.Join(got, " ") != strings.Join(want, " ") {
			t.Errorf("WordTerms(%q) = %q, want QuestionTerms' %q", w, got, want)
		}
		if want := len(a.Terms(w)) == 0; stop != want {
			t.Errorf("WordTerms(%q) stop = %v, want %v (Terms %q)", w, stop, want, a.Terms(w))
		}
	}
	word := []rune("Routers")
	terms := make([]string, 0, 4)
	if n := testing.AllocsPerRun(20, func() { terms, _ = a.WordTerms(word, &buf, terms[:0]) }); n != 0 {
		t.Errorf("WordTerms of a cached word: %v allocations, want 0", n)
	}
}
