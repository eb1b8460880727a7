package eval

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// Email rewrites a seeded share of a suite's questions the way they arrive
// by email: a greeting, the question, a sign-off and a name, a signature,
// and the support team's earlier reply quoted below, as mail clients write
// a reply (Gmail's and Apple Mail's attribution line, Outlook's header
// block, Yandex's, QQ Mail's). The quoted reply names another question of
// the same suite, so it is written in the knowledge base's words, as a real
// thread is. The question keeps its label; whatever the engine loses is
// what the email's trailing matter costs.
type Email struct {
	// Fraction of the questions to rewrite, in [0,1].
	Fraction float64
	// Seed fixes which questions, which formats and which quoted question.
	Seed uint64
}

// emailLexicon is one language's email parts; in the quote headers, %s is
// the support team's name.
type emailLexicon struct {
	greetings, signoffs, names, signatures, headers, replies []string
	// support is the team's name in the headers.
	support string
	// regards closes the quoted reply.
	regards string
}

var emailLexicons = map[string]emailLexicon{
	"en": {
		greetings:  []string{"Hi,", "Hello,", "Dear support team,", "Good morning,"},
		signoffs:   []string{"Thanks,", "Best regards,", "Kind regards,", "Thank you,"},
		names:      []string{"Anna", "Tom Baker", "Priya", "J. Miller"},
		signatures: []string{"-- \n%s | +1 555 0100", "Sent from my iPhone", "-- \n%s\nOperations Manager", ""},
		headers: []string{
			"On Mon, 1 Dec 2026 at 10:00, %s <support@example.com> wrote:",
			"On 1 Dec 2026, at 10:00, %s <support@example.com> wrote:",
			"________________________________\nFrom: %s <support@example.com>\nSent: Monday, December 1, 2026 10:00 AM\nTo: customer@example.org\nSubject: Re: Your request",
			"-----Original Message-----\nFrom: %s <support@example.com>\nSent: Monday, December 1, 2026 10:00 AM\nSubject: Re: Your request",
		},
		replies: []string{"thank you for your message about \"%s\".", "regarding your question \"%s\": we have looked into it.", "you asked us: \"%s\"."},
		support: "Support team", regards: "Kind regards, the support team",
	},
	"ru": {
		greetings:  []string{"Здравствуйте!", "Добрый день.", "Здравствуйте, уважаемая поддержка."},
		signoffs:   []string{"Спасибо.", "С уважением,", "Заранее спасибо,"},
		names:      []string{"Анна", "Сергей Петров", "Ольга"},
		signatures: []string{"--\nОтправлено из мобильной Почты Mail.ru", "Отправлено с iPhone", "-- \n%s, тел. +7 900 000-00-00", ""},
		headers: []string{
			"пн, 1 дек. 2026 г. в 10:00, %s <support@example.com>:",
			"01.12.2026, 10:00, \"%s\" <support@example.com>:",
			"От: %s <support@example.com>\nОтправлено: 1 декабря 2026 г. 10:00\nКому: client@example.org\nТема: Re: Ваше обращение",
		},
		replies: []string{"спасибо за обращение по вопросу «%s».", "по вашему вопросу «%s» сообщаем следующее.", "вы спрашивали: «%s»."},
		support: "Служба поддержки", regards: "С уважением, служба поддержки",
	},
	"zh": {
		greetings:  []string{"您好，", "客服你好：", "你好！"},
		signoffs:   []string{"谢谢！", "此致", "麻烦了，谢谢。"},
		names:      []string{"王芳", "李明", "小张"},
		signatures: []string{"发自我的iPhone", "-- \n%s 138 0000 0000", ""},
		headers: []string{
			"在 2026年12月1日周一 10:00，%s <support@example.com> 写道：",
			"------------------ 原始邮件 ------------------\n发件人: \"%s\"<support@example.com>;\n发送时间: 2026年12月1日(星期一) 上午10:00\n主题: 回复：您的咨询",
		},
		replies: []string{"感谢您关于“%s”的来信。", "关于您咨询的“%s”，答复如下。", "您问到：“%s”。"},
		support: "客服中心", regards: "客服中心 敬上",
	},
}

// Apply returns a copy of s with the email rewriting applied: the chosen
// questions' text changes (meta "email" records it), nothing else.
func (e Email) Apply(s *Suite) (*Suite, error) {
	return rewrite(s, "email", e.Fraction, e.Seed, 0x656d61696c, func(i int, q Query, r *rand.Rand) (string, bool) { // "email"
		lex, ok := emailLexicons[q.Lang]
		if !ok || len(s.Queries) < 2 {
			return "", false
		}
		// Another question of the suite, for the quoted reply.
		j := r.IntN(len(s.Queries) - 1)
		if j >= i {
			j++
		}
		return lex.wrap(q.Text, strings.TrimSpace(s.Queries[j].Text), r), true
	})
}

// wrap writes text as an email replying to the support team's earlier
// message about other.
func (l emailLexicon) wrap(text, other string, r *rand.Rand) string {
	name := pick(l.names, r)
	var b strings.Builder
	b.WriteString(pick(l.greetings, r) + "\n\n" + strings.TrimSpace(text) + "\n\n" + pick(l.signoffs, r) + "\n" + name + "\n")
	if sig := pick(l.signatures, r); sig != "" {
		if strings.Contains(sig, "%s") {
			sig = fmt.Sprintf(sig, name)
		}
		b.WriteString(sig + "\n")
	}
	header := fmt.Sprintf(pick(l.headers, r), l.support)
	b.WriteString("\n" + header + "\n")
	// Under an attribution line the reply is quoted with "> "; under a
	// header block (Outlook, QQ Mail) it follows as it was.
	quote := "> "
	if strings.Contains(header, "\n") {
		quote = ""
		b.WriteString("\n")
	}
	for _, line := range []string{name + ",", fmt.Sprintf(pick(l.replies, r), other), l.regards} {
		b.WriteString(quote + line + "\n")
	}
	return strings.TrimRight(b.String(), "\n")
}
