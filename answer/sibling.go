package answer

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/answerdesk/answerdesk/retrieval"
)

// nameWord is a word of a text as FeatureSiblingMiss reads it: its term
// (Analyzer.QuestionTerms: stemmed, stop words kept), whether the text
// writes it as a name, and whether it is a stop word.
type nameWord struct {
	term string
	name bool
	stop bool
}

// wordPair is two words standing together, in order.
type wordPair struct{ left, right string }

// pairNames says whether a pair's left and right words were written as
// names in at least one of its occurrences.
type pairNames struct{ left, right bool }

// namePhrases splits text into phrases — runs of words separated by
// spaces or hyphens only, so that two words of a phrase stand together
// ("Волна 50", "Pro plan") and no phrase crosses punctuation, a line or a
// table cell — with each word's term and whether it reads as a name:
//
//   - it has a digit (a number, a model code: "50", "X100", "2FA");
//   - it has a capital letter after its first ("iPhone", "PLUS");
//   - it starts with a capital and does not start a sentence ("the Pro
//     plan", "на тарифе Волна Безлимит"), the English pronoun "I" aside;
//   - it is a Latin word in a text written mostly in another script (a
//     product named in Latin in a Russian or Chinese text).
//
// Chinese characters end a phrase: the engine has no word segmentation,
// and two adjacent characters are as often two words' edges as one word.
// withStop marks stop words (the question's words need it, a passage's
// do not). A phrase of one word is kept too (a name standing alone: "Сфера",
// "S9" in a Chinese text); the pair rule skips it.
func namePhrases(text string, withStop bool) [][]nameWord {
	latin, other, words := 0, 0, 0
	inWord := false
	for _, r := range text {
		switch {
		case unicode.Is(unicode.Latin, r):
			latin++
		case unicode.IsLetter(r):
			other++
		}
		w := unicode.IsLetter(r) || unicode.IsDigit(r)
		if w && !inWord {
			words++
		}
		inWord = w
	}
	foreignLatin := other > latin
	// The phrases are consecutive runs of one array of the words.
	all := make([]nameWord, 0, words)
	start := 0 // of the current phrase in all
	var out [][]nameWord
	word := make([]rune, 0, 32)
	var buf []byte
	var terms []string
	sentenceStart := true
	end := func() {
		if len(all)-start > 0 {
			out = append(out, all[start:len(all):len(all)])
		} else {
			all = all[:start]
		}
		start = len(all)
	}
	flush := func() {
		if len(word) == 0 {
			return
		}
		name, isLatin := false, true
		for i, r := range word {
			switch {
			case unicode.IsDigit(r):
				name = true
			case unicode.IsUpper(r) && (i > 0 || !sentenceStart):
				name = true
			}
			if unicode.IsLetter(r) && !unicode.Is(unicode.Latin, r) {
				isLatin = false
			}
		}
		if isLatin && foreignLatin {
			name = true
		}
		if len(word) == 1 && word[0] == 'I' && !foreignLatin {
			// English capitalizes the pronoun by rule, as it does a
			// sentence's first word: no name.
			name = false
		}
		var stop bool
		terms, stop = retrieval.DefaultAnalyzer.WordTerms(word, &buf, terms[:0])
		stop = withStop && stop
		for _, t := range terms {
			all = append(all, nameWord{term: t, name: name, stop: stop})
		}
		word = word[:0]
		sentenceStart = false
	}
	for _, r := range text {
		switch {
		case isHanRune(r):
			flush()
			end()
		case unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r) && len(word) > 0:
			word = append(word, r)
		case r == ' ' || r == '\t' || r == '\u00a0' || r == '-' || r == '\u2010' || r == '\u2011':
			flush()
		default:
			flush()
			end()
			if strings.ContainsRune(".!?…\n:;", r) {
				sentenceStart = true
			}
		}
	}
	flush()
	end()
	return out
}

// siblingPairs are the word pairs of a passage (title, heading and its
// quotable sentences) for FeatureSiblingMiss: every pair with its name
// flags, indexed by each word.
type siblingPairs struct {
	pairs   map[wordPair]pairNames
	byLeft  map[string][]string // left word → its right partners
	byRight map[string][]string // right word → its left partners
	// text (lowercased) and families are the passage's text and its
	// Chinese family names (familyNames), when it has Chinese.
	text     string
	families []familyName
	// titled is the passage's title and heading (lowercased), when it has
	// Chinese: prefixMiss reads the names a passage is about there.
	titled string
	// extOf are the names (nameKey) the passage writes followed by an
	// extension word or number (extends) with those words,
	// plainExt those of them it also writes without one, and uses how it
	// writes its names (useBare, useHead): extensionMiss reads them. Nil
	// when the passage has none.
	extOf    map[string][]string
	plainExt map[string]bool
	uses     map[string]nameUse
	// section, when the title names a product both bare and extended
	// ("Mealhop Pass and Mealhop Pass Plus": a page about both), are the
	// pairs of the heading and text alone: which of the two a section
	// states is in its own words, not the page's title. Nil otherwise.
	section *siblingPairs
}

// nameUse says how a passage writes a name (nameKey): useBare, written as
// a name with no name after it ("Nimbus Protect is our plan for one
// camera", "What is Nimbus Protect?"); useHead, followed by a name that is
// no extension word ("Nimbus Cam", "Learnly Teams", "Сфера Бизнес": the
// name is a brand's or a family's, not a product's).
type nameUse uint8

const (
	useBare nameUse = 1 << iota
	useHead
)

// siblingQuestion is a question as FeatureSiblingMiss reads it: its
// phrases (namePhrases, stop words marked), its Chinese family names, its
// index terms and its model codes (modelCodes), each read once.
type siblingQuestion struct {
	text     string
	phrases  [][]nameWord
	families []familyName
	terms    map[string]bool
	codes    map[string][]string
}

// newSiblingQuestion reads q, the question as the request path analyzed
// it (its index terms are q's, not analyzed again).
func newSiblingQuestion(q analyzed) siblingQuestion {
	return siblingQuestion{text: q.text, phrases: namePhrases(q.text, true), families: familyNames(q.text),
		terms: termSet(q.terms), codes: modelCodes(q.text)}
}

func newSiblingPairs(title, heading, body string) *siblingPairs {
	texts := [...]string{title, heading, body}
	sp := &siblingPairs{pairs: map[wordPair]pairNames{}, byLeft: map[string][]string{}, byRight: map[string][]string{}}
	if all := strings.Join(texts[:], "\n"); hasHan(all) {
		sp.text, sp.families = strings.ToLower(all), familyNames(all)
		sp.titled = strings.ToLower(title + "\n" + heading)
	}
	for ti, text := range texts {
		for _, ph := range namePhrases(text, false) {
			sp.addNames(ph, ti < 2)
			for i := 0; i+1 < len(ph); i++ {
				a, b := ph[i], ph[i+1]
				p := wordPair{a.term, b.term}
				n, seen := sp.pairs[p]
				if !seen {
					sp.byLeft[a.term] = append(sp.byLeft[a.term], b.term)
					sp.byRight[b.term] = append(sp.byRight[b.term], a.term)
				}
				sp.pairs[p] = pairNames{n.left || a.name, n.right || b.name}
			}
		}
	}
	if title != "" && (heading != "" || body != "") && len(sp.extOf) > 0 {
		t := newSiblingPairs(title, "", "")
		for k := range t.extOf {
			if t.uses[k]&useBare != 0 {
				// The heading's own part: a heading path repeats the
				// page's title ("… Pass Plus › Free trial").
				own := heading
				if i := strings.LastIndex(heading, "›"); i >= 0 {
					own = heading[i+len("›"):]
				}
				sp.section = newSiblingPairs("", strings.TrimSpace(own), body)
				break
			}
		}
	}
	if len(sp.extOf) > 0 {
		// Which of the extended names the passage also writes without an
		// extension: a second reading, as extOf is complete only now.
		for ti, text := range texts {
			for _, ph := range namePhrases(text, false) {
				for i := range ph {
					if k := nameKey(ph, i); k != "" && sp.extOf[k] != nil && (i+1 == len(ph) || !sp.extends(k, ph[i+1], ti < 2)) {
						if sp.plainExt == nil {
							sp.plainExt = map[string]bool{}
						}
						sp.plainExt[k] = true
					}
				}
			}
		}
	}
	return sp
}

// addNames records in sp how phrase ph writes its names (extOf, uses);
// titled says whether ph is of the passage's title or heading.
func (sp *siblingPairs) addNames(ph []nameWord, titled bool) {
	for i, w := range ph {
		var next *nameWord
		if i+1 < len(ph) {
			next = &ph[i+1]
		}
		nextName := next != nil && next.name
		if !w.name && !nextName {
			continue
		}
		k := nameKey(ph, i)
		if k == "" {
			continue
		}
		switch {
		case nextName && sp.extends(k, *next, titled):
			if !w.name {
				// "aged 9": X E names a variant only when X is a name.
				continue
			}
			if sp.extOf == nil {
				sp.extOf = map[string][]string{}
			}
			if !slices.Contains(sp.extOf[k], next.term) {
				sp.extOf[k] = append(sp.extOf[k], next.term)
			}
		case nextName && isNumber(next.term):
			// A number in the text, not in a title: neither a variant's
			// name nor another name (extends).
		case nextName:
			sp.setUse(k, useHead)
		default:
			sp.setUse(k, useBare)
		}
	}
}

func (sp *siblingPairs) setUse(k string, u nameUse) {
	if sp.uses == nil {
		sp.uses = map[string]nameUse{}
	}
	sp.uses[k] |= u
}

// extensionWords are the words product naming appends to a product's name
// to name a bigger, smaller or higher-tier variant of it — "Nimbus Protect
// Plus", "Cam Pro", "Сфера Плюс", "S9 Pro" — written from that convention
// (English and the Latin names of Chinese and Russian products, and
// Russian), not from any question. A number is one too (isExtension: a
// generation, model or year, "Hub 2", "Ripples 2020"). Any other name
// after a name makes the first a brand's or a family's ("Nimbus Cam",
// "Learnly Teams"), which a customer names for the whole family.
var extensionWords = func() map[string]bool {
	m := map[string]bool{}
	var buf []byte
	for _, w := range []string{
		"plus", "pro", "max", "ultra", "mini", "lite", "premium", "deluxe", "xl", "se",
		"плюс", "про", "макс", "ультра", "мини", "лайт", "премиум", "люкс",
	} {
		terms, _ := retrieval.DefaultAnalyzer.WordTerms([]rune(w), &buf, nil)
		for _, t := range terms {
			m[t] = true
		}
	}
	return m
}()

// isExtension says whether w is an extension word (extensionWords) or a
// number.
func isExtension(w nameWord) bool {
	return extensionWords[w.term] || isNumber(w.term)
}

// extends says whether w, written after the name k in a passage, extends
// it to a variant's name: an extension word written as a name ("Plus",
// not "plus tax"), or a number in the passage's title or heading ("Reset
// Nimbus Hub 2"), and in its text the numbers its title or heading put
// after k. A number after a name elsewhere in the text is as often a
// price, a quantity or a date ("S9 Pro 229元", "Hub 32 devices") as a
// generation; a title or heading names what the passage is about.
func (sp *siblingPairs) extends(k string, w nameWord, titled bool) bool {
	if !w.name {
		return false
	}
	if !isNumber(w.term) {
		return extensionWords[w.term]
	}
	return titled || slices.Contains(sp.extOf[k], w.term)
}

func isNumber(term string) bool {
	for _, r := range term {
		if !unicode.IsDigit(r) {
			return false
		}
	}
	return term != ""
}

// nameKey is the key of the name ending at ph[i]: its term, or for a
// number the word before it and the number ("iPhone 15": a number alone
// names nothing); "" for a number that starts its phrase.
func nameKey(ph []nameWord, i int) string {
	t := ph[i].term
	if !isNumber(t) {
		return t
	}
	if i == 0 {
		return ""
	}
	return ph[i-1].term + " " + t
}

// extensionMiss is the extension form of FeatureSiblingMiss: the question
// names a product X without an extension word E, and the cited passage
// writes X only as X E ("Nimbus Protect" asked, every "Nimbus Protect" of
// the cited entry followed by "Plus"), while another retrieved document
// names X bare — written as a name with no name after it, the base
// product's own entry. It does not fire when the question has E anywhere
// (a comparison, or "protect plus" in lower case), when the question's X
// is followed by an extension word of its own (it names a variant; the pair
// rule compares variants), when the passage also writes X bare (an
// entry about both), or when X stands before another name that is no
// extension in the passage or another document (X is a brand's or a
// family's name: "Learnly" of "Learnly Plus" and "Learnly Teams").
func extensionMiss(q [][]nameWord, p *siblingPairs, others func() []*siblingPairs) bool {
	if len(p.extOf) == 0 {
		return false
	}
	for _, ph := range q {
		for i, w := range ph {
			if w.stop {
				continue
			}
			k := nameKey(ph, i)
			exts := p.extOf[k]
			if exts == nil || p.plainExt[k] || p.uses[k]&useHead != 0 {
				continue
			}
			if i+1 < len(ph) && isExtension(ph[i+1]) {
				continue
			}
			if slices.ContainsFunc(exts, func(e string) bool { return asks(q, e) }) {
				continue
			}
			bare, head := false, false
			for _, o := range others() {
				u := o.uses[k]
				bare, head = bare || u&useBare != 0, head || u&useHead != 0
			}
			if bare && !head {
				return true
			}
		}
	}
	return false
}

// siblingMiss is FeatureSiblingMiss of the question (wants: its expected
// answer types) against the first cited passage and the answer's text
// (body, "" when unknown).
func siblingMiss(sq siblingQuestion, wants answerType, hits []retrieval.Hit, cited retrieval.Hit, ps passages, body string, sentences []string) float64 {
	// A passage stating its siblings' facts under their labels: the
	// asked fact stated under another label than the asked sibling's.
	if segmentMiss(sq.terms, ps.get(cited)) {
		return 1
	}
	// Parallel clauses, each a sibling's (clause.go): the asked value
	// written only in another sibling's clause.
	if clauseMiss(sq.text, wants, ps.get(cited).sents) {
		return 1
	}
	q := sq.phrases
	if len(q) == 0 && len(sq.families) == 0 {
		return 0
	}
	// others: the pairs of the other documents' passages among the first
	// featureDocHits hits, computed when needed.
	var others []*siblingPairs
	loadOthers := func() []*siblingPairs {
		if others == nil {
			others = []*siblingPairs{}
			for _, h := range hits[:min(len(hits), featureDocHits)] {
				if !sameDocument(h, cited) {
					others = append(others, ps.get(h).siblings(h))
				}
			}
		}
		return others
	}
	otherHasName := func(name string) bool {
		for _, o := range loadOthers() {
			if strings.Contains(o.text, name) {
				return true
			}
		}
		return false
	}
	if len(sq.families) > 0 && (familyMiss(sq.families, sq.text, ps.get(cited).siblings(cited), otherHasName) ||
		prefixMiss(sq.families, sq.text, ps.get(cited).siblings(cited), loadOthers)) {
		return 1
	}
	// A page about a product and its variant: the cited section's own
	// words say which of the two it states.
	for p := ps.get(cited).siblings(cited); p != nil && len(q) > 0; p = p.section {
		if extensionMiss(q, p, loadOthers) || baseMiss(q, p, loadOthers) {
			return 1
		}
	}
	// The answer's own sentences, when the cited passage writes a product
	// and its variant: a quote that writes the question's product only
	// extended ("Nimbus Cam Pro comes with a wall mount" for "does the
	// regular nimbus cam come with a wall mount") states the variant's
	// fact, though the passage names both. The bare product must be
	// written as one somewhere retrieved, the cited passage included.
	if p := ps.get(cited).siblings(cited); body != "" && len(q) > 0 && len(p.extOf) > 0 {
		withCited := func() []*siblingPairs { return append([]*siblingPairs{p}, loadOthers()...) }
		if extensionMiss(q, newSiblingPairs("", "", body), withCited) {
			return 1
		}
	}
	// A Russian compound of a numeral asked (однозонный), its family's
	// other members cited (двухзонный, трёхзонный).
	if numeralMiss(q, ps.get(cited).terms) {
		return 1
	}
	// A model code asked (T3), the answer quoting its sibling (T7) only,
	// or its sentence that answers naming the sibling only ("On the T7,
	// the grounds container holds up to 15 pucks" after a sentence on
	// every model).
	known := func(code string) bool {
		for _, h := range hits[:min(len(hits), featureDocHits)] {
			for _, text := range [...]string{h.Title, h.Heading, h.Text} {
				if slices.Contains(modelCodes(text)[codeFamily(code)], code) {
					return true
				}
			}
		}
		return false
	}
	if body != "" && codeMiss(sq.codes, body, known) {
		return 1
	}
	// The answering sentences are read only where a rule needs them: for a
	// question naming a model code, or an answer quoting a labelled
	// sentence.
	if quotes := quoted(sentences); len(sq.codes) > 0 || slices.ContainsFunc(quotes, hasSiblingLabel) {
		answers := answering(sq.terms, quotes)
		if body != "" && codeMiss(sq.codes, strings.Join(answers, " "), known) {
			return 1
		}
		// The answering sentences each under a sibling's label ("Cargo:
		// the tyres have a puncture protection belt"), the question naming
		// another sibling of that label and not it.
		if labelMiss(sq.terms, answers, ps.get(cited).sents) {
			return 1
		}
	}
	// The miss needs a word of the question the passage lacks: most
	// cited passages have them all, and their pairs are not needed.
	words := ps.get(cited).words(cited)
	lacks := false
	for _, ph := range q {
		if len(ph) < 2 {
			continue // a word alone: no pair
		}
		for _, w := range ph {
			lacks = lacks || !words[w.term]
		}
	}
	if !lacks {
		return 0
	}
	p := ps.get(cited).siblings(cited)
	asked := map[string]bool{}
	for _, ph := range q {
		if len(ph) < 2 {
			continue
		}
		for _, w := range ph {
			asked[w.term] = true
		}
	}
	otherHas := func(pair wordPair) (pairNames, bool) {
		var n pairNames
		found := false
		for _, o := range loadOthers() {
			if v, ok := o.pairs[pair]; ok {
				n, found = pairNames{n.left || v.left, n.right || v.right}, true
			}
		}
		return n, found
	}
	for _, ph := range q {
		for i := 0; i+1 < len(ph); i++ {
			a, b := ph[i], ph[i+1]
			pair := wordPair{a.term, b.term}
			if _, ok := p.pairs[pair]; ok || a.term == b.term {
				continue
			}
			// The right word differs (a shared head on the left: "Волна
			// 50" asked, "Волна 15" cited), or the left one ("Pro plan"
			// asked, "Basic plan" cited).
			for _, rightDiffers := range []bool{true, false} {
				head, diff := a, b
				partners := p.byLeft[a.term]
				if !rightDiffers {
					head, diff = b, a
					partners = p.byRight[b.term]
				}
				if words[diff.term] || head.stop {
					continue
				}
				for _, x := range partners {
					if asked[x] {
						continue
					}
					sib := wordPair{head.term, x}
					if !rightDiffers {
						sib = wordPair{x, head.term}
					}
					sibName := p.pairs[sib].right
					if !rightDiffers {
						sibName = p.pairs[sib].left
					}
					other, ok := otherHas(pair)
					if !ok {
						break
					}
					// The question's word is a name when the question
					// or the other document writes it as one: customers
					// write "волна 50", help centres "Волна 50".
					diffName := diff.name || rightDiffers && other.right || !rightDiffers && other.left
					if sibName && diffName {
						return 1
					}
				}
			}
		}
	}
	return 0
}

// familyHeads are the head morphemes of Chinese product-family names. A
// Chinese offering is named as a modifier and a head that says what kind
// of offering it is — 免费版 / 团队版 / 企业版, 月卡 / 信用卡, PLUS会员,
// 标准配送 / 极速配送 — so two members of a family share the head and
// differ in the modifier, as "Волна 15" / "Волна 50" share "Волна". The
// list is the closed set of such heads in Chinese commerce and product
// naming (written from that; the service families were added when the
// never-fitted support-6 and -7 showed them missing): editions, cards,
// memberships, plans and packages, models, series, accounts, services,
// delivery options and courier services (标准快递 / 经济快递), coupons,
// vehicles (单车 / 电单车), and for services, classes (普通班 / VIP班),
// the tiers of a registration (普通号 / 专家号) and campuses (东校区 /
// 北校区, 东院区 / 南院区). The engine has no word segmentation, so a
// head is found as a substring; notAfter and notBefore list, for a head,
// the characters after or before it that make it part of another word
// (版本 "version", 版权, 卡顿 "lag", 服务器 "server", 车站 "station",
// 快递员 "courier", 快递柜 "parcel locker", 号码 "number", 班车 "shuttle
// bus", 上班 "go to work", 加班 "overtime", 航班 "flight", and a verb
// before 车: 停车 "park", 开车 "drive", 打车 "take a taxi", 练车 "practise
// driving").
var familyHeads = []struct{ head, notAfter, notBefore string }{
	{head: "版", notAfter: "本权面"},
	{head: "卡", notAfter: "顿住"},
	{head: "会员"},
	{head: "套餐"},
	{head: "计划"},
	{head: "方案"},
	{head: "型号"},
	{head: "机型"},
	{head: "系列"},
	{head: "账户"},
	{head: "账号"},
	{head: "服务", notAfter: "器"},
	{head: "配送"},
	{head: "快递", notAfter: "员柜费点箱公"},
	{head: "券"},
	{head: "车", notAfter: "站位辆费型主库门牌票次速厢身险贷祸", notBefore: "停开坐上下打堵修洗租骑练"},
	{head: "班", notAfter: "车级主长次", notBefore: "上下加值航报跟"},
	{head: "号", notAfter: "码称召"},
	{head: "院区"},
	{head: "校区"},
}

// notModifier are characters that cannot end a name's modifier: particles,
// measure words, demonstratives, pronouns and conjunctions ("我的会员",
// "这张卡", "哪个版", "免费版和团队版").
const notModifier = "的地得之个张种款位这那哪该此每些么什和与或及跟同把被从向对给在是了也都就还您你我他她它们"

// maxModifier is the longest Han modifier read before a head (团队版,
// 鲜到家会员).
const maxModifier = 4

// familyName is a head of familyHeads in a text with what stands directly
// before it: a Latin word or number (PLUS会员, 5G套餐), or the Han
// modifiers of 1 to maxModifier characters ending there (队版, 团队版).
type familyName struct {
	head string
	// short is the shortest modifier (one character, or the Latin word)
	// and its head, the name as two siblings' names are compared.
	short string
	mods  []string
}

// familyNames are the family names of text (lowercased), in order.
func familyNames(text string) []familyName {
	if !hasHan(text) {
		return nil
	}
	rs := []rune(strings.ToLower(text))
	var out []familyName
	for i := range rs {
		for _, fh := range familyHeads {
			head := []rune(fh.head)
			if i+len(head) > len(rs) || string(rs[i:i+len(head)]) != fh.head {
				continue
			}
			if j := i + len(head); j < len(rs) && strings.ContainsRune(fh.notAfter, rs[j]) {
				continue
			}
			if i > 0 && strings.ContainsRune(fh.notBefore, rs[i-1]) {
				continue
			}
			if mods := modifiers(rs, i); len(mods) > 0 {
				out = append(out, familyName{head: fh.head, short: mods[0] + fh.head, mods: mods})
			}
		}
	}
	return out
}

// modifiers are the modifiers standing directly before rs[i], shortest
// first: the Latin word or number there, or the runs of 1 to maxModifier
// Han characters, none of them in notModifier.
func modifiers(rs []rune, i int) []string {
	latin := func(r rune) bool {
		return r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)) || unicode.Is(unicode.Latin, r)
	}
	if i > 0 && latin(rs[i-1]) {
		j := i - 1
		for j > 0 && latin(rs[j-1]) {
			j--
		}
		return []string{string(rs[j:i])}
	}
	var mods []string
	for j := i - 1; j >= 0 && i-j <= maxModifier; j-- {
		if !unicode.Is(unicode.Han, rs[j]) || strings.ContainsRune(notModifier, rs[j]) {
			break
		}
		mods = append(mods, string(rs[j:i]))
	}
	return mods
}

// familyMiss is FeatureSiblingMiss for Chinese names: 1 when a name of the
// question (modifier + head) is missing from the cited passage, which
// lacks its modifier anywhere and names the head with another modifier
// that the question does not name (a comparison names both), while
// another document among others has the question's modifier and head.
func familyMiss(q []familyName, question string, p *siblingPairs, otherHas func(string) bool) bool {
	question = strings.ToLower(question)
	for _, n := range q {
		var sibling bool
		for _, s := range p.families {
			if s.head == n.head && s.short != n.short && !strings.Contains(question, s.short) {
				sibling = true
				break
			}
		}
		if !sibling {
			continue
		}
		for _, m := range n.mods {
			if !strings.Contains(p.text, m) && otherHas(m+n.head) {
				return true
			}
		}
	}
	return false
}

// prefixMiss is the Chinese form of extensionMiss. Chinese extends a
// product's name at its front — 单车 / 电单车, 骑行卡 / 电单车骑行卡 — so a
// question about the base product names a string the extended sibling's
// name contains, and every one of its words is in the sibling's passage.
// It is 1 when a name of the question (a modifier and its head, 单车) is
// written in the cited passage only inside one longer name (every time
// after the same character c, 电单车), the passage's title or heading names
// that longer name (the passage is about it), the question does not write
// it, and another retrieved document writes the question's name without c
// (the base product's own page).
func prefixMiss(q []familyName, question string, p *siblingPairs, others func() []*siblingPairs) bool {
	if p.text == "" {
		return false
	}
	question = strings.ToLower(question)
	for _, n := range q {
		for _, m := range n.mods {
			name := m + n.head
			c, only := onlyAfter(p.text, name)
			if !only {
				continue
			}
			longer := string(c) + name
			if !strings.Contains(p.titled, longer) || strings.Contains(question, longer) {
				continue
			}
			for _, o := range others() {
				if strings.Contains(strings.ReplaceAll(o.text, longer, ""), name) {
					return true
				}
			}
		}
	}
	return false
}

// onlyAfter reports the Han character c that stands before every
// occurrence of name in text, when there is one and it is no particle,
// measure word or pronoun (notModifier): text writes name only inside the
// longer name c+name.
func onlyAfter(text, name string) (c rune, only bool) {
	for i := 0; ; {
		j := strings.Index(text[i:], name)
		if j < 0 {
			return c, c != 0
		}
		j += i
		r, _ := utf8.DecodeLastRuneInString(text[:j])
		if j == 0 || !unicode.Is(unicode.Han, r) || strings.ContainsRune(notModifier, r) || c != 0 && r != c {
			return 0, false
		}
		c, i = r, j+len(name)
	}
}

// baseMiss is the reverse of extensionMiss: the question names a variant
// X E (E an extension word or a number: "hub 2", "cam pro", "S9 Pro",
// "Сфера Плюс"), the cited passage writes X as a name with no name after
// it ("Nimbus Hub receives security updates until 2027") and never X E,
// while another retrieved document writes X E as a variant's name (extOf:
// an extension word written as a name, or a number its title or heading
// puts after X, so E is an extension there too). It does not fire when the
// question also names X without E (a comparison), when the cited passage
// writes X only in lower case or not as a name ("your hub": a passage for
// every hub), or when X stands before another name that is no extension
// in the cited passage or another document (a brand's or a family's name:
// "Learnly" of "Learnly Plus" and "Learnly Teams").
func baseMiss(q [][]nameWord, p *siblingPairs, others func() []*siblingPairs) bool {
	if len(p.uses) == 0 {
		return false
	}
	var buf [64]byte
	kb := buf[:0]
	for _, ph := range q {
		for i := 0; i+1 < len(ph); i++ {
			x, e := ph[i], ph[i+1]
			if x.stop || !isExtension(e) {
				continue
			}
			// The key built in a buffer: most questions' numbers ("+1 415
			// 555 0100") name nothing the passage writes.
			kb = kb[:0]
			if isNumber(x.term) {
				if i == 0 {
					continue
				}
				kb = append(append(kb, ph[i-1].term...), ' ')
			}
			kb = append(kb, x.term...)
			if u := p.uses[string(kb)]; u&useBare == 0 || u&useHead != 0 {
				continue
			}
			k := string(kb)
			if _, ok := p.pairs[wordPair{x.term, e.term}]; ok || slices.Contains(p.extOf[k], e.term) {
				continue
			}
			if askedBare(q, k) {
				continue
			}
			variant, head := false, false
			for _, o := range others() {
				variant = variant || slices.Contains(o.extOf[k], e.term)
				head = head || o.uses[k]&useHead != 0
			}
			if variant && !head {
				return true
			}
		}
	}
	return false
}

// askedBare says whether the question writes the name k with no extension
// word or number after it.
func askedBare(q [][]nameWord, k string) bool {
	for _, ph := range q {
		for i := range ph {
			if nameKey(ph, i) == k && (i+1 == len(ph) || !isExtension(ph[i+1])) {
				return true
			}
		}
	}
	return false
}

// modelCodes are the words of text written as model codes — one to four
// Latin letters, one to four digits, then at most two letters: "T3",
// "S9", "X100", "A52s" — by family (codeFamily: their first letters),
// each lower-cased with its number's leading zeros dropped ("E05" and
// "e5" are one code). A number first ("5G", "128GB") is a quantity, not a
// code; two words ("Hub 2", "Волна 15") are the pair and extension rules'.
func modelCodes(text string) map[string][]string {
	var out map[string][]string
	for w := range strings.FieldsFuncSeq(text, func(r rune) bool {
		return r >= utf8.RuneSelf || !unicode.IsLetter(r) && !unicode.IsDigit(r)
	}) {
		code, ok := modelCode(w)
		if !ok {
			continue
		}
		if out == nil {
			out = map[string][]string{}
		}
		f := codeFamily(code)
		if !slices.Contains(out[f], code) {
			out[f] = append(out[f], code)
		}
	}
	return out
}

// modelCode is w as a model code (modelCodes), ok false when it is none.
func modelCode(w string) (code string, ok bool) {
	w = strings.ToLower(w)
	i := 0
	for i < len(w) && w[i] >= 'a' && w[i] <= 'z' {
		i++
	}
	j := i
	for j < len(w) && w[j] >= '0' && w[j] <= '9' {
		j++
	}
	k := j
	for k < len(w) && w[k] >= 'a' && w[k] <= 'z' {
		k++
	}
	if i < 1 || i > 4 || j-i < 1 || j-i > 4 || k-j > 2 || k != len(w) {
		return "", false
	}
	digits := strings.TrimLeft(w[i:j], "0")
	if digits == "" {
		digits = "0"
	}
	return w[:i] + digits + w[j:], true
}

// codeFamily is a model code's letters before its number: "t" of "t3".
func codeFamily(code string) string {
	return code[:strings.IndexFunc(code, unicode.IsDigit)]
}

// quoted are the sentences of an answer's sentences (each with its [n]
// marker; an FAQ entry's answer is one) without their markers.
func quoted(sentences []string) []string {
	var out []string
	for _, s := range sentences {
		if i := strings.LastIndex(s, " ["); i >= 0 && strings.HasSuffix(s, "]") {
			s = s[:i]
		}
		out = append(out, splitSentences(s)...)
	}
	return out
}

// answering returns the sentences of sents (an answer's) that write the
// most of the question's terms, asked (the sentences that answer it); nil
// when there is one sentence or none writes a term.
func answering(asked map[string]bool, sents []string) []string {
	if len(sents) < 2 {
		return nil
	}
	best, most := []string(nil), 0
	for _, s := range sents {
		n := 0
		for t := range termSet(retrieval.DefaultAnalyzer.Terms(s)) {
			if asked[t] {
				n++
			}
		}
		switch {
		case n > most:
			best, most = []string{s}, n
		case n == most && n > 0:
			best = append(best, s)
		}
	}
	return best
}

// codeMiss is the model-code form of FeatureSiblingMiss: the question
// names a model code ("does the t3 have quiet mode") that the answer's
// text (body) never writes, while the answer names another code of its
// family ("In Quiet mode the T7 grinds more slowly") that the question
// does not (a comparison names both): the answer states the sibling's
// fact. known says whether a retrieved passage writes the question's code,
// so that the code is one of the knowledge base's products, not a word
// that only looks like one. asked are the question's codes (modelCodes).
func codeMiss(asked map[string][]string, body string, known func(code string) bool) bool {
	if len(asked) == 0 {
		return false
	}
	quoted := modelCodes(body)
	for f, codes := range asked {
		siblings := quoted[f]
		if len(siblings) == 0 {
			continue
		}
		for _, c := range codes {
			if slices.Contains(siblings, c) {
				continue
			}
			other := false
			for _, s := range siblings {
				other = other || !slices.Contains(codes, s)
			}
			if other && known(c) {
				return true
			}
		}
	}
	return false
}

// numeralPrefixes are the Russian numerals that make compound adjectives
// of one family — однозонный / двухзонный / трёхзонный tariffs,
// однофазный / трёхфазный meters, двухкомнатная / трёхкомнатная flats,
// одноразовый / многоразовый — analyzed as the stemmer leaves them (ё is
// е), longest first where one is the start of another (двух before дву).
var numeralPrefixes = []string{"одно", "двух", "дву", "трех", "четырех", "пяти", "шести", "семи", "восьми", "девяти", "десяти", "много"}

// numeralSplit splits a term into its numeral prefix and the rest, ok
// false when it starts with none or the rest is shorter than three letters
// (a word of its own, not a compound).
func numeralSplit(term string) (prefix, tail string, ok bool) {
	for _, p := range numeralPrefixes {
		if rest, found := strings.CutPrefix(term, p); found && utf8.RuneCountInString(rest) >= 3 {
			return p, rest, true
		}
	}
	return "", "", false
}

// numeralMiss is the Russian numeral form of FeatureSiblingMiss: a word of
// the question (its phrases' terms) is a numeral compound (однозон of
// "однозонный") that the cited passage (its terms) does not have, while
// the passage has the same compound with another numeral (двухзон,
// трехзон) that the question does not name (a comparison names both): the
// passage is about the family's other members.
func numeralMiss(q [][]nameWord, passage map[string]bool) bool {
	for _, ph := range q {
		for _, w := range ph {
			p, tail, ok := numeralSplit(w.term)
			if !ok || w.stop || passage[w.term] {
				continue
			}
			for _, n := range numeralPrefixes {
				if sib := n + tail; n != p && passage[sib] && !asks(q, sib) {
					return true
				}
			}
		}
	}
	return false
}

// asks reports whether a word of the question's phrases q has term.
func asks(q [][]nameWord, term string) bool {
	for _, ph := range q {
		for _, w := range ph {
			if w.term == term {
				return true
			}
		}
	}
	return false
}
