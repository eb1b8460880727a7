package retrieval

import (
	"strings"
	"unicode"
)

// Languages DetectLanguage tells apart.
var detectable = map[string]bool{"en": true, "ru": true, "zh": true, "de": true, "es": true, "fr": true,
	"it": true, "pt": true, "uk": true, "ja": true, "ko": true}

// Detectable reports whether DetectLanguage can return lang.
func Detectable(lang string) bool { return detectable[lang] }

// latinProfiles are each Latin-script language's most frequent function
// words: the words that appear in any sentence, whatever it is about.
var latinProfiles = map[string]map[string]bool{
	"en": set(strings.Fields("the and is are to of my how what do does i you it can with for not this in why when where have was")...),
	"de": set(strings.Fields("der die das und ist ich nicht mit wie ein eine mein meine zu den dem auf es sie kann wird werden ich ist warum wo was hat habe ihr")...),
	"es": set(strings.Fields("el la los las que y es mi cómo no por para con una un se puedo está del qué por qué dónde cuándo tengo mis")...),
	"fr": set(strings.Fields("le la les et est je mon ma mes comment ne pas pour avec une un du des il que sur pourquoi où quand ai suis vous")...),
	"it": set(strings.Fields("il lo la gli le di e è che non mio mia come per con una un del della sono posso perché dove quando ho ho i")...),
	"pt": set(strings.Fields("o os as e é que não meu minha como para com uma um do da dos das posso está você por que onde quando tenho")...),
}

// latinLetters are letters that point to one language (two votes each).
var latinLetters = map[rune]string{
	'ß': "de", 'ä': "de", 'ö': "de", 'ü': "de",
	'ñ': "es", '¿': "es", '¡': "es",
	'ã': "pt", 'õ': "pt",
	'ç': "fr", 'œ': "fr", 'ê': "fr", 'â': "fr", 'î': "fr", 'û': "fr",
	'ì': "it", 'ò': "it",
}

// ukWords and ruWords are function words of one of the two only.
var (
	ukWords = set(strings.Fields("як що чи та й щоб мені моє мій моя це ви вже ще коли чому де тут")...)
	ruWords = set(strings.Fields("как что это мой моя мое моё мне или и к чтобы вы уже ещё когда почему где здесь")...)
)

// DetectLanguage returns the language of text: the script first (Hangul is
// "ko"; Han with kana "ja", without "zh"; Cyrillic "uk" when Ukrainian
// letters and function words outnumber Russian ones, else "ru"), then, for Latin script, the
// language whose function words and letters text has most of ("en" when
// none stands out). "" when text has no letters. DetectLang, which the
// index and the analyzer use, keeps to the three analyzed scripts.
func DetectLanguage(text string) string {
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
		if l := aroundLatinNames(text); l != "" {
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

// aroundLatinNames is the language of a text written in another script
// around Latin product names ("Работает ли Lumen Hub с Wi-Fi 5 GHz?",
// "Lumen Hub 支持 5 GHz Wi-Fi 吗？"), where the Latin letters outnumber the
// customer's own: customers write names in Latin whatever their language.
// Two Cyrillic or Hangul words, or three Han or kana characters, are the
// customer's sentence; a single quoted word in an English sentence ("what
// does привет mean?") is not. It returns "ru", "ko", "zh" (kana is told
// from Han later) or "".
func aroundLatinNames(text string) string {
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

// lowerWords splits text into lower-case words (apostrophes kept: "d'usine").
func lowerWords(text string) []string {
	return strings.FieldsFunc(strings.ToLower(text), func(r rune) bool { return !unicode.IsLetter(r) && r != '\'' })
}
