package eval

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"unicode/utf8"
)

// Chat rewrites a seeded share of a suite's questions the way customers
// write in a support chat: a greeting before the question, a sentence of
// context about themselves, thanks after it, the question mark left out.
//
// The shared suites ask clean, single-sentence questions, and their
// unanswerable ones come from other datasets: their words are new to the
// knowledge base. A model fitted on them learns that words the index has
// never seen mean "off topic" (the oov feature) and that a longer question
// is a more specific one (query_len), and a customer's "Hi, my daughter
// uses it on the bus, …" then reads as off-topic chatter. Wrapped, the same
// question keeps its label (answerable or not, and its relevant documents),
// so a model fitted on wrapped questions learns what chatter does not
// change. The wrappers are generic — written once, in English, Russian and
// Chinese, from no suite's questions — and say nothing about the question's
// topic; a question in another language is left as it is.
type Chat struct {
	// Fraction of the questions to wrap, in [0,1].
	Fraction float64
	// Seed fixes which questions and which wrappers.
	Seed uint64
}

// chatLexicon is one language's wrappers. Context sentences mention
// everyday things (family, a phone, a trip) that a help centre rarely
// names: in a real chat they are the words the knowledge base has never
// seen.
type chatLexicon struct {
	greetings, context, thanks []string
	// sep joins the parts (a space; nothing in Chinese).
	sep string
	// mark is the question mark that may be left out.
	mark string
}

var chatLexicons = map[string]chatLexicon{
	"en": {
		greetings: []string{"Hi,", "Hello!", "Hi there.", "Hey,", "Good morning.", "Good evening!", "Hello, hope you are well."},
		context: []string{
			"I have a quick question.",
			"Sorry to bother you.",
			"I've been trying to figure this out all evening.",
			"A friend told me to ask here.",
			"My wife asked me to check.",
			"I'm writing from my phone, sorry for typos.",
			"I looked everywhere but got confused.",
			"This is my first time contacting you.",
			"My son set this up for me last weekend.",
			"We are going on holiday next month.",
			"I'm at work right now so I can't call.",
		},
		thanks: []string{"Thanks!", "Thank you.", "Thanks in advance.", "Cheers", "Appreciate the help.", "Please help.", "Thank you so much!!"},
		sep:    " ", mark: "?",
	},
	"ru": {
		greetings: []string{"Здравствуйте!", "Добрый день.", "Привет.", "Добрый вечер!", "Здравствуйте, подскажите пожалуйста."},
		context: []string{
			"У меня вопрос.",
			"Извините за беспокойство.",
			"Весь вечер не могу разобраться.",
			"Подруга посоветовала написать сюда.",
			"Жена попросила уточнить.",
			"Пишу с телефона, извините за ошибки.",
			"Я у вас впервые.",
			"Сын мне всё настроил на выходных.",
			"Мы в следующем месяце уезжаем в отпуск.",
			"Я сейчас на работе, позвонить не могу.",
		},
		thanks: []string{"Спасибо!", "Заранее спасибо.", "Помогите, пожалуйста.", "Буду благодарна за ответ.", "Спасибо большое!!"},
		sep:    " ", mark: "?",
	},
	"zh": {
		greetings: []string{"你好，", "您好！", "在吗？", "客服你好，", "亲，"},
		context: []string{
			"想咨询一下。",
			"打扰了。",
			"找了半天没找到。",
			"朋友让我来问问。",
			"我老婆让我问一下。",
			"用手机打字，见谅。",
			"第一次用，不太懂。",
			"儿子周末帮我弄的。",
			"下个月我们要去旅游。",
			"现在在上班，不方便打电话。",
		},
		thanks: []string{"谢谢！", "麻烦了。", "多谢", "急，谢谢。", "辛苦了！"},
		sep:    "", mark: "？",
	},
}

// Apply returns a copy of s with the chat wrapping applied: the chosen
// questions' text changes (meta "chat" records it), nothing else.
func (c Chat) Apply(s *Suite) (*Suite, error) {
	return rewrite(s, "chat", c.Fraction, c.Seed, 0x63686174, func(_ int, q Query, r *rand.Rand) (string, bool) { // "chat"
		lex, ok := chatLexicons[q.Lang]
		if !ok {
			return "", false
		}
		return lex.wrap(q.Text, r), true
	})
}

// rewrite returns a copy of s in which a seeded share fraction of the
// questions has the text f writes (f reports false to leave one as it
// is), marked with meta key what; nothing else changes. There is one
// random stream per suite, from seed, salt and the suite's name, so that a
// suite's rewriting does not depend on which other suites run.
func rewrite(s *Suite, what string, fraction float64, seed, salt uint64, f func(i int, q Query, r *rand.Rand) (string, bool)) (*Suite, error) {
	if !(fraction >= 0 && fraction <= 1) {
		return nil, fmt.Errorf("%s fraction %v: want a value in [0,1]", what, fraction)
	}
	out := *s
	out.Queries = append([]Query(nil), s.Queries...)
	if fraction == 0 {
		return &out, nil
	}
	r := rand.New(rand.NewPCG(seed, salt^suiteSeed(s.Name)))
	for i, q := range out.Queries {
		if r.Float64() >= fraction {
			continue
		}
		text, ok := f(i, q, r)
		if !ok {
			continue
		}
		q.Text = text
		q.Meta = withMeta(q.Meta, what, true)
		out.Queries[i] = q
	}
	return &out, nil
}

// wrap puts text in a chat: at least one of a greeting, a context
// sentence and thanks, and sometimes no question mark.
func (l chatLexicon) wrap(text string, r *rand.Rand) string {
	greet, ctx, thanks := r.Float64() < 0.5, r.Float64() < 0.5, r.Float64() < 0.35
	if !greet && !ctx && !thanks {
		ctx = true
	}
	text = strings.TrimSpace(text)
	if r.Float64() < 0.3 {
		if t, ok := strings.CutSuffix(text, l.mark); ok {
			text = t
		} else if t, ok := strings.CutSuffix(text, "?"); ok {
			text = t
		}
	}
	var parts []string
	if greet {
		parts = append(parts, pick(l.greetings, r))
	}
	if ctx {
		parts = append(parts, pick(l.context, r))
	}
	parts = append(parts, text)
	if thanks {
		last := parts[len(parts)-1]
		if l.sep == "" {
			// Chinese: a clause without a final mark takes a comma.
			if end, _ := utf8.DecodeLastRuneInString(last); !strings.ContainsRune("。！？，!?", end) {
				parts[len(parts)-1] = last + "，"
			}
		}
		parts = append(parts, pick(l.thanks, r))
	}
	return strings.Join(parts, l.sep)
}

func pick(s []string, r *rand.Rand) string { return s[r.IntN(len(s))] }

// suiteSeed is a suite name's FNV-1a hash.
func suiteSeed(name string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(name); i++ {
		h ^= uint64(name[i])
		h *= 1099511628211
	}
	return h
}
