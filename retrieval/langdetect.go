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
	var words []string // lowerWords(text), split when first needed
	if base == "en" || base == "ru" {
		words = lowerWords(text)
	}
	if base == "en" {
		if l := aroundLatinNames(words); l != "" {
			base = l
		}
	}
	if base == "ko" {
		return "ko"
	}
	if base == "ru" {
		for _, w := range words {
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
	var votes [len(latinLangs)]int
	for _, w := range words {
		for i, langs := 0, latinWordLangs[w]; langs != 0; i, langs = i+1, langs>>1 {
			votes[i] += int(langs & 1)
		}
	}
	for _, r := range strings.ToLower(text) {
		if i, ok := latinLetterLang[r]; ok {
			votes[i] += 2
		}
	}
	best := 0 // English, unless another has more
	for i := range votes {
		if votes[i] > votes[best] {
			best = i
		}
	}
	return latinLangs[best]
}

// latinLangs are the languages of latinProfiles, English first: it wins
// a tie, then the first of the others.
var latinLangs = [...]string{"en", "de", "es", "fr", "it", "pt"}

// latinWordLangs are, for each word of latinProfiles, the languages whose
// profile has it (bit i: latinLangs[i]); latinLetterLang are latinLetters
// by their language's index.
var latinWordLangs, latinLetterLang = func() (map[string]uint8, map[rune]int) {
	words, letters := map[string]uint8{}, map[rune]int{}
	for i, l := range latinLangs {
		for w := range latinProfiles[l] {
			words[w] |= 1 << i
		}
		for r, rl := range latinLetters {
			if rl == l {
				letters[r] = i
			}
		}
	}
	if len(latinProfiles) != len(latinLangs) || len(letters) != len(latinLetters) {
		panic("langdetect: a language of latinProfiles or latinLetters is not in latinLangs")
	}
	return words, letters
}()

// aroundLatinNames is the language of a text written in another script
// around Latin product names ("Работает ли Lumen Hub с Wi-Fi 5 GHz?",
// "Lumen Hub 支持 5 GHz Wi-Fi 吗？"), where the Latin letters outnumber the
// customer's own: customers write names in Latin whatever their language.
// Two Cyrillic or Hangul words, or three Han or kana characters, are the
// customer's sentence; a single quoted word in an English sentence ("what
// does привет mean?") is not. It returns "ru", "ko", "zh" (kana is told
// from Han later) or "".
// words are the text's lowerWords.
func aroundLatinNames(words []string) string {
	cyr, hangul, han := 0, 0, 0
	for _, w := range words {
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
