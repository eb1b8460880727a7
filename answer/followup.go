package answer

import "strings"

// Follow-up markers: pronouns, ellipsis openers and "what about" forms
// that make a short question depend on the previous one.
var (
	followWords = map[string]bool{
		// en
		"it": true, "its": true, "that": true, "this": true, "they": true, "them": true, "those": true,
		"these": true, "there": true, "and": true, "also": true, "about": true, "same": true, "else": true,
		// ru
		"а": true, "и": true, "это": true, "этот": true, "эта": true, "эти": true, "его": true, "ее": true,
		"их": true, "он": true, "она": true, "оно": true, "они": true, "там": true, "тогда": true,
		"еще": true, "тоже": true, "также": true, "насчет": true,
	}
	followHan = []string{"那", "呢", "它", "这个", "那个", "还有", "也", "这", "其"}
	// inLang asks for the previous answer in another language.
	inLang = []struct{ phrase, lang string }{
		{"in english", "en"}, {"in russian", "ru"}, {"in chinese", "zh"}, {"in mandarin", "zh"},
		{"по-английски", "en"}, {"по английски", "en"}, {"на английском", "en"},
		{"по-русски", "ru"}, {"по русски", "ru"}, {"на русском", "ru"},
		{"по-китайски", "zh"}, {"по китайски", "zh"}, {"на китайском", "zh"},
		{"英文", "en"}, {"英语", "en"}, {"俄语", "ru"}, {"俄文", "ru"}, {"中文", "zh"}, {"汉语", "zh"},
	}
)

// maxFollowTerms is the most content terms a question may have and still be
// read as a follow-up.
const maxFollowTerms = 3

// followUp makes question standalone from the previous customer questions
// without a model: a short question (at most maxFollowTerms content terms)
// that has a follow-up marker, or that has only one content term, is
// prefixed with the previous standalone question, so that "а сколько
// стоит?" after "Как подключить датчик движения?" retrieves with both. It
// returns the standalone question and, when the question only asks for
// another language ("and in Russian?"), that language.
func followUp(history []Message, q analyzed) (standalone, lang string) {
	question := q.text
	prev := previousQuestions(history)
	if len(prev) == 0 {
		return question, ""
	}
	low := lower(question)
	for _, il := range inLang {
		if strings.Contains(low, il.phrase) {
			lang = il.lang
			break
		}
	}
	if !isFollowUp(q, lang != "") {
		return question, ""
	}
	// The previous question may itself have been a follow-up.
	base := prev[len(prev)-1]
	for i := len(prev) - 2; i >= 0 && i >= len(prev)-3; i-- {
		if !isFollowUp(analyzeText(base), false) {
			break
		}
		base = prev[i] + " " + base
	}
	if lang != "" {
		// The message only names a language: the previous question is
		// asked again, without the language's name among its terms.
		return strings.TrimSpace(base), lang
	}
	return strings.TrimSpace(base) + " " + strings.TrimSpace(question), lang
}

// isFollowUp reports whether question reads as depending on a previous one.
func isFollowUp(q analyzed, asksLang bool) bool {
	question := q.text
	n := len(q.terms)
	if h := hanCount(question); h > 0 {
		// Han text analyzes into unigrams and bigrams: count characters,
		// about two to a word.
		n = (h+1)/2 + len(rawWords(question))
	}
	if asksLang && n <= maxFollowTerms+1 {
		return true
	}
	if n > maxFollowTerms {
		return false
	}
	if n <= 1 {
		return true
	}
	for _, w := range rawWords(question) {
		if followWords[w] {
			return true
		}
	}
	for _, h := range followHan {
		if strings.Contains(question, h) {
			return true
		}
	}
	return false
}

// previousQuestions returns the customer questions of history, oldest
// first.
func previousQuestions(history []Message) []string {
	var out []string
	for _, m := range history {
		// Small talk ("ok", "спасибо") is no question to follow up on.
		if m.Role == RoleCustomer && strings.TrimSpace(m.Text) != "" && classifyAct(m.Text) == ActNone {
			out = append(out, m.Text)
		}
	}
	return out
}

// Message roles.
const (
	RoleCustomer  = "customer"
	RoleAssistant = "assistant"
	RoleAgent     = "agent"
)
