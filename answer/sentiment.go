package answer

import (
	"slices"
	"strings"
	"unicode"
)

// lexicon scores negative sentiment: the sum of the weights of lexicon
// words, each multiplied by a preceding intensifier (×1.5) and flipped and
// halved by a preceding negator ("not bad"), plus shouting (repeated
// exclamation marks, words in capitals) when there is already something
// negative. English words match whole; Russian entries of four or more
// letters match as stem prefixes ("ужасн" for ужасно, ужасный); Chinese
// entries match as substrings.
type lexicon struct {
	words        map[string]float64 // exact words (en, short ru)
	prefixes     map[string]float64 // Russian stems
	prefixLens   []int              // the stems' distinct lengths in bytes, longest first
	han          map[string]float64 // Chinese phrases
	phrases      map[string]float64 // multi-word en/ru phrases, space separated
	intensifiers map[string]bool
	hanIntens    []string
	negators     map[string]bool
	hanNeg       []string
	negative     float64
	angry        float64
}

var builtinSentiment = SentimentLexicon{
	Words: map[string]map[string]float64{
		"en": {
			"terrible": 2, "awful": 2, "horrible": 2, "worst": 2.5, "useless": 2, "garbage": 2.5, "trash": 2,
			"scam": 3, "ridiculous": 2, "unacceptable": 2.5, "disgusting": 2.5, "pathetic": 2.5,
			"incompetent": 2.5, "angry": 2, "furious": 3, "mad": 1.5, "annoyed": 1.5, "annoying": 1.5,
			"frustrated": 1.5, "frustrating": 1.5, "disappointed": 1.5, "disappointing": 1.5, "hate": 2.5,
			"sucks": 2, "suck": 2, "crap": 2.5, "crappy": 2.5, "bad": 1, "poor": 1, "waste": 1.5, "wtf": 3,
			"damn": 2, "fuck": 3, "fucking": 3, "shit": 3, "bullshit": 3, "idiots": 3, "idiot": 3,
			"stupid": 2, "liar": 2.5, "liars": 2.5, "lying": 2, "lied": 2, "fraud": 3, "ripoff": 3,
			"joke": 1, "nightmare": 2, "outraged": 3, "sick": 1, "fed": 0.5, "upset": 1.5, "hopeless": 2,
			"thieves": 3, "robbed": 2.5, "disaster": 2,
			"thanks": -0.5, "thank": -0.5, "great": -1, "love": -1, "awesome": -1, "good": -0.5,
			"excellent": -1, "perfect": -1, "appreciate": -0.5, "happy": -0.5,
		},
		"ru": {
			"ужасн": 2, "отвратительн": 2.5, "кошмар": 2, "безобраз": 2.5, "бесполезн": 2, "бесит": 2.5,
			"бесят": 2.5, "достал": 2, "надоел": 2, "разочарова": 1.5, "недовол": 1.5, "возмутительн": 2.5,
			"возмущ": 2, "хуже": 1.5, "худш": 2, "мошенни": 3, "обман": 2.5, "издевательств": 3,
			"позор": 2.5, "идиот": 3, "дебил": 3, "тупые": 2.5, "тупо": 2, "хрен": 2.5, "черт": 1.5,
			"блин": 1, "фигня": 2, "чушь": 2, "бред": 2, "отстой": 2.5, "зол": 1.5, "злой": 1.5,
			"злюсь": 2, "плох": 1, "некомпетент": 2.5, "развод": 2, "жуть": 2, "кидал": 3, "ворюг": 3,
			"бардак": 2, "хамств": 2.5, "наплевательск": 2.5, "сколько можно": 2, "когда же": 1,
			"спасибо": -0.5, "отличн": -1, "хорош": -0.5, "благодар": -0.5, "прекрасн": -1, "доволен": -1,
		},
		"zh": {
			"垃圾": 2.5, "太差": 2, "很差": 2, "差劲": 2, "糟糕": 2, "失望": 1.5, "生气": 2, "气死": 3,
			"愤怒": 3, "骗子": 3, "骗人": 3, "坑人": 2.5, "投诉": 1.5, "无语": 1.5, "烂": 1.5, "恶心": 2.5,
			"受够": 2.5, "什么破": 2.5, "破玩意": 2.5, "废物": 3, "不满": 1.5, "离谱": 2, "搞什么": 2,
			"滚": 2, "妈的": 3, "坑爹": 2.5, "忍无可忍": 3, "太过分": 2.5, "过分": 1.5, "欺骗": 2.5,
			"谢谢": -0.5, "很好": -1, "满意": -1, "感谢": -0.5, "不错": -0.5,
		},
	},
	Intensifiers: map[string][]string{
		"en": {"very", "so", "really", "extremely", "absolutely", "totally", "completely", "utterly", "such", "fucking", "incredibly", "beyond"},
		"ru": {"очень", "совсем", "абсолютно", "совершенно", "крайне", "такой", "такая", "такие", "просто", "полный", "полная", "реально"},
		"zh": {"非常", "真", "极其", "特别", "超级", "简直", "真的"}, // not 太 ("too"): 太糟糕 is negative, not angry
	},
	Negators: map[string][]string{
		"en": {"not", "no", "never", "don't", "isn't", "wasn't", "aren't", "didn't", "nothing"},
		"ru": {"не", "нет", "ни"},
		"zh": {"不", "没", "别"},
	},
	Negative: 1,
	Angry:    3,
}

func newLexicon(over SentimentLexicon) lexicon {
	l := lexicon{
		words: map[string]float64{}, prefixes: map[string]float64{}, han: map[string]float64{},
		phrases: map[string]float64{}, intensifiers: map[string]bool{}, negators: map[string]bool{},
		negative: builtinSentiment.Negative, angry: builtinSentiment.Angry,
	}
	for _, src := range []SentimentLexicon{builtinSentiment, over} {
		for lang, ws := range src.Words {
			for w, v := range ws {
				w = lower(w)
				switch {
				case hasHan(w):
					l.han[w] = v
				case strings.Contains(w, " "):
					l.phrases[w] = v
				case lang == "ru" && len([]rune(w)) >= 4:
					l.prefixes[w] = v
				default:
					l.words[w] = v
				}
			}
		}
		for _, ws := range src.Intensifiers {
			for _, w := range ws {
				if hasHan(w) {
					l.hanIntens = append(l.hanIntens, w)
				} else {
					l.intensifiers[lower(w)] = true
				}
			}
		}
		for _, ws := range src.Negators {
			for _, w := range ws {
				if hasHan(w) {
					l.hanNeg = append(l.hanNeg, w)
				} else {
					l.negators[lower(w)] = true
				}
			}
		}
		if src.Negative > 0 {
			l.negative = src.Negative
		}
		if src.Angry > 0 {
			l.angry = src.Angry
		}
	}
	for p := range l.prefixes {
		if !slices.Contains(l.prefixLens, len(p)) {
			l.prefixLens = append(l.prefixLens, len(p))
		}
	}
	slices.SortFunc(l.prefixLens, func(a, b int) int { return b - a })
	return l
}

// weight returns the lexicon weight of one word.
func (l *lexicon) weight(w string) float64 {
	if v, ok := l.words[w]; ok {
		return v
	}
	if w == "" || w[0] < 0x80 {
		return 0
	}
	// The longest Russian stem w starts with: its prefixes looked up,
	// longest first, at the stems' lengths only.
	for _, n := range l.prefixLens {
		if n <= len(w) {
			if v, ok := l.prefixes[w[:n]]; ok {
				return v
			}
		}
	}
	return 0
}

// score returns the negative-sentiment score of text; words are its
// rawWords.
func (l *lexicon) score(text string, words []string) float64 {
	s := 0.0
	for i, w := range words {
		v := l.weight(w)
		if v == 0 {
			continue
		}
		for j := max(0, i-2); j < i; j++ {
			if l.negators[words[j]] {
				v = -v / 2
				break
			}
		}
		if i > 0 && l.intensifiers[words[i-1]] {
			v *= 1.5
		}
		s += v
	}
	if len(l.phrases) > 0 && len(words) > 1 {
		joined := " " + strings.Join(words, " ") + " "
		for p, v := range l.phrases {
			if strings.Contains(joined, " "+p+" ") {
				s += v
			}
		}
	}
	if hasHan(text) {
		s += l.hanScore(text)
	}
	if s > 0 {
		s += shouting(text)
	}
	return s
}

// hanScore scores the Chinese phrases of text.
func (l *lexicon) hanScore(text string) float64 {
	s := 0.0
	for p, v := range l.han {
		from := 0
		for {
			at := strings.Index(text[from:], p)
			if at < 0 {
				break
			}
			at += from
			before := lastRunes(text[:at], 2)
			w := v
			for _, n := range l.hanNeg {
				// "不满" is itself a lexicon word; only flip when the
				// negator is not part of the phrase.
				if strings.Contains(before, n) && !strings.HasPrefix(p, n) {
					w = -w / 2
					break
				}
			}
			for _, in := range l.hanIntens {
				if strings.HasSuffix(before, in) || strings.Contains(before, in) {
					w *= 1.5
					break
				}
			}
			s += w
			from = at + len(p)
		}
	}
	return s
}

// shouting scores repeated exclamation marks and capitals: up to +2.
func shouting(text string) float64 {
	bang := strings.Count(text, "!") + strings.Count(text, "！")
	s := 0.0
	if bang > 1 {
		s += min(1.5, 0.5*float64(bang-1))
	}
	caps, words := 0, 0
	for _, w := range strings.FieldsFunc(text, func(r rune) bool { return !unicode.IsLetter(r) }) {
		n, up := 0, 0
		for _, r := range w {
			n++
			if unicode.IsUpper(r) {
				up++
			}
		}
		if n >= 3 {
			words++
			if up == n {
				caps++
			}
		}
	}
	if caps >= 2 && 2*caps >= words {
		s += 1
	}
	return min(s, 2)
}
