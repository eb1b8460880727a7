package answer

import (
	"strings"
	"unicode"
)

// Chinese help centres often state their siblings' facts in parallel
// clauses of one sentence, each clause's subject a sibling's name ending in
// the same character: "武林店有 40 个新能源专用车位，滨江店在入口附近设有新能源
// 专用车位区", "初中部小班最多 6 人，高中部小班最多 8 人。小学部小班按年级组班。".
// A number in the first clause is 武林店's, not 滨江店's. clauseMiss reads
// that layout; segmentMiss reads the labelled one ("标准快递：…").

// clauseSubjectRunes are the lengths of a parallel clause's subject: a
// modifier of two or three Han characters and a head of one (武林店,
// 初中部, 经济型房).
var clauseSubjectRunes = [...]int{3, 4}

// notClauseHead are characters that cannot end a sibling's name at the
// start of a clause: particles, verbs and conjunctions ("中国的", "我们在"),
// and the heads of people's and parties' roles (寄件人 and 收件人, 买方 and
// 卖方 are the two sides of one case, not siblings: "寄件人付运费，收件人…"
// answers who pays).
const notClauseHead = notModifier + "有为会能要可将已再并但而人方者"

// clauseSplit reports the characters that end a clause within a sentence.
func clauseSplit(r rune) bool { return strings.ContainsRune("，；,;", r) }

// clauseMiss reports whether the cited passage (its sentences, sents) holds
// the value the question asks for (asked, answer types) only in clauses
// whose subject is another sibling than the one the question names: the
// passage writes at least two parallel clauses whose subjects end in the
// same character (siblings), the question names exactly one of them (its
// name or its modifier), that sibling's clauses hold no value of the asked
// type, and another sibling's clause does. A clause without a subject
// belongs to the subject before it in its sentence.
func clauseMiss(question string, asked answerType, sents []string) bool {
	if asked == 0 || !hasHan(question) {
		return false
	}
	var clauses [][]rune // every clause of every sentence, in order
	var starts []bool    // whether clause i begins its sentence
	for _, sent := range sents {
		if !hasHan(sent) {
			continue
		}
		for j, c := range strings.FieldsFunc(sent, clauseSplit) {
			clauses = append(clauses, []rune(strings.TrimSpace(c)))
			starts = append(starts, j == 0)
		}
	}
	// held[i] is whether clause i holds a value of the asked type, read
	// once whichever subject length reads it.
	held := map[int]bool{}
	holds := func(i int) bool {
		h, ok := held[i]
		if !ok {
			h = evidenceOf(string(clauses[i]), asked) != 0
			held[i] = h
		}
		return h
	}
	for _, n := range clauseSubjectRunes {
		if clauseMissN(question, clauses, starts, n, holds) {
			return true
		}
	}
	return false
}

// clauseMissN is clauseMiss for subjects of n runes; holds says whether a
// clause holds the asked value.
func clauseMissN(question string, clauses [][]rune, starts []bool, n int, holds func(int) bool) bool {
	subjectOf := make([]string, len(clauses))
	heads := map[rune]map[string]bool{} // head → the subjects ending in it
	current := ""
	for i, rs := range clauses {
		if starts[i] {
			current = ""
		}
		if len(rs) > n && allHan(rs[:n]) && !strings.ContainsRune(notClauseHead, rs[n-1]) && !strings.ContainsRune(notModifier, rs[0]) {
			current = string(rs[:n])
			if heads[rs[n-1]] == nil {
				heads[rs[n-1]] = map[string]bool{}
			}
			heads[rs[n-1]][current] = true
		}
		subjectOf[i] = current
	}
	for h, subjects := range heads {
		if len(subjects) < 2 {
			continue
		}
		// The sibling the question names: exactly one of them.
		named := ""
		for s := range subjects {
			if strings.Contains(question, s) || strings.Contains(question, strings.TrimSuffix(s, string(h))) {
				if named != "" {
					named = ""
					break
				}
				named = s
			}
		}
		if named == "" {
			continue
		}
		var own, other, written bool
		for i, s := range subjectOf {
			switch {
			case !subjects[s]:
			case s == named:
				written = true
				own = own || holds(i)
			default:
				other = other || holds(i)
			}
		}
		if written && other && !own {
			return true
		}
	}
	return false
}

// allHan reports whether every rune of rs is Han.
func allHan(rs []rune) bool {
	for _, r := range rs {
		if !unicode.Is(unicode.Han, r) {
			return false
		}
	}
	return true
}
