package retrieval

import (
	"encoding/json"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode"
)

func TestDetectLanguage(t *testing.T) {
	for _, tc := range []struct{ text, want string }{
		{"How do I reset the hub?", "en"},
		{"My order has not arrived and I want to know why.", "en"},
		{"Wie setze ich den Hub auf die Werkseinstellungen zurück?", "de"},
		{"Mein Paket ist nicht angekommen, was kann ich tun?", "de"},
		{"¿Cómo restablezco el hub a los ajustes de fábrica?", "es"},
		{"Mi pedido no ha llegado, ¿qué puedo hacer?", "es"},
		{"Comment réinitialiser le hub aux paramètres d'usine ?", "fr"},
		{"Ma commande n'est pas arrivée, que dois-je faire pour la suivre ?", "fr"},
		{"Come posso ripristinare l'hub alle impostazioni di fabbrica?", "it"},
		{"Il mio ordine non è arrivato, perché?", "it"},
		{"Como faço para restaurar o hub para as configurações de fábrica?", "pt"},
		{"Meu pedido não chegou, o que posso fazer?", "pt"},
		{"Як скинути хаб до заводських налаштувань?", "uk"},
		{"Моє замовлення не прийшло, що робити?", "uk"},
		{"Как сбросить хаб к заводским настройкам?", "ru"},
		{"Мой заказ не пришёл, что делать?", "ru"},
		{"如何将集线器恢复出厂设置？", "zh"},
		{"ハブを工場出荷時の設定にリセットするにはどうすればいいですか？", "ja"},
		{"注文した商品が届きません。", "ja"},
		{"허브를 공장 설정으로 초기화하려면 어떻게 하나요?", "ko"},
		{"주문이 도착하지 않았어요", "ko"},
		{"?!", ""},
		{"Lumen hub 2", "en"},
		// Latin product names in another script's sentence: the customer's
		// words decide, not the names' letters.
		{"Работает ли Lumen Hub с Wi-Fi 5 GHz?", "ru"},
		{"Чи працює Lumen Hub з Wi-Fi 5 GHz?", "uk"},
		{"Lumen Hub 支持 5 GHz Wi-Fi 吗？", "zh"},
		{"Lumen Hub は 5 GHz Wi-Fi に対応していますか？", "ja"},
		{"Lumen Hub 5 GHz Wi-Fi 지원 되나요?", "ko"},
		// One quoted foreign word leaves an English sentence English.
		{"What does привет mean in the Lumen app?", "en"},
		{"Is the Lumen Hub sold as 你好 in China?", "en"},
	} {
		if got := DetectLanguage(tc.text); got != tc.want {
			t.Errorf("DetectLanguage(%q) = %q, want %q", tc.text, got, tc.want)
		}
		if got := DetectLanguage(tc.text); got != "" && !Detectable(got) {
			t.Errorf("DetectLanguage(%q) = %q, not Detectable", tc.text, got)
		}
	}
}

// detectLanguageScanned is DetectLanguage as it was before the Latin
// profiles were indexed and the words split once (latinWordLangs): each
// profile looked up for each word, votes in a map.
func detectLanguageScanned(text string) string {
	if len(text) > 16000 {
		text = text[:16000]
	}
	var hangul, kana, uk, ru int
	for _, r := range text {
		switch {
		case unicode.Is(unicode.Hangul, r):
			hangul++
		case unicode.Is(unicode.Hiragana, r) || unicode.Is(unicode.Katakana, r):
			kana++
		case strings.ContainsRune("іїєґІЇЄҐ", r):
			uk++
		case strings.ContainsRune("ыэъёЫЭЪЁ", r):
			ru++
		}
	}
	base := DetectLang(text)
	if base == "en" {
		if l := aroundLatinNamesScanned(text); l != "" {
			base = l
		}
	}
	if base == "ko" {
		return "ko"
	}
	if base == "ru" {
		for _, w := range lowerWords(text) {
			if ukWords[w] {
				uk++
			}
			if ruWords[w] {
				ru++
			}
		}
	}
	letters := 0
	for _, r := range text {
		if unicode.IsLetter(r) {
			letters++
		}
	}
	switch {
	case hangul > 0 && 2*hangul >= letters:
		return "ko"
	case base == "zh" && kana > 0:
		return "ja"
	case base == "" && hangul > 0:
		return "ko"
	case base == "ru" && uk > ru:
		return "uk"
	case base != "en":
		return base
	}
	votes := map[string]int{}
	for _, w := range lowerWords(text) {
		for lang, p := range latinProfiles {
			if p[w] {
				votes[lang]++
			}
		}
	}
	for _, r := range strings.ToLower(text) {
		if l, ok := latinLetters[r]; ok {
			votes[l] += 2
		}
	}
	best, bestN := "en", votes["en"]
	for _, l := range []string{"de", "es", "fr", "it", "pt"} {
		if votes[l] > bestN {
			best, bestN = l, votes[l]
		}
	}
	return best
}
func aroundLatinNamesScanned(text string) string {
	cyr, hangul, han := 0, 0, 0
	for _, w := range lowerWords(text) {
		r := []rune(w)[0]
		switch {
		case unicode.Is(unicode.Cyrillic, r):
			cyr++
		case unicode.Is(unicode.Hangul, r):
			hangul++
		}
		for _, r := range w {
			if isHan(r) {
				han++
			}
		}
	}
	switch {
	case han >= 3 && han >= cyr && han >= hangul:
		return "zh"
	case cyr >= 2 && cyr >= hangul:
		return "ru"
	case hangul >= 2:
		return "ko"
	}
	return ""
}

// TestDetectLanguageIndexed: DetectLanguage gives the language the
// profiles scanned one by one gave, on every string of the repository's
// JSON Lines test data and texts spliced at random from the profiles'
// words, the telling letters and words of other scripts.
func TestDetectLanguageIndexed(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("..", "testdata", "*", "*", "*.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	var texts []string
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(string(b), "\n") {
			var v struct{ Text, Title string }
			if json.Unmarshal([]byte(line), &v) == nil {
				texts = append(texts, v.Text, v.Title)
			}
		}
	}
	if len(texts) < 1000 {
		t.Fatalf("%d texts in ../testdata: the test data moved?", len(texts))
	}
	var pieces []string
	for _, p := range latinProfiles {
		for w := range p {
			pieces = append(pieces, w, strings.ToUpper(w))
		}
	}
	for r := range latinLetters {
		pieces = append(pieces, string(r), "a"+string(r)+"b")
	}
	pieces = append(pieces, "Lumen", "Hub", "Wi-Fi", "5", "GHz", "?", "привет", "как", "це", "що", "мой", "ы", "ї",
		"你好", "支持", "吗", "こんにちは", "カタカナ", "안녕하세요", "d'usine", "'", "ß", "Ärger")
	r := rand.New(rand.NewPCG(7, 8))
	for range 30000 {
		var b strings.Builder
		for k := r.IntN(8); k >= 0; k-- {
			b.WriteString(pieces[r.IntN(len(pieces))])
			b.WriteString([]string{" ", " ", "", ", "}[r.IntN(4)])
		}
		texts = append(texts, b.String())
	}
	langs := map[string]int{}
	for _, text := range texts {
		got, want := DetectLanguage(text), detectLanguageScanned(text)
		if got != want {
			t.Errorf("DetectLanguage(%q) = %q, scanning the profiles %q", text, got, want)
		}
		langs[want]++
	}
	t.Logf("%d texts: %v", len(texts), langs)
	for _, l := range latinLangs {
		if langs[l] == 0 {
			t.Errorf("no text detected as %s: the test misses a profile", l)
		}
	}
}
