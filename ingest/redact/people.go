package redact

import (
	"regexp"
	"regexp/syntax"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Person names and street addresses have no checksum: they are found with
// name lists, the shapes of names (initials, Russian patronymics and
// surname endings), the words that introduce a name ("my name is", "Mr."),
// and the shapes of addresses (a house number next to a street word, unit
// and post-box numbers, Russian and Chinese address words). No model and
// no network: precision comes from requiring two signals where one would be
// ambiguous.

var (
	// nameToken is a capitalised word (with inner hyphen or apostrophe) or
	// an initial.
	nameToken = regexp.MustCompile(`(?:Mc|Mac|De|Le|La|Van|Von|Di|Da)?\p{Lu}\p{Ll}+(?:-\p{Lu}?\p{Ll}+|['’]\p{Lu}\p{Ll}+)*|\p{Lu}\.|\b\p{Lu}\b`)
	// nameCue introduces a name.
	nameCue = regexp.MustCompile(`(?i)(?:\bmy name is|\bmy name's|\bi am|\bi'm|\bthis is|\bcall me|\bname:|\bname\?(?:\s*\w+:)?|\bname is|\bname on the \w+ is|\bdear|\bregards,|\bsincerely,|\bthanks,|\b(?:said|asked|told|heard|starring|directed by|written by|follow up with|(?:speak|spoke|talk|talked|spoken|chat) (?:to|with)|assistant to|(?:husband|wife|son|daughter|brother|sister|mother|father|friend|colleague|partner|guardian|boss|manager|commenter|player|singer|songwriter|writer|author|actor|actress|artist|customer|client|patient)(?:'s name is)?)|(?:first |last |sur|maiden |full )name is|(?-i:\b(?:Mr|Mrs|Ms|Miss|Dr|Prof|MR|MRS|mr|mrs|ms|miss|dr|prof)\.?)|меня зовут|зовут|\bгосподин|\bгоспожа|\bг-н|\bг-жа)\s*$`)
	// strongCue may introduce a single unknown word as a name.
	strongCue = regexp.MustCompile(`(?i)(?:\bmy name is|\bmy name's|\bcall me|\b(?:named (?:him|her)|(?:first |last |sur|maiden |full )name is)|\bname:|\bname\?(?:\s*\w+:)?|\bname is|\bdear|(?-i:\b(?:Mr|Mrs|Ms|Dr|Prof|MR|MRS|mr|mrs|ms|dr|prof)\.?)|меня зовут|\bгосподин|\bгоспожа|\bг-н|\bг-жа)\s*$`)
	// rePatronymic: a patronymic in any case ("Петрович", "Николаевне").
	rePatronymic = regexp.MustCompile(`^\p{Lu}\p{Ll}+(?:(?:ович|евич|ьич)(?:а|у|ем|е)?|(?:овн|евн|ичн|иничн)(?:а|ы|е|у|ой))$`)
	reRuSurname  = regexp.MustCompile(`^\p{Lu}\p{Ll}+(?:ов|ев|ёв|ин|ын|ский|цкий|ской|ова|ева|ёва|ина|ына|ская|цкая|енко)$`)

	// postCue follows a person's name: verbs whose subject is a person.
	postCue = regexp.MustCompile(`^(?:['’]s)?,? (?:said|asked|told|wrote|replied|lives|lived|is from|was born|spent|listed|had given|has given|gave|emailed)\b`)
	// reParticles joins the parts of a name: "Maika van de Noort", "Ana
	// da Silva", "Ludwig van der Rohe".
	reParticles = regexp.MustCompile(`^ (?:(?:van|von|de|der|den|da|di|dos|das|du|ten|ter|bin|ibn|al) )+$`)

	reZhName = regexp.MustCompile(`(?:我叫|我是|叫做|名叫|姓名[:：]?\s*|联系人[:：]?\s*|收件人[:：]?\s*|客户|用户|顾客|会员|同事|快递员|骑手|工程师|客服)(\p{Han}{2,4})|(\p{Han}{1,3})(?:先生|女士|小姐|老师|经理|师傅|同学)|(\p{Han}{2,3})(?:反馈|投诉|来电|表示|留言)`)
)

// surnameEndings are surname endings of many languages (Nordic -sen/-son,
// Slavic -ski/-ová/-wicz, Finnish -nen, Greek -opoulos, Georgian,
// Armenian): lower-case letters only.
var surnameEndings = strings.Fields(`sen ssen sson ski ska sky cki cka wicz ewicz owicz ová ovà ovich nen opoulos poulos idis akis shvili dze yan escu enko chuk czyk dóttir dottir ić ič ović ević ov ova ev eva yev yeva iev ieva ovna evna ez elli etti ucci yama kawa gawa moto mura hara saki zaki shita naga mori guchi hashi oglu oğlu zadeh`)

// surnameShape reports whether w has the shape of a surname: a capital,
// lower-case letters and one of surnameEndings after at least one of them
// ("Christiansen", "Nowakowska"), or an Irish or Scottish prefix before a
// capitalised word ("McAllister", "O'Brien"). It is the regular expression
// ^(?:\p{Lu}\p{Ll}+(?:ENDING|…)|Mc\p{Lu}\p{Ll}+|O['’]\p{Lu}\p{Ll}+)$
// written out (TestSurnameShape): the regexp tried every ending after every
// split of the word's letters, on every capitalised word of a text.
func surnameShape(w string) bool {
	if rest, ok := strings.CutPrefix(w, "Mc"); ok && capitalised(rest) {
		return true
	}
	if rest, ok := strings.CutPrefix(w, "O'"); ok && capitalised(rest) {
		return true
	}
	if rest, ok := strings.CutPrefix(w, "O’"); ok && capitalised(rest) {
		return true
	}
	if !capitalised(w) {
		return false
	}
	_, n := utf8.DecodeRuneInString(w)
	lower := w[n:] // valid UTF-8, lower-case letters only
	for _, e := range surnameEndings {
		if len(lower) > len(e) && strings.HasSuffix(lower, e) {
			return true
		}
	}
	return false
}

// capitalised reports whether w is one upper-case letter then one or more
// lower-case letters (\p{Lu}\p{Ll}+).
func capitalised(w string) bool {
	r, n := utf8.DecodeRuneInString(w)
	if !unicode.Is(unicode.Lu, r) || n == len(w) {
		return false
	}
	for _, r := range w[n:] {
		if !unicode.Is(unicode.Ll, r) {
			return false
		}
	}
	return true
}

// notNames are capitalised words that start or join runs but are not
// names: sentence openers, titles, months, days and the like.
var notNames = wordSet(`
the a an and or but if then when while this that these those what where why how who whom whose which can could would should will shall do does did is are was were has have had my your his her our their its we you he she it they i hi hello hey dear thanks thank please yes no ok okay sorry mr mrs ms miss dr prof sir madam
january february march april may june july august september october november december monday tuesday wednesday thursday friday saturday sunday
street road avenue lane drive court place way boulevard suite apt apartment unit box floor room
president vice mayor governor senator minister chancellor general major colonel captain lieutenant sergeant admiral commander officer king queen prince princess emperor empress duke duchess lord lady sir saint st rev reverend pope cardinal bishop archbishop pastor rabbi imam judge justice professor doctor archaeologist historian hurricane storm typhoon cyclone tropical
я мы вы он она они это как где когда почему что кто здравствуйте добрый доброе спасибо привет уважаемый уважаемая господин госпожа курьер менеджер оператор клиент клиентка сотрудник мастер водитель специалист инженер врач директор
`)

// foldName lowercases and strips accents: "Jürgen" → "jurgen".
func foldName(w string) string {
	w = strings.ToLower(w)
	if isASCII(w) {
		return w
	}
	b := make([]rune, 0, len(w))
	for _, r := range norm.NFD.String(w) {
		switch {
		case r == '\u0306' && len(b) > 0 && b[len(b)-1] == 'и':
			// "й" is a letter of its own in Russian, not "и" with a
			// breve: "Дмитрий" stays "дмитрий".
			b[len(b)-1] = 'й'
		case unicode.Is(unicode.Mn, r):
		case r == 'ø':
			b = append(b, 'o')
		case r == 'ł':
			b = append(b, 'l')
		case r == 'ß':
			b = append(b, 's', 's')
		default:
			b = append(b, r)
		}
	}
	return norm.NFC.String(string(b))
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

type token struct {
	a, b    int
	word    string // folded
	initial bool   // "D." or a bare "D" between two name words
}

// zhNameCues are the words of reZhName, one of which its every match holds.
var zhNameCues = []string{"我叫", "我是", "叫做", "名叫", "姓名", "联系人", "收件人", "客户", "用户", "顾客", "会员", "同事", "快递员", "骑手", "工程师", "客服", "反馈", "投诉", "来电", "表示", "留言", "先生", "女士", "小姐", "老师", "经理", "师傅", "同学"}

// findNames returns person-name spans; t is traitsOf(s).
func findNames(s string, t traits) []Span {
	var out []Span
	switch {
	case t.has(hasUpper): // every name token and speaker label starts with one
		out = latinCyrillicNames(s)
	case hasLowerLatinCyrillic(s):
		// Text written all in lower case: names are found by their lists.
		if c, ok := capitaliseNames(s); ok {
			out = latinCyrillicNames(c)
		} else if strings.IndexByte(s, '\n') >= 0 {
			out = blockHead(s) // "guðgeir bergsveinsson\n…"
		}
	}
	if t.has(hasNonASCII) && containsAny(s, zhNameCues) {
		for _, m := range reZhName.FindAllStringSubmatchIndex(s, -1) {
			// Groups: after a cue, before a title, before a verb. Only
			// before a title ("(请)李先生") may the match have started
			// before the surname.
			a, b, title := m[2], m[3], false
			switch {
			case m[2] >= 0:
			case m[4] >= 0:
				a, b, title = m[4], m[5], true
			default:
				a, b = m[6], m[7]
			}
			if a, b, ok := zhName(s, a, b, title); ok {
				out = append(out, Span{Start: a, End: b, Type: Name})
			}
		}
	}
	return out
}

// containsAny reports whether s holds one of subs.
func containsAny(s string, subs []string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}

// latinCyrillicNames returns the names made of capitalised words, the
// speaker labels and the other mentions of both.
func latinCyrillicNames(s string) []Span {
	var out []Span
	locs := nameToken.FindAllStringIndex(s, -1)
	for i := 0; i < len(locs); {
		// A run: tokens separated by one space (or ". " after an initial).
		run := []token{mkToken(s, locs[i])}
		j := i + 1
		for ; j < len(locs) && len(run) < 4; j++ {
			gap := s[locs[j-1][1]:locs[j][0]]
			if gap != " " && !(gap == "" && strings.HasSuffix(s[locs[j-1][0]:locs[j-1][1]], ".")) && !(len(gap) > 3 && len(gap) < 16 && gap[0] == ' ' && reParticles.MatchString(gap)) {
				break
			}
			run = append(run, mkToken(s, locs[j]))
		}
		i = j
		// Leading words that are not names ("Dear", "The") only cue.
		for len(run) > 0 && !run[0].initial && notNames[run[0].word] {
			run = run[1:]
		}
		for len(run) > 0 && (run[len(run)-1].initial && len(run) == 1 || !run[len(run)-1].initial && notNames[run[len(run)-1].word]) {
			run = run[:len(run)-1]
		}
		// A capitalised Russian verb or noun opening the sentence before a
		// name is not part of it: "Передайте Ольге Николаевне".
		if len(run) > 1 && cyrillic(s[run[0].a:run[0].b]) && !ruNamePart(s, run[0]) && (ruNamePart(s, run[1]) || len(run) > 2 && ruNamePart(s, run[2])) && sentenceStart(s, run[0].a) {
			run = run[1:]
		}
		if len(run) == 0 || !glueFree(s, run[0].a, run[len(run)-1].b) || bareInitialAtEdge(s, run) || placeOrOrg(s, run) {
			continue
		}
		if sub := nameIn(s, run); len(sub) > 0 {
			out = append(out, Span{Start: sub[0].a, End: sub[len(sub)-1].b, Type: Name})
		}
	}
	if strings.IndexByte(s, ':') >= 0 { // a speaker label ends with one
		out = append(out, speakers(s)...)
	}
	if strings.IndexByte(s, '\n') >= 0 {
		out = append(out, blockHead(s)...)
	}
	if len(out) > 0 && (strings.Contains(s, " and ") || strings.Contains(s, " & ")) {
		out = append(out, listMates(s, out)...)
	}
	return append(out, otherMentions(s, out)...)
}

func mkToken(s string, loc []int) token {
	w := s[loc[0]:loc[1]]
	n := len([]rune(w))
	return token{a: loc[0], b: loc[1], word: foldName(strings.TrimSuffix(w, ".")), initial: n == 1 || strings.HasSuffix(w, ".") && n == 2}
}

// cyrillic reports whether w starts with a Cyrillic letter.
func cyrillic(w string) bool {
	r, _ := utf8.DecodeRuneInString(w)
	return unicode.Is(unicode.Cyrillic, r)
}

// ruNamePart reports whether t is a Russian given name, patronymic or
// surname, or an initial.
func ruNamePart(s string, t token) bool {
	raw := s[t.a:t.b]
	return t.initial || ruGivenNames[t.word] || rePatronymic.MatchString(raw) || reRuSurname.MatchString(raw)
}

// orgWords end the names of organisations, not of people.
var orgWords = wordSet(`inc ltd llc plc gmbh corp corporation company co group orchestra band investments bank university college school hospital foundation institute associates partners holdings industries systems solutions services technologies labs studio studios agency club team museum center centre library church hotel restaurant cafe airlines airways motors capital consulting media press records`)

// nextStreet matches what follows a street's name: a street word or a
// house number.
var nextStreet = regexp.MustCompile(`^\s?(?:\p{L}+\.?)?`)

// placeOrOrg reports a run that names a street ("Victor Hugo u. 49",
// "Alexander Flat", "Lahtinen Road") or an organisation ("Russell
// Investments", "Johnson Inc."), not a person.
func placeOrOrg(s string, run []token) bool {
	last := run[len(run)-1]
	if !last.initial && (streetWords[last.word] || orgWords[last.word]) {
		return true
	}
	rest := s[last.b:]
	if len(rest) > 1 && rest[0] == ' ' && rest[1] >= '0' && rest[1] <= '9' {
		return true // a house number follows
	}
	if w := strings.TrimSpace(nextStreet.FindString(rest)); w != "" {
		// A street or firm word after a name is capitalised ("Lahtinen
		// Road"), save Hungarian "u." and "utca": "points out" is a verb.
		lw := strings.ToLower(strings.TrimSuffix(w, "."))
		r, _ := utf8.DecodeRuneInString(w)
		if (streetWords[lw] || orgWords[lw]) && unicode.IsUpper(r) || lw == "u" || lw == "utca" {
			return true
		}
	}
	return false
}

// bareInitialAtEdge: a single capital without a dot ("I", "A") is an
// initial only between two name words.
func bareInitialAtEdge(s string, run []token) bool {
	for i, t := range run {
		if t.initial && !strings.HasSuffix(s[t.a:t.b], ".") && (i == 0 || i == len(run)-1) {
			return true
		}
	}
	return false
}

// glueFree reports that s[a:b] is a whole word sequence (not inside a
// longer word such as "McDonald" split oddly, or a camel-cased product).
func glueFree(s string, a, b int) bool {
	return isolated(s, a, b, Name)
}

// nameIn returns the longest part of run that is a name, keeping its
// order ("Faina D. Yefremova Cautionary" → "Faina D. Yefremova").
func nameIn(s string, run []token) []token {
	for n := len(run); n > 0; n-- {
		for i := 0; i+n <= len(run); i++ {
			sub := run[i : i+n]
			if sub[0].initial && !strings.HasSuffix(s[sub[0].a:sub[0].b], ".") || bareInitialAtEdge(s, sub) {
				continue
			}
			if isName(s, sub) {
				return sub
			}
		}
	}
	return nil
}

// rePlaceBefore ends with a word that puts a place after it.
var rePlaceBefore = regexp.MustCompile(`(?:\b(?:in|at|from|to|near|of|via)|, ) $`)

// placeBefore reports whether the word at a follows a preposition of
// place ("based in Pelhrimov") or a comma after an address.
func placeBefore(s string, a int) bool {
	return rePlaceBefore.MatchString(s[max(0, a-6):a])
}

// reFirmList is a list of surnames: "Jones, Mitchell and Williams".
var reFirmList = regexp.MustCompile(`(?:\p{Lu}\p{Ll}+, )+\p{Lu}\p{Ll}+,? (?:and|&) \p{Lu}\p{Ll}+`)

// reFirmBefore and reFirmAfter around such a list make it a firm's name:
// "a year at Jones, Mitchell and Williams", "Lopez, Santos and Coleman is
// a design agency".
var (
	reFirmBefore = regexp.MustCompile(`\b(?:at|from|with|for|joined|of) $`)
	reFirmAfter  = regexp.MustCompile(`^(?: (?:is|was) an? | (?:\p{L}+ )?(?:songwriter|agency|firm|company|partners|law|orchestra|band)\b)`)
)

// inList reports whether t stands in a list of words: a comma or "and"
// next to it.
func inList(s string, t token) bool {
	after, before := s[t.b:], s[:t.a]
	return strings.HasPrefix(after, ",") || strings.HasPrefix(after, " and ") || strings.HasPrefix(after, " & ") ||
		strings.HasSuffix(before, ", ") || strings.HasSuffix(before, "and ") || strings.HasSuffix(before, "& ")
}

// reFirm is a partnership's name: "Jones, Smith and Davis Orchestra".
var reFirm = regexp.MustCompile(`^(?:\p{Lu}\p{Ll}+, )*\p{Lu}\p{Ll}+(?:,? (?:and|&) \p{Lu}\p{Ll}+)? (\p{L}+)`)

// firmName reports a surname that is part of a list of surnames ending in
// an organisation word.
func firmName(s string, t token) bool {
	for _, m := range reFirmList.FindAllStringIndex(s, -1) {
		if m[0] <= t.a && t.b <= m[1] && (reFirmBefore.MatchString(s[max(0, m[0]-8):m[0]]) || reFirmAfter.MatchString(s[m[1]:])) {
			return true
		}
	}
	start := strings.LastIndexAny(s[:t.a], ".!?:\n")
	seg := strings.TrimLeft(s[start+1:], " ")
	if i := strings.Index(seg, "The "); i == 0 {
		seg = seg[4:]
	}
	for i := 0; i < len(seg); {
		if m := reFirm.FindStringSubmatch(seg[i:]); m != nil && orgWords[strings.ToLower(m[1])] {
			return true
		}
		j := strings.IndexAny(seg[i:], " ")
		if j < 0 || i > t.b-start+40 {
			break
		}
		i += j + 1
	}
	return false
}

// reSpeaker is a chat line's speaker label: "Nicole: Remember me?".
var reSpeaker = regexp.MustCompile(`(?m)^[ \t]*(\p{Lu}\p{Ll}+(?: \p{Lu}\p{Ll}+)?):[ \t]+\p{Lu}`)

// roles are speaker labels that are not names.
var roles = wordSet(`agent customer user bot support system assistant admin operator note notes answer question q a subject re fw fwd from to cc bcc date time phone mobile fax desk email e-mail website web address name title company status priority summary description resolution problem issue reply comment update warning error tip important step example`)

// speakers returns the speaker labels of a dialogue: at least two lines
// start with a capitalised word and a colon, and the label is not a role.
func speakers(s string) []Span {
	ms := reSpeaker.FindAllStringSubmatchIndex(s, -1)
	labels := map[string]bool{}
	for _, m := range ms {
		labels[s[m[2]:m[3]]] = true
	}
	if len(labels) < 2 {
		return nil
	}
	var out []Span
	for _, m := range ms {
		label := s[m[2]:m[3]]
		if !roles[foldName(strings.Fields(label)[0])] && !notNames[foldName(strings.Fields(label)[0])] {
			out = append(out, Span{Start: m[2], End: m[3], Type: Name})
		}
	}
	return out
}

// reBlockHead is the first line of a contact block or a signature: two
// or three words (one may be an initial), capitalised or all in lower
// case, after a line's bullets.
var reBlockHead = regexp.MustCompile(`^[ \t?*>-]*((?:\p{Lu}\p{Ll}+|\p{Ll}{2,})(?: (?:\p{Lu}\.?|\p{Ll}\.?|\p{Lu}\p{Ll}+|\p{Ll}{2,})){1,2})[ \t]*\n`)

// reBlockBody holds what the lines of a contact block below a name hold:
// a labelled phone, e-mail or address, or a street address's number.
var reBlockBody = regexp.MustCompile(`(?im)^[ \t?*>-]*(?:(?:mobile|phone|tel|fax|desk|e-?mail|address|website)\b|\d{1,5} \p{L}|(?:apt|suite|psc|box)\b)`)

// headWords are words of a block's first line that make it a heading,
// not a person's name.
var headWords = wordSet(`billing shipping delivery address contact info information personal details invoice order account customer support dear hello hi team note subject re from to summary`)

// blockHead returns the name heading a contact block: "Zizi Kónya\nEnigmaio\n5850 Jana Nerudy 894 …".
func blockHead(s string) []Span {
	m := reBlockHead.FindStringSubmatchIndex(s)
	if m == nil || !reBlockBody.MatchString(s[m[1]:]) {
		return nil
	}
	for _, w := range strings.Fields(s[m[2]:m[3]]) {
		if f := foldName(strings.TrimSuffix(w, ".")); headWords[f] || notNames[f] || roles[f] || streetWords[f] || orgWords[f] {
			return nil
		}
	}
	// A block is a list of short lines, not a subject over a message:
	// "Refund request\n2 items were missing from my order."
	lines := 0
	for _, l := range strings.Split(s[m[1]:], "\n") {
		if l = strings.TrimSpace(l); l == "" {
			continue
		}
		if len(strings.Fields(l)) > 6 || strings.ContainsAny(l[len(l)-1:], ".!?") {
			return nil
		}
		if lines++; lines == 2 {
			return []Span{{Start: m[2], End: m[3], Type: Name}}
		}
	}
	return nil
}

// reNameList is a list of single capitalised words: "Kónya, Eklund and
// Hodge", "Marrero and Brandt".
var reNameList = regexp.MustCompile(`\p{Lu}\p{Ll}+(?:, \p{Lu}\p{Ll}+)*,? (?:and|&) \p{Lu}\p{Ll}+`)

// listMates returns the other members of a list of single words one of
// which is a name found ("founders: Kónya, Eklund and Hodge"), unless the
// list is a firm's name.
func listMates(s string, names []Span) []Span {
	var out []Span
	for _, m := range reNameList.FindAllStringIndex(s, -1) {
		members := nameToken.FindAllStringIndex(s[m[0]:m[1]], -1)
		hit := false
		for _, w := range members {
			for _, sp := range names {
				if sp.Start == m[0]+w[0] && sp.End == m[0]+w[1] {
					hit = true
				}
			}
		}
		if !hit || firmName(s, mkToken(s, []int{m[0] + members[0][0], m[0] + members[0][1]})) {
			continue
		}
		for _, w := range members {
			a, b := m[0]+w[0], m[0]+w[1]
			if f := foldName(s[a:b]); !notNames[f] && !roles[f] && isolated(s, a, b, Name) {
				out = append(out, Span{Start: a, End: b, Type: Name})
			}
		}
	}
	return out
}

// otherMentions finds the other occurrences of the words of the names found
// ("Bonifacy Kaczmarek … Kaczmarek's song"): once a text names a person,
// each mention of them is theirs.
func otherMentions(s string, names []Span) []Span {
	seen := map[string]bool{}
	for _, sp := range names {
		for _, m := range nameToken.FindAllString(s[sp.Start:sp.End], -1) {
			if len([]rune(m)) > 2 && !notNames[foldName(m)] {
				seen[m] = true
			}
		}
	}
	if len(seen) == 0 {
		return nil
	}
	var out []Span
	for _, loc := range nameToken.FindAllStringIndex(s, -1) {
		if seen[s[loc[0]:loc[1]]] && isolated(s, loc[0], loc[1], Name) {
			out = append(out, Span{Start: loc[0], End: loc[1], Type: Name})
		}
	}
	return out
}

// isName decides whether a run of capitalised tokens is a person's name.
func isName(s string, run []token) bool {
	words, initials := 0, 0
	given, sur, ru, patronymic, ruSur, shape := false, false, false, false, false, false
	for i, t := range run {
		if i > 0 && strings.Contains(s[run[i-1].b:t.a], " v") {
			shape = true // "van", "von": Dutch and German names
		}
		if t.initial {
			initials++
			continue
		}
		words++
		raw := s[t.a:t.b]
		switch {
		case givenNames[t.word] && (!ambiguous[t.word] || len(run) > 1):
			given = true
		case surnames[t.word] && !ambiguous[t.word] && len(t.word) > 2: // "Ho", "Le" are also words
			sur = true
		}
		if ruGivenNames[t.word] {
			ru = true
		}
		// Patronymic and Russian surname endings are Cyrillic.
		if !isASCII(raw) && rePatronymic.MatchString(raw) {
			patronymic = true
		}
		if !isASCII(raw) && reRuSurname.MatchString(raw) {
			ruSur = true
		}
		if surnameShape(raw) {
			shape = true
		}
	}
	before := s[max(0, run[0].a-24):run[0].a]
	// The cue words before the run are looked at only when the name's
	// shape does not decide.
	cue := func() bool { return mayCue(before) && cueEnds(nameCueRev, before) }
	switch {
	case words == 0:
		return false
	case len(run) == 1 && places[run[0].word]:
		return false // "from Georgia", "in Jordan"
	case len(run) == 1 && inList(s, run[0]) && firmName(s, run[0]):
		return false // "at Jones, Mitchell and Williams"
	case given && (words > 1 || initials > 0 || !sentenceStart(s, run[0].a) || cue()):
		return true // a known given name, with a surname or where a name fits
	case given && words == 1:
		return !ambiguousAlone(run[0].word)
	case words == 1 && givenNames[run[0].word] && mayCue(before) && cueEnds(strongCueRev, before):
		return true // "She named him Frank"
	case ru || patronymic:
		return true
	case ruSur && (words > 1 || initials > 0 || cue()):
		return true // Иванов И. И., Иванова Анна
	case (sur || shape) && words > 1:
		return true // Kristina Gonzalez, Anna Nowakowska
	case sur && words == 1 && !sentenceStart(s, run[0].a) && !(inList(s, run[0]) && firmName(s, run[0])):
		return true // "founders: Morrison, Rogers and Torres"
	case shape && !sentenceStart(s, run[0].a) && (words > 1 || !placeBefore(s, run[0].a) && !(inList(s, run[0]) && firmName(s, run[0]))):
		return true // "the Christiansen novel"
	case words >= 2 && initials == 1 && len(run) == 3 && run[1].initial:
		return true // Faina D. Yefremova
	}
	if words == 1 && initials == 0 && vocative(s, run[0]) {
		return true // "Warrane, can I …", "Don't go to town, Roy!"
	}
	if postCue.MatchString(s[run[len(run)-1].b:]) && !strings.HasSuffix(before, "the ") {
		return true // "Luiza is from Xignite", "Asya spent a year"
	}
	if !cue() {
		return false
	}
	// "my name is Rubija", "Dr. Kaczmarek"; "I am Mathias Ruud"
	return cueEnds(strongCueRev, before) || words > 1
}

// reVocativeAfter follows a name said to its bearer at the start of a
// sentence: "Warrane, can I please speak to your boss?".
var reVocativeAfter = regexp.MustCompile(`^, (?:can|could|would|will|do|did|have|are|is) (?:i|you|we)\b`)

// discourse are words that open a sentence before a comma without naming
// anyone.
var discourse = wordSet(`also again anyway besides otherwise sorry please hello hi hey well now so ok okay yes no yeah nope honestly seriously today tomorrow yesterday guys team folks everyone everybody sir madam actually btw alright sure great cool fine right wait listen look ah oh um hmm however meanwhile still then thanks thank first second finally next lastly additionally moreover furthermore therefore instead indeed sadly unfortunately fortunately luckily hopefully basically generally usually currently recently later earlier`)

// vocative reports a single word said to someone: at a sentence's start
// before ", can I" or after a comma at its end ("…, Roy!").
func vocative(s string, t token) bool {
	if discourse[t.word] || roles[t.word] || places[t.word] {
		return false
	}
	after := s[t.b:]
	if sentenceStart(s, t.a) && reVocativeAfter.MatchString(strings.ToLower(after[:min(len(after), 16)])) {
		return true
	}
	return strings.HasSuffix(s[:t.a], ", ") && (strings.HasPrefix(after, "!") || strings.HasPrefix(after, "?"))
}

// A cue ends where the name starts: nameCue and strongCue are anchored at
// the end of the text before a candidate ("…\s*$"), and Go's regexp, which
// cannot search from the end, tries them from every position of that text.
// They are matched reversed instead: the reversed pattern, anchored at the
// start, on the text's runes in reverse order (cueEnds), which matches
// exactly when the pattern matches the text.
var (
	nameCueRev   = reversed(nameCue)
	strongCueRev = reversed(strongCue)
)

// cueEnds reports whether re, the reversal of a pattern (reversed), matches
// before read backwards: whether that pattern matches before.
func cueEnds(re *regexp.Regexp, before string) bool {
	p := reversedText.Get().(*[]byte)
	defer reversedText.Put(p)
	b := (*p)[:0]
	for i := len(before); i > 0; {
		// Read backwards, the runes the regexp reads forwards: a valid
		// rune whole, each other byte one utf8.RuneError.
		r, n := utf8.DecodeLastRuneInString(before[:i])
		b = utf8.AppendRune(b, r)
		i -= n
	}
	*p = b
	return re.Match(b)
}

// reversedText holds cueEnds' buffers: a buffer of its own would escape
// to the heap through the regexp on every call.
var reversedText = sync.Pool{New: func() any { b := make([]byte, 0, 96); return &b }}

// reversed compiles the reversal of re: a pattern that matches the reverse
// of each text re matches (literals and concatenations read backwards, the
// start and end of the text swapped; word boundaries hold both ways). The
// regexp of an end-anchored pattern is start-anchored and tries one
// position.
func reversed(re *regexp.Regexp) *regexp.Regexp {
	t, err := syntax.Parse(re.String(), syntax.Perl)
	if err != nil {
		panic(err)
	}
	var rev func(t *syntax.Regexp)
	rev = func(t *syntax.Regexp) {
		switch t.Op {
		case syntax.OpLiteral:
			for i, j := 0, len(t.Rune)-1; i < j; i, j = i+1, j-1 {
				t.Rune[i], t.Rune[j] = t.Rune[j], t.Rune[i]
			}
		case syntax.OpConcat:
			for i, j := 0, len(t.Sub)-1; i < j; i, j = i+1, j-1 {
				t.Sub[i], t.Sub[j] = t.Sub[j], t.Sub[i]
			}
		case syntax.OpBeginText:
			t.Op = syntax.OpEndText
		case syntax.OpEndText:
			t.Op, t.Flags = syntax.OpBeginText, t.Flags&^syntax.WasDollar
		case syntax.OpBeginLine:
			t.Op = syntax.OpEndLine
		case syntax.OpEndLine:
			t.Op = syntax.OpBeginLine
		}
		for _, s := range t.Sub {
			rev(s)
		}
	}
	rev(t)
	return regexp.MustCompile(t.String())
}

// mayCue reports whether nameCue may match before: every cue ends with
// one of a few characters, then spaces (a cue ending in '.' or ',' with
// one of a few letters before it), in any case as (?i) folds them.
func mayCue(before string) bool {
	t := strings.TrimRight(before, "\t\n\f\r ")
	r, n := utf8.DecodeLastRuneInString(t)
	switch r {
	case '.': // mr. mrs. ms. dr. prof.
		r, _ = utf8.DecodeLastRuneInString(t[:len(t)-n])
		return foldsToAny(r, "rsf")
	case ',': // regards, sincerely, thanks,
		r, _ = utf8.DecodeLastRuneInString(t[:len(t)-n])
		return foldsToAny(r, "s")
	case ':', '?': // name: name? name? id:
		return true
	}
	return foldsToAny(r, "smerfntтнаdyghor")
}

// foldsToAny reports whether r is, in any case (its simple-fold orbit),
// one of the runes of set.
func foldsToAny(r rune, set string) bool {
	f := r
	for {
		if strings.ContainsRune(set, f) {
			return true
		}
		if f = unicode.SimpleFold(f); f == r {
			return false
		}
	}
}

// ambiguousAlone: a given name alone at the start of a sentence is kept
// only when it is not also a common word.
func ambiguousAlone(w string) bool { return ambiguous[w] }

// sentenceStart reports whether position a starts a sentence or the text.
func sentenceStart(s string, a int) bool {
	t := strings.TrimRight(s[:a], " \t\"'“«(")
	if strings.HasSuffix(t, ":") {
		// A label's colon ("Answer: Yes", "Nicole: hi") starts one; a
		// colon before a list in a sentence ("founders: Kónya, …") does not.
		line := t[strings.LastIndexByte(t, '\n')+1:]
		return len(line) <= 24 || strings.LastIndexAny(line[:len(line)-1], ".!?:") >= len(line)-24
	}
	return t == "" || strings.HasSuffix(t, ".") || strings.HasSuffix(t, "!") || strings.HasSuffix(t, "?") || strings.HasSuffix(t, "\n")
}

// zhNotGiven are characters that follow a name (verbs, particles,
// pronouns) rather than end it.
const zhNotGiven = "说的了是在和也要想来去给把被让已都就还又很反投表留打问请您你我他她它们对向跟与及"

// zhName accepts a Chinese name candidate that starts with a surname, and
// trims it to surname plus at most two given-name characters.
func zhName(s string, a, b int, beforeTitle bool) (int, int, bool) {
	cand := s[a:b]
	for _, sn := range zhSurnames {
		if strings.HasPrefix(cand, sn) {
			rest := []rune(cand[len(sn):])
			if len(rest) > 2 {
				rest = rest[:2]
			}
			// "张伟说": a verb or particle after the name is not of it.
			for i, r := range rest {
				if i > 0 && strings.ContainsRune(zhNotGiven, r) {
					rest = rest[:i]
					break
				}
			}
			if len(rest) == 0 || strings.ContainsRune(zhNotGiven, rest[0]) {
				continue
			}
			return a, a + len(sn) + len(string(rest)), true
		}
	}
	if !beforeTitle {
		return 0, 0, false
	}
	// "(X)先生": the match may have started before the surname.
	r := []rune(cand)
	for i := 1; i < len(r); i++ {
		tail := string(r[i:])
		for _, sn := range zhSurnames {
			if strings.HasPrefix(tail, sn) && len([]rune(tail)) <= 3 {
				start := a + len(string(r[:i]))
				return start, b, true
			}
		}
	}
	return 0, 0, false
}

// streetWords are the USPS street suffixes and their abbreviations, and the
// street words of other languages that follow the street's name.
const streetWordsText = `
alley aly annex arcade avenue ave av bayou beach bend bluff bluffs bottom boulevard blvd branch bridge brook brooks burg bypass camp canyon cape causeway center centre circle cir cliff cliffs club common commons corner corners course court ct courts cove coves creek crescent crest crossing crossroad curve dale dam divide drive dr drives estate estates expressway extension extensions falls ferry field fields flat flats ford fords forest forge forges fork forks fort freeway garden gardens gateway glen glens green greens grove groves harbor harbors haven heights highway hwy hill hills hollow inlet island islands isle junction junctions key keys knoll knolls lake lakes landing lane ln light lights loaf lock locks lodge loop mall manor manors meadow meadows mews mill mills mission motorway mount mountain mountains neck orchard oval overpass park parks parkway pkwy parkways pass passage path pike pine pines place pl plain plains plaza point points port ports prairie radial ramp ranch rapid rapids rest ridge ridges river road rd roads route row rue run shoal shoals shore shores skyway spring springs spur spurs square sq squares station stravenue stream street st streets summit terrace ter throughway trace track trafficway trail trl trailer tunnel turnpike underpass union unions valley valleys via viaduct view views village villages ville vista walk walks wall way ways well wells
`

var streetWords = wordSet(streetWordsText)

var (
	// A house number, capitalised name words, a street word, and units:
	// "1668 Glyn St", "370 3911 Fourth Avenue Suite 697 Apt. 397".
	reStreetEN = regexp.MustCompile(`\b\d{1,6}[A-Za-z]?(?:[ ,]+\d{1,6})?(?: (?:[NSEW]|North|South|East|West|Old|New)\.?)?(?: (?:\p{Lu}[\p{L}'’.-]*|\d{1,5}(?:st|nd|rd|th)?)){1,4}\.?(?:,? (?:Apt|Apartment|Suite|Ste|Unit|Flat|Room|Floor|Fl|Bldg|#)\.? ?#?\d{1,5}[A-Za-z]?)*`)
	// European order, the street word glued to the name or after it, then
	// the number: "Søndergade 52", "Brucker Bundesstrasse 31", "Via Roma 5".
	reStreetEU  = regexp.MustCompile(`(?:\b\d{3,6}\s)?(?i:\b(?:via|viale|corso|piazza|calle|carrer|avenida|avda\.|av\.?|rua|rue|avenue|boulevard|ulica|ul\.|trg|plac|aleja|al\.)\s(?:(?:de|do|da|dos|das|del|della|dei|degli|delle|di|du|des|la|le)\s)?)?\p{Lu}[\p{L}'’-]*(?:\s(?:(?:de|do|da|dos|das|del|della|dei|di|du|des|von|van|der)\s)?\p{Lu}[\p{L}'’-]*)?(?:gade|gata|gatan|vägen|vagen|väg|veien|vei|vej|tie|katu|kuja|straße|strasse|str\.|gasse|weg|allee|platz|laan|straat|steeg|utca|út|körút|ulica|ulice|street|road)?(?:\s(?:u\.|utca|út|útja|tér|krt\.|str\.|sokak|cad\.))?\s\d{1,5}[a-zA-Z]?\b`)
	reStreetFR  = regexp.MustCompile(`\b\d{1,5}(?:\s?(?:bis|ter))?,?\s(?:rue|avenue|av\.|boulevard|bd|place|allée|allee|chemin|impasse|quai|route|cours)\s(?:de la |de l'|du |des |de |d')?\p{Lu}[\p{L}'’-]+(?:\s\p{Lu}[\p{L}'’-]+)*`)
	reUnit      = regexp.MustCompile(`\b(?:Apt|Apartment|Suite|Ste|Unit|Flat)\.? ?#?\d{1,5}[A-Za-z]?\b|\b(?:P\.? ?O\.? )?Box \d{2,6}\b|\bPSC \d{3,5}\b`)
	reCityState = regexp.MustCompile(`\b\p{Lu}[\p{L}'’.-]+(?: \p{Lu}[\p{L}'’.-]+){0,2}, (?:[A-Z]{2}|nan) \d{5}(?:-\d{4})?\b|\b(?:APO|FPO|DPO) (?:AA|AE|AP) \d{5}\b`)
	// reStreetRU: a Russian address, street type before or after the
	// street's name, with an optional postcode and city before and house,
	// building, entrance, floor and flat after: "125009, г. Москва, ул.
	// Тверская, д. 7, кв. 15", "Ленинский проспект, 45, кв. 3".
	reStreetRU = regexp.MustCompile(`(?:^|\s)(?:\d{6},?\s)?(?:(?:г\.|город)\s?\p{Lu}[\p{L}-]*,?\s)?(?:(?:ул\.|улица|пр-т|просп\.|проспект|пер\.|переулок|б-р|бульвар|ш\.|шоссе|наб\.|набережная|пл\.|площадь|мкр\.?|микрорайон|проезд)\s?\p{Lu}[\p{L}-]*(?:\s\p{Lu}[\p{L}-]*)?|\p{Lu}[\p{L}-]*\s(?:улица|ул\.|проспект|пр-т|просп\.|пр\.|переулок|пер\.|шоссе|ш\.|бульвар|б-р|набережная|наб\.|площадь|пл\.|проезд|тупик))(?:,?\s(?:(?:д\.|дом)\s?)?\d+[а-яА-Я]?(?:/\d+)?)?(?:,?\s(?:корп\.|к\.|корпус|стр\.|строение)\s?\d+)?(?:,?\s(?:подъезд|под\.|этаж|эт\.)\s?\d+)*(?:,?\s(?:кв\.|квартира|оф\.|офис)\s?\d+)?`)
	reStreetZH = regexp.MustCompile(`(?:\p{Han}{2,6}(?:省|自治区))?(?:\p{Han}{2,6}市)?(?:\p{Han}{1,6}(?:区|县|旗))?(?:\p{Han}{1,8}(?:镇|乡|街道))?\p{Han}{1,10}(?:路|街|大道|道|巷|胡同|弄)(?:\d{1,5}|[一二三四五六七八九十百零]{1,4})号(?:院)?(?:\d{1,4}(?:号楼|栋|幢|座))?(?:\p{Han}{2,10}(?:大厦|广场|中心|花园|小区|公寓|大楼))?(?:[A-Z]?\d{0,3}(?:座|栋|幢|号楼))?(?:\d{1,3}单元)?(?:\d{1,5}(?:室|房)?)?`)
	// reBuildingZH is an address by its building and room, without a
	// street number: "广东省深圳市南山区科技园南区8栋302室".
	reBuildingZH    = regexp.MustCompile(`(?:\p{Han}{2,6}(?:省|自治区))?\p{Han}{2,6}市(?:\p{Han}{1,6}(?:区|县))?\p{Han}{1,12}?[A-Z]?\d{1,4}(?:栋|幢|座|号楼)(?:\d{1,3}单元)?\d{1,5}(?:室|房)`)
	streetWord      = regexp.MustCompile(`[\p{L}'’]+\.?`)
	units           = regexp.MustCompile(`^(?:,? (?:Apt|Apartment|Suite|Ste|Unit|Flat|Room|Floor|Fl|Bldg|#)\.? ?#?\d{1,5}[A-Za-z]?)+`)
	leadingPostcode = regexp.MustCompile(`^\d{4,6}\s`)
	// rePostcodeLine is the last line of an address block: a place or
	// country and its postcode ("Estonia 62488", "Rio de Janeiro 20040").
	// Its words are a name's: capitalised, or the particles of place
	// names; a sentence ending in a number ("I want to check my order
	// 100482") is not one, nor is a line naming a case ("Order 100482",
	// caseLine).
	rePostcodeLine = regexp.MustCompile(`(?m)^[ \t?*>-]*\p{Lu}[\p{L}()'-]+(?: (?:\(?\p{Lu}[\p{L}()'-]*|de|do|da|del|della|di|du|des|la|le|am|an|im|der|den|upon|on|sur|en|y)){0,5}[ \t]\d{4,6}[ \t]*$`)
	// reNumberedStreet is a building number, a street's name in European
	// order and its house number, on an address line or after "at":
	// "5366 Pivovarská 276", "974 Via Roma 131", "6614 Luite tee 87".
	reNumberedStreet = regexp.MustCompile(`(?m)(?:^[ \t?*>-]*|\b(?:at|to|on|is|address:?|of) |, )(\d{1,5} (?:\d{1,4} )?(?:\p{Lu}[\p{L}'’.-]*|ul\.|rua|via|rue|trg|calle)(?: (?:\p{Lu}[\p{L}'’.-]*|\p{Ll}{1,9}\.?)){0,4} \d{1,5}[a-zA-Z]?)(?:$|[.,]?(?:\s|$))`)
	// reMilitary is a ship's or unit's address: "USNS Sekerková\nFPO AA 65728".
	reMilitary = regexp.MustCompile(`\b(?:USNS|USNV|USS|USCGC) \p{Lu}[\p{L}'’-]+\s+(?:FPO|APO|DPO) (?:AA|AE|AP) \d{5}|\b(?:PSC|Psc|psc) \d{3,5},? (?:Box|BOX|box) \d{2,6}(?:\s+(?:APO|FPO|DPO|apo|fpo|dpo) (?:AA|AE|AP|aa|ae|ap) \d{5})?`)
	// reNamedStreet is a street named without a number after a preposition:
	// "shows on Marina Fort Street".
	reNamedStreet = regexp.MustCompile(`\b(?:on|along|off) ((?:\p{Lu}[\p{L}'’-]+ ){1,3}(?:Street|Road|Avenue|Boulevard|Lane))\b`)
	// reCorner is an intersection: "the corner of Dalbraut 99 and Frederikke Coves".
	reCorner = regexp.MustCompile(`(?i:corner of) [^,.?!\n]{2,60}? (?:and|&) \p{Lu}[\p{L}'’-]+(?: \p{Lu}[\p{L}'’-]+)?(?: \d{1,5})?`)
	// rePostcodeStreet is a postcode, a one-word street and a house number
	// ("20789 Allika 46").
	rePostcodeStreet = regexp.MustCompile(`\b\d{5}\s\p{Lu}\p{Ll}{3,}\s\d{1,4}[a-zA-Z]?\b`)
	houseNumber      = regexp.MustCompile(`\s\d{1,5}[a-z]?$`)
	// zhLead are words a Chinese address match may have taken in front.
	zhLead = regexp.MustCompile(`^.*?(?:住在|住址是|地址是|地址[:：]|寄到|送到|发到|位于|在)`)
)

// addressPatterns are the address patterns taken as they match, in this
// order (an earlier span wins an overlap), each with what its every match
// holds.
var addressPatterns = []struct {
	re    *regexp.Regexp
	needs traits
}{
	{reStreetFR, hasDigit}, {reUnit, hasDigit}, {reCityState, hasDigit},
	{rePostcodeStreet, hasDigit},
}

// caseLineWords begin lines that name a customer's case, not a place:
// "Order 100482", "Ticket 77120", "Заказ 778812" have a postcode line's
// shape.
var caseLineWords = map[string]bool{
	"order": true, "invoice": true, "ticket": true, "booking": true, "case": true, "ref": true, "reference": true,
	"account": true, "receipt": true, "tracking": true, "contract": true, "policy": true, "claim": true, "rma": true,
	"reservation": true, "confirmation": true, "transaction": true, "customer": true, "member": true,
	"заказ": true, "счёт": true, "счет": true, "бронь": true, "заявка": true, "договор": true, "полис": true,
	"квитанция": true, "обращение": true, "накладная": true,
}

// caseLine reports whether the postcode line m (a match of rePostcodeLine)
// begins with a word of caseLineWords.
func caseLine(m string) bool {
	f := strings.Fields(strings.TrimLeft(m, " \t?*>-"))
	return len(f) > 0 && caseLineWords[strings.ToLower(f[0])]
}

// findAddresses returns street-address spans; t is traitsOf(s).
func findAddresses(s string, t traits) []Span {
	var out []Span
	add := func(a, b int) {
		for a < b && strings.IndexByte(" ,\t?*>-", s[a]) >= 0 { // and a line's bullets
			a++
		}
		for a < b && (s[b-1] == ' ' || s[b-1] == ',') {
			b--
		}
		if a < b {
			out = append(out, Span{Start: a, End: b, Type: Address})
		}
	}
	if t.has(hasDigit) { // a house number
		if numberBeforeWord(s) {
			for _, m := range reNumberedStreet.FindAllStringSubmatchIndex(s, -1) {
				if numberedStreet(s[m[2]:m[3]]) {
					add(m[2], m[3])
				}
			}
		}
		if containsAny(s, militaryWords) {
			for _, m := range reMilitary.FindAllStringIndex(s, -1) {
				add(m[0], m[1])
			}
		}
		for _, m := range reStreetEN.FindAllStringIndex(s, -1) {
			// The run must hold a street word after its name words.
			if end, ok := streetEnd(s, m[0], m[1]); ok {
				add(m[0], end)
			}
		}
		for _, m := range reStreetEU.FindAllStringIndex(s, -1) {
			if euStreet(s[m[0]:m[1]]) {
				add(m[0], m[1])
			}
		}
	}
	for _, p := range addressPatterns {
		if !t.has(p.needs) {
			continue
		}
		for _, m := range p.re.FindAllStringIndex(s, -1) {
			add(m[0], m[1])
		}
	}
	if t.has(hasDigit) {
		for _, m := range rePostcodeLine.FindAllStringIndex(s, -1) {
			if !caseLine(s[m[0]:m[1]]) {
				add(m[0], m[1])
			}
		}
	}
	if t.has(hasNonASCII) && containsAny(s, ruStreetWords) {
		for _, m := range reStreetRU.FindAllStringIndex(s, -1) {
			add(m[0], m[1])
		}
	}
	if containsAny(s, namedStreetWords) {
		for _, m := range reNamedStreet.FindAllStringSubmatchIndex(s, -1) {
			add(m[2], m[3])
		}
	}
	if containsFoldASCII(s, "corner of") {
		for _, m := range reCorner.FindAllStringIndex(s, -1) {
			add(m[0]+len("corner of "), m[1])
		}
	}
	if strings.Contains(s, "室") || strings.Contains(s, "房") { // its room ends it
		for _, m := range reBuildingZH.FindAllStringIndex(s, -1) {
			a := m[0]
			if l := zhLead.FindStringIndex(s[m[0]:m[1]]); l != nil {
				a += l[1]
			}
			add(a, m[1])
		}
	}
	if strings.Contains(s, "号") { // a Chinese address ends with its number
		for _, m := range reStreetZH.FindAllStringIndex(s, -1) {
			a := m[0]
			if l := zhLead.FindStringIndex(s[m[0]:m[1]]); l != nil {
				a += l[1]
			}
			add(a, m[1])
		}
	}
	return out
}

// Words one of which every match of a gated pattern holds: without one,
// the pattern is not run.
var (
	militaryWords    = []string{"US", "PSC", "Psc", "psc"}
	namedStreetWords = []string{" Street", " Road", " Avenue", " Boulevard", " Lane"}
	ruStreetWords    = []string{"ул", "пр", "пер", "б-р", "бульвар", "ш.", "шоссе", "наб", "пл", "мкр", "микрорайон", "тупик"}
)

// numberBeforeWord reports whether s holds a digit, a space and a capital,
// a non-ASCII letter or a lower-case street word's first letter (u, r, v,
// t, c), as every match of reNumberedStreet does.
func numberBeforeWord(s string) bool {
	for i := 0; i+2 < len(s); i++ {
		if c := s[i+2]; s[i] >= '0' && s[i] <= '9' && s[i+1] == ' ' && (c >= 'A' && c <= 'Z' || c >= 0x80 || strings.IndexByte("urvtc", c) >= 0) {
			return true
		}
	}
	return false
}

// numberedStreet accepts a reNumberedStreet candidate whose words are
// not dates ("12 December 2023") or units and codes in capitals ("10 GB 2").
func numberedStreet(c string) bool {
	first := true
	for _, w := range strings.Fields(c) {
		if w[0] >= '0' && w[0] <= '9' {
			continue
		}
		lw := strings.ToLower(strings.TrimSuffix(w, "."))
		if notNames[lw] || months[lw] || first && (docWords[lw] || strings.ContainsAny(w, "'’")) {
			return false
		}
		first = false
		if utf8.RuneCountInString(w) > 1 && strings.ToUpper(w) == w && strings.ToLower(w) != w {
			return false
		}
	}
	return true
}

// docWords number the parts of a document or a product, not streets.
var docWords = wordSet(`step chapter page section figure fig table version part level item line row column note no vol issue error model type series size room`)

// months are the abbreviated months that may follow a day's number.
var months = wordSet(`jan feb mar apr jun jul aug sep sept oct nov dec`)

// containsFoldASCII reports whether s holds the ASCII text sub in any
// case, as (?i:sub) does for a sub without the letters k and s (which
// fold to non-ASCII runes).
func containsFoldASCII(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i]|0x20 == sub[0]|0x20 && strings.EqualFold(s[i:i+len(sub)], sub) {
			return true
		}
	}
	return false
}

// streetEnd finds, in an English-order candidate, the last street word (and
// the units after it); ok is false without one.
func streetEnd(s string, a, b int) (int, bool) {
	words := streetWord.FindAllStringIndex(s[a:b], -1)
	last := -1
	for i, w := range words {
		word := strings.TrimSuffix(strings.ToLower(s[a+w[0]:a+w[1]]), ".")
		if i > 0 && streetWords[word] {
			last = i
		}
	}
	if last < 0 {
		return 0, false
	}
	// Keep trailing units ("Suite 697 Apt. 397") after the street word.
	rest := s[a+words[last][1]:]
	end := a + words[last][1]
	if u := units.FindString(rest); u != "" {
		end += len(u)
	}
	return end, true
}

// euStreet accepts a European-order candidate only when a street word is
// glued to its name or stands before it ("Via Roma 5"), so that "Chapter
// 5" or "Windows 11" are not addresses.
func euStreet(c string) bool {
	lower := strings.ToLower(leadingPostcode.ReplaceAllString(c, ""))
	for _, p := range []string{"via ", "viale ", "corso ", "piazza ", "calle ", "carrer ", "avenida ", "avda. ", "av ", "av. ", "rua ", "rue ", "avenue ", "boulevard ", "ulica ", "ul.", "trg ", "plac ", "aleja ", "al."} {
		if strings.HasPrefix(lower, p) {
			return true
		}
	}
	name := houseNumber.ReplaceAllString(lower, "")
	for _, suf := range []string{" u.", " utca", " út", " útja", " tér", " krt.", " str.", " sokak", " cad.", "gade", "gata", "gatan", "vägen", "vagen", "väg", "veien", "vei", "vej", "tie", "katu", "kuja", "straße", "strasse", "str.", "gasse", "weg", "allee", "platz", "laan", "straat", "steeg", "utca", "út", "körút", "ulica", "ulice", " street", " road"} {
		if strings.HasSuffix(name, suf) {
			return true
		}
	}
	return false
}

// lowerWord is a word of lower-case text, with an initial's dot.
var lowerWord = regexp.MustCompile(`[\p{Latin}\p{Cyrillic}]+(?:['’-][\p{Latin}\p{Cyrillic}]+)*\.?`)

// hasLowerLatinCyrillic reports whether s holds an ASCII lower-case letter
// or a Cyrillic letter (whose UTF-8 lead byte is 0xD0 or 0xD1), as every
// match of lowerWord does unless it is of other Latin letters only.
func hasLowerLatinCyrillic(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'a' && c <= 'z' || c == 0xD0 || c == 0xD1 {
			return true
		}
	}
	return false
}

// notSurnames are the words that may follow a given name in lower-case
// text without being its surname.
var notSurnames = wordSet(`in on at to for of from with by about into over under after before as is was are were be been has have had will would can could should may might must do does did not no so too very just also said says and or but if than then that this who which what when where why how i me you he she it we they him her us them his hers its our their your a an the really right here there now today tomorrow yesterday again please only still ever never always well`)

// capitaliseNames returns s, written all in lower case, with the names its
// lists know capitalised as they would be in ordinary text ("my name is
// lena andersson" → "my name is Lena Andersson"): a known given name and
// the word after it (after an initial), a word after a strong cue, and
// every other occurrence of these words. Only letters whose capital takes
// as many bytes are changed, so that spans found in the result are spans
// of s. ok is false when nothing was capitalised.
func capitaliseNames(s string) (string, bool) {
	words := lowerWord.FindAllStringIndex(s, -1)
	up := map[string]bool{}
	for i := 0; i < len(words); i++ {
		w := strings.TrimSuffix(s[words[i][0]:words[i][1]], ".")
		f := foldName(w)
		known := (givenNames[f] || ruGivenNames[f]) && !ambiguous[f] && !notNames[f] && len(f) > 2
		if before := s[max(0, words[i][0]-24):words[i][0]]; !known && !(!notSurnames[f] && mayCue(before) && cueEnds(strongCueRev, before)) {
			continue
		}
		up[w] = true
		j := i + 1
		if j < len(words) && utf8.RuneCountInString(strings.TrimSuffix(s[words[j][0]:words[j][1]], ".")) == 1 && s[words[j-1][1]:words[j][0]] == " " {
			j++ // an initial
		}
		if j < len(words) && strings.TrimRight(s[words[j-1][1]:words[j][0]], " ") == "" {
			if n := strings.TrimSuffix(s[words[j][0]:words[j][1]], "."); !notSurnames[foldName(n)] && !notNames[foldName(n)] && utf8.RuneCountInString(n) > 1 {
				for k := i + 1; k <= j; k++ {
					up[strings.TrimSuffix(s[words[k][0]:words[k][1]], ".")] = true
				}
			}
		}
		i = j - 1
	}
	if len(up) == 0 {
		return "", false
	}
	b := []byte(s)
	for _, w := range words {
		word := strings.TrimSuffix(s[w[0]:w[1]], ".")
		if !up[word] || !isolated(s, w[0], w[0]+len(word), Name) {
			continue
		}
		r, n := utf8.DecodeRuneInString(word)
		if u := unicode.ToUpper(r); u != r && utf8.RuneLen(u) == n {
			utf8.EncodeRune(b[w[0]:], u)
		}
	}
	return string(b), true
}
