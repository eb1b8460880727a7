package answer

import (
	"context"
	"strings"
	"unicode"
)

// Act is a chat message that is not a question: a greeting, thanks, an
// acknowledgement, a goodbye, a message with nothing to answer, or the
// customer's verdict on the previous answer. The engine replies to an act
// in the customer's language and opens no ticket. Its string is the wire
// and database form.
type Act string

// Conversation acts.
const (
	ActNone      Act = "" // a question (or a request): the answer path handles it
	ActGreeting  Act = "greeting"
	ActThanks    Act = "thanks"
	ActAck       Act = "ack"
	ActGoodbye   Act = "goodbye"
	ActEmpty     Act = "empty" // punctuation, symbols or emoji only
	ActHelped    Act = "helped"
	ActNotHelped Act = "not_helped"
)

// VerdictRecorder records the customer's verdict typed in the chat on the
// conversation's last answered question (state.FeedbackStore implements it).
type VerdictRecorder interface {
	RateLastAnswer(ctx context.Context, tenant, conversationID string, thumbs int) error
}

// thumbs is the feedback an act gives the previous answer: +1 for
// "that helped", -1 for "that did not help", 0 otherwise.
func (a Act) thumbs() int {
	switch a {
	case ActHelped:
		return 1
	case ActNotHelped:
		return -1
	}
	return 0
}

// actRank orders acts when a message holds several ("thanks, bye"): the
// customer's verdict first, then what ends the exchange, then the rest.
var actRank = map[Act]int{ActNotHelped: 6, ActHelped: 5, ActGoodbye: 4, ActThanks: 3, ActGreeting: 2, ActAck: 1}

// actPhrases are whole-message building blocks per act, in the languages
// the engine detects. A message is an act only when act phrases and
// fillers cover every one of its words: one other word ("thanks, but how
// do I…") makes it a question, so that no real question is swallowed.
// Phrases are lowercase word sequences (ё folded to е); Chinese phrases are
// matched as substrings of the message's Han text.
var actPhrases = map[Act][]string{
	ActGreeting: {
		"hi", "hello", "hey", "hiya", "howdy", "good morning", "good afternoon", "good evening", "greetings", "yo",
		"привет", "здравствуйте", "здравствуй", "добрый день", "доброе утро", "добрый вечер", "приветствую", "здрасте", "hallo", "guten tag", "hola", "buenos dias", "buenas tardes", "bonjour", "salut", "ciao", "buongiorno", "olá", "ola", "oi", "привіт", "добрий день",
		"你好", "您好", "早上好", "下午好", "晚上好", "哈喽", "嗨", "在吗", "在么", "在不在",
	},
	ActThanks: {
		"thanks", "thank you", "thx", "ty", "cheers", "much appreciated", "appreciate it", "thank u", "many thanks", "tnx",
		"спасибо", "благодарю", "спс", "большое спасибо", "спасибочки", "danke", "danke schön", "gracias", "merci", "grazie", "obrigado", "obrigada", "дякую",
		"谢谢", "多谢", "感谢", "谢啦", "谢了", "辛苦了",
	},
	ActAck: {
		"ok", "okay", "k", "kk", "got it", "i see", "understood", "alright", "all right", "sure", "fine", "cool", "great", "nice", "noted", "yes", "yeah", "yep", "no", "nope", "awesome", "perfect", "good", "makes sense", "sounds good", "right", "oh",
		"ок", "окей", "хорошо", "понятно", "ясно", "понял", "поняла", "ладно", "отлично", "да", "нет", "супер", "ага", "угу", "хорошо понял", "принято",
		"好的", "好", "嗯", "哦", "知道了", "明白了", "明白", "了解", "行", "可以", "没问题", "收到", "好吧", "是的", "对",
	},
	ActGoodbye: {
		"bye", "goodbye", "good bye", "see you", "see ya", "have a nice day", "have a good day", "take care", "later",
		"пока", "до свидания", "всего доброго", "хорошего дня", "до встречи", "tschüss", "adiós", "adios", "au revoir", "arrivederci", "tchau",
		"再见", "拜拜", "回头见", "88",
	},
	ActHelped: {
		"that helped", "it helped", "this helped", "helped", "that worked", "it worked", "this worked", "it works now", "works now", "that solved it", "problem solved", "solved", "that fixed it", "fixed", "that was helpful", "very helpful", "helpful", "that answers my question",
		"помогло", "это помогло", "сработало", "все работает", "заработало", "получилось", "вопрос решен", "проблема решена", "решено",
		"有帮助", "有用", "解决了", "问题解决了", "好了", "可以了", "成功了",
	},
	ActNotHelped: {
		"that did not help", "that didn't help", "it didn't help", "it did not help", "didn't help", "did not help", "not helpful", "that was not helpful", "that wasn't helpful", "unhelpful", "useless", "that's wrong", "that is wrong", "wrong answer", "that doesn't answer my question", "that does not answer my question",
		"не помогло", "это не помогло", "не сработало", "бесполезно", "не то", "неправильно", "это не ответ",
		"没用", "没有用", "没有帮助", "没帮助", "不管用", "不对", "答非所问",
	},
}

// actFillers may stand beside act phrases without making a question:
// addressees and intensifiers ("thanks a lot guys", "ok great").
var actFillers = []string{
	"a lot", "so much", "very much", "so", "very", "much", "again", "there", "all", "guys", "team", "you", "for your help", "for the help", "for help", "anyway", "then", "now", "and", "oh", "ah", "well", "really", "then", "lol", "haha", "pls", "please", "mate", "man", "folks", "everyone", "support", "bot", "it", "that", "this", "was", "is",
	"большое", "огромное", "вам", "тебе", "за помощь", "еще раз", "ну", "и", "вот", "все", "ребята", "очень", "тогда", "уже", "так",
	"非常", "很", "太", "了", "啊", "呀", "啦", "哈", "哈哈", "吧", "呢", "你", "您", "你们", "大家", "的",
}

// emojiActs are pictographs that carry an act on their own.
var emojiActs = map[rune]Act{'👍': ActAck, '👌': ActAck, '🙏': ActThanks, '👋': ActGreeting, '👎': ActNotHelped}

// actLexicon is the compiled phrase list: word sequences for alphabetic
// scripts, substrings for Han text.
type actLexicon struct {
	words [][]string // longest first
	acts  []Act      // acts[i] is words[i]'s act; "" for a filler
	han   []string   // longest first
	hanA  []Act
}

var defaultActs = compileActs()

func compileActs() *actLexicon {
	l := &actLexicon{}
	add := func(p string, a Act) {
		if hasHan(p) {
			l.han, l.hanA = append(l.han, p), append(l.hanA, a)
			return
		}
		if w := rawWords(p); len(w) > 0 {
			l.words, l.acts = append(l.words, w), append(l.acts, a)
		}
	}
	for a, ps := range actPhrases {
		for _, p := range ps {
			add(p, a)
		}
	}
	for _, p := range actFillers {
		add(p, "")
	}
	// Longest first, so that "thank you so much" is read as one act and
	// not as thanks plus stray words; ties by act rank for determinism.
	sortByLen(l.words, l.acts, func(w []string) int { return len(w) })
	sortByLen(l.han, l.hanA, func(s string) int { return len([]rune(s)) })
	return l
}

// sortByLen sorts keys (and their acts alongside) by decreasing length,
// then by decreasing act rank.
func sortByLen[K any](keys []K, acts []Act, n func(K) int) {
	idx := make([]int, len(keys))
	for i := range idx {
		idx[i] = i
	}
	less := func(a, b int) bool {
		if n(keys[a]) != n(keys[b]) {
			return n(keys[a]) > n(keys[b])
		}
		return actRank[acts[a]] > actRank[acts[b]]
	}
	// Insertion sort: the lists are a few hundred entries, compiled once.
	for i := 1; i < len(idx); i++ {
		for j := i; j > 0 && less(idx[j], idx[j-1]); j-- {
			idx[j], idx[j-1] = idx[j-1], idx[j]
		}
	}
	k2, a2 := make([]K, len(keys)), make([]Act, len(acts))
	for i, j := range idx {
		k2[i], a2[i] = keys[j], acts[j]
	}
	copy(keys, k2)
	copy(acts, a2)
}

// maxActWords bounds the messages read as acts: a long message is a
// question or a story, whatever its words.
const maxActWords = 12

// classifyAct returns the act a whole message is, or ActNone when any part
// of it is not an act phrase or a filler.
func classifyAct(text string) Act {
	return defaultActs.classify(text)
}

func (l *actLexicon) classify(text string) Act {
	best := ActNone
	take := func(a Act) {
		if actRank[a] > actRank[best] {
			best = a
		}
	}
	visible := false
	var han strings.Builder
	for _, r := range text {
		switch {
		case isHanRune(r):
			han.WriteRune(r)
			visible = true
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			visible = true
		case emojiActs[r] != "":
			take(emojiActs[r])
		}
	}
	words := rawWords(text)
	if !visible {
		if best != ActNone {
			return best
		}
		return ActEmpty
	}
	if len(words)+len([]rune(han.String()))/2 > maxActWords {
		return ActNone
	}
	// Han text: remove act phrases and fillers; anything left is content.
	if rest := han.String(); rest != "" {
		for i, p := range l.han {
			if strings.Contains(rest, p) {
				rest = strings.ReplaceAll(rest, p, " ")
				if l.hanA[i] != "" {
					take(l.hanA[i])
				}
			}
		}
		if strings.TrimSpace(rest) != "" {
			return ActNone
		}
	}
	// Alphabetic words: cover the message left to right with the longest
	// phrase that fits at each position.
	for i := 0; i < len(words); {
		n := 0
		for k, p := range l.words {
			if hasPrefixWords(words[i:], p) {
				n = len(p)
				if l.acts[k] != "" {
					take(l.acts[k])
				}
				break
			}
		}
		if n == 0 {
			return ActNone
		}
		i += n
	}
	return best
}

func hasPrefixWords(words, p []string) bool {
	if len(p) > len(words) {
		return false
	}
	for i := range p {
		if words[i] != p[i] {
			return false
		}
	}
	return true
}

// actReplies are the engine's replies to acts, per language; English
// stands in for a language without its own.
var actReplies = map[string]map[Act]string{
	"en": {
		ActGreeting:  "Hello! What can I help you with?",
		ActThanks:    "You're welcome! Is there anything else I can help with?",
		ActAck:       "Is there anything else I can help with?",
		ActGoodbye:   "Goodbye, and have a nice day!",
		ActEmpty:     "What would you like to know? Type your question and I'll look it up.",
		ActHelped:    "Glad that helped! Is there anything else?",
		ActNotHelped: "Sorry that did not help. Could you tell me more, or shall I pass you to a person? Just say \"talk to a human\".",
	},
	"ru": {
		ActGreeting:  "Здравствуйте! Чем могу помочь?",
		ActThanks:    "Пожалуйста! Могу ли я помочь чем-то ещё?",
		ActAck:       "Могу ли я помочь чем-то ещё?",
		ActGoodbye:   "До свидания, хорошего дня!",
		ActEmpty:     "Что вы хотели бы узнать? Напишите вопрос, и я поищу ответ.",
		ActHelped:    "Рад, что помогло! Могу ли я помочь чем-то ещё?",
		ActNotHelped: "Жаль, что это не помогло. Расскажите подробнее или напишите «позовите оператора», и я передам разговор сотруднику.",
	},
	"zh": {
		ActGreeting:  "您好！请问有什么可以帮您？",
		ActThanks:    "不客气！还有其他可以帮您的吗？",
		ActAck:       "还有其他可以帮您的吗？",
		ActGoodbye:   "再见，祝您愉快！",
		ActEmpty:     "请问您想了解什么？请输入您的问题。",
		ActHelped:    "很高兴能帮到您！还有其他问题吗？",
		ActNotHelped: "抱歉没能帮到您。请告诉我更多细节，或者输入“转人工”，我会为您转接客服。",
	},
}

// actReply is the reply to act in lang.
func actReply(act Act, lang string) string {
	if r, ok := actReplies[lang][act]; ok {
		return r
	}
	return actReplies["en"][act]
}
