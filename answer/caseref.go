package answer

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/answerdesk/answerdesk/ingest/redact"
)

// A CaseRef is a reference to the customer's own case that a message
// carries: the number of an order, a booking, an invoice, a repair or a
// ticket, as the customer wrote it. A knowledge base states policies, not
// cases: a question about order SWP-48213 is answered by a person who can
// open it, never from the shipping article (ReasonCaseReference).
type CaseRef struct {
	Noun string // the word naming the case, as written: "order", "заказа", "订单号"
	ID   string // the identifier, NFKC-normalized: "SWP-48213", "5512 0873"
}

// String is the reference as a ticket's summary lists it: "order
// SWP-48213", "订单号XL8820651".
func (c CaseRef) String() string {
	if hasHan(c.Noun) {
		return c.Noun + c.ID
	}
	return c.Noun + " " + c.ID
}

// defaultCaseNouns name a customer's case when an identifier follows them
// (after "number", "no.", "№", "#", ":" and the like). A trailing "*"
// matches any ending; Russian nouns whose stem a verb shares are listed
// by their forms ("заказа", never "заказать 5000 листовок"). Chinese nouns
// match as the text just before the identifier. A word that names a thing
// rather than a case (model, serial, phone, card, room) is not here: "room
// 1204" and "модель 2000" are facts a knowledge base may hold.
func defaultCaseNouns() map[string][]string {
	return map[string][]string{
		"en": {"order", "invoice", "booking", "reservation", "ticket", "case", "rma", "repair", "ref", "reference",
			"confirmation", "transaction", "tracking", "contract", "policy", "claim", "receipt", "shipment",
			"parcel", "account", "membership", "customer", "subscription", "return", "request", "incident"},
		"ru": {"заказ", "заказа", "заказу", "заказом", "заказе", "заказы", "заказов", "счет", "счета", "счёт", "счёта",
			"бронь", "брони", "броню", "бронью", "бронировани*", "заявк*", "договор", "договора", "договору",
			"договором", "договоре", "квитанци*", "обращени*", "полис*", "посылк*", "трек", "трека", "трек-номер*",
			"накладн*", "талон*", "абонемент*"},
		"zh": {"订单号", "订单编号", "订单号码", "订单", "单号", "工单号", "工单", "预约号", "预约单号", "合同号", "合同编号",
			"运单号", "快递单号", "流水号", "会员号", "发票号", "发票号码", "报修单号", "理赔号", "保单号", "账号"},
	}
}

// amountNouns are case nouns as often followed by a sum as by a number
// ("пришёл счёт 5600", "абонемент 3500 в месяц", "the subscription 2990"):
// after them a bare number is a case's only with a marker ("№", "number")
// or at least six digits ("лицевой счёт 5512 0873").
var amountNouns = []string{"счет", "счёт", "абонемент", "subscription", "membership"}

// caseWords are what may stand between a case noun and its identifier:
// "order number 123", "booking ref HS-2", "booking code XK4", "заказа
// номер 7", "заказ N 778812"; all but "ref" and "reference" mark the
// number as one.
var caseWords = map[string]bool{
	"number": true, "no": true, "nr": true, "num": true, "n": true, "id": true, "code": true, "ref": true,
	"reference": true, "номер": true,
}

// caseSigns may stand between a case noun and its identifier; all but the
// spaces and commas mark the number as one.
const caseSigns = ":：,，#№(（\"'«“-–是为码"

// caseRules are the compiled case nouns of Config.CaseNouns.
type caseRules struct {
	exact  map[string]bool
	prefix []string
	han    []string // longest first
}

func newCaseRules(nouns map[string][]string) caseRules {
	r := caseRules{exact: map[string]bool{}}
	for _, ws := range nouns {
		for _, w := range ws {
			w = lower(strings.TrimSpace(w))
			switch {
			case w == "":
			case hasHan(w):
				r.han = append(r.han, w)
			case strings.HasSuffix(w, "*"):
				r.prefix = append(r.prefix, strings.TrimSuffix(w, "*"))
			default:
				r.exact[w] = true
			}
		}
	}
	// The longest Chinese noun is the one reported: 订单号, not 单号.
	slices.SortStableFunc(r.han, func(a, b string) int { return len(b) - len(a) })
	return r
}

func (r caseRules) empty() bool { return len(r.exact) == 0 && len(r.prefix) == 0 && len(r.han) == 0 }

func (r caseRules) noun(w string) bool {
	if r.exact[w] {
		return true
	}
	for _, p := range r.prefix {
		if strings.HasPrefix(w, p) {
			return true
		}
	}
	return false
}

// maxCaseRefs bounds the references reported for one message.
const maxCaseRefs = 5

// find returns the case references in text, in order, without repeats: an
// identifier that a case noun names. An identifier is letters, digits and
// inner - _ / . with at least four digits; it is not a date or a decimal,
// nor a sum of money or a quantity (a currency or a unit after it or glued
// to it), nor a card, an IBAN or other personal number; a bare number of
// four digits is one only with a marker ("#2045", "заказ № 5512").
// The text is read NFKC-normalized: full-width digits and letters as ASCII.
func (r caseRules) find(text string) []CaseRef {
	if r.empty() {
		return nil
	}
	// NFKC, as the analyzer reads text: full-width digits and letters
	// ("１２３４５") are ASCII, "№" is "No".
	text = norm.NFKC.String(text)
	if !strings.ContainsAny(text, "0123456789") {
		return nil
	}
	var pii []redact.Span // found once a candidate needs them
	piiDone := false
	var out []CaseRef
	seen := map[string]bool{}
	for i := 0; i < len(text) && len(out) < maxCaseRefs; {
		start, first, end := identifierAt(text, i)
		if end == start {
			_, n := utf8.DecodeRuneInString(text[i:])
			i += n
			continue
		}
		i = end
		noun, marked := r.nounBefore(text[:start])
		if noun == "" {
			continue
		}
		// Two groups of digits are one number unless they are a number
		// and a sum: "по заказу 778812 1500 руб".
		if first < end && !caseNumber(noun, text[start:end], marked, text[end:]) {
			end = first
		}
		id := text[start:end]
		if seen[id] || !caseNumber(noun, id, marked, text[end:]) {
			continue
		}
		if !piiDone {
			pii, piiDone = redact.Find(text), true
		}
		if personal(pii, start, end) {
			continue
		}
		seen[id] = true
		out = append(out, CaseRef{Noun: noun, ID: id})
	}
	return out
}

// caseNumber reports whether id, named by noun (with a marker between
// them when marked) and followed by rest, is a case's number.
func caseNumber(noun, id string, marked bool, rest string) bool {
	if !caseIdentifier(id, marked) || quantityAfter(rest) {
		return false
	}
	if !marked && countDigits(id) < 6 && digitsOnly(strings.ReplaceAll(id, " ", "")) {
		ln := lower(noun)
		for _, a := range amountNouns {
			if strings.HasPrefix(ln, a) {
				return false
			}
		}
	}
	return true
}

// identifierAt is the identifier starting at text[i:], as [start, end):
// empty unless text[i] begins a word. Two groups of digits separated by one
// space are one identifier when both have at least three digits ("5512
// 0873"); first is then the end of the first group, else end.
func identifierAt(text string, i int) (start, first, end int) {
	if i > 0 {
		if r, _ := utf8.DecodeLastRuneInString(text[:i]); idRune(r) {
			return i, i, i
		}
	}
	end = i
	first = -1
	for end < len(text) {
		r, n := utf8.DecodeRuneInString(text[end:])
		if idRune(r) {
			end += n
			continue
		}
		// An inner separator joins two parts: "SWP-48213", "SA20261114-0233".
		if strings.ContainsRune("-_/.", r) && end > i && end+n < len(text) {
			if next, _ := utf8.DecodeRuneInString(text[end+n:]); idRune(next) {
				end += n
				continue
			}
		}
		if r == ' ' && first < 0 && digitsOnly(text[i:end]) && len(text[i:end]) >= 3 {
			j := end + 1
			for j < len(text) && text[j] >= '0' && text[j] <= '9' {
				j++
			}
			if j-end-1 >= 3 && (j == len(text) || !idByte(text[j])) {
				first, end = end, j
				continue
			}
		}
		break
	}
	if first < 0 {
		first = end
	}
	return i, first, end
}

// idRune reports whether r may be part of an identifier: an ASCII letter
// or digit, or a letter of another alphabet ("А-4471-09"), not Han.
func idRune(r rune) bool {
	if r < utf8.RuneSelf {
		return idByte(byte(r))
	}
	return unicode.IsLetter(r) && !isHanRune(r)
}

func idByte(b byte) bool {
	return b >= '0' && b <= '9' || b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z'
}

func digitsOnly(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

func countDigits(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			n++
		}
	}
	return n
}

// caseIdentifier reports whether id can name a case: four digits or more;
// not a date or a decimal; not digits with a currency or a unit glued on
// ("5000р", "5000pcs"); and, unless a marker names it ("#2045"), not a bare
// number of four digits (a year, a price, a quantity).
func caseIdentifier(id string, marked bool) bool {
	digits, letters := 0, 0
	for _, r := range id {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case unicode.IsLetter(r):
			letters++
		}
	}
	if digits < 4 {
		return false
	}
	if letters == 0 {
		if digits == 4 && !marked && !strings.ContainsAny(id, "-_/. ") {
			return false
		}
		// A date (2026-11-14, 14.11.2026, 12.12.26) or a decimal (1240.50).
		if parts := strings.FieldsFunc(id, func(r rune) bool { return r == '-' || r == '.' || r == '/' }); len(parts) > 1 {
			if len(parts) == 3 && dateParts(parts) {
				return false
			}
			if len(parts) == 2 && len(parts[1]) <= 2 && strings.Contains(id, ".") {
				return false
			}
		}
		return true
	}
	// Digits then letters: a sum or a quantity when the letters are a
	// currency or a unit.
	if i := strings.LastIndexFunc(id, func(r rune) bool { return r >= '0' && r <= '9' }); i >= 0 && digitsOnly(id[:i+1]) {
		return !quantityWord(lower(id[i+1:]))
	}
	return true
}

// dateParts reports whether three groups of digits read as a date: two of
// one or two digits and a year of two or four.
func dateParts(p []string) bool {
	short, year := 0, 0
	for _, s := range p {
		switch len(s) {
		case 1, 2:
			short++
		case 4:
			year++
		default:
			return false
		}
	}
	return short == 3 || short == 2 && year == 1
}

// Currencies and units that make a number before them a sum or a
// quantity, lower case: "5000 руб", "1240,50 €", "5000 шт", "1500 each",
// "3000多元", "5000个". A stem of quantityStems matches any ending
// ("рублей", "dollars", "штуки"); the signs and Chinese units need no space
// after the number.
var (
	quantityWords = []string{"р", "р.", "pc", "each", "per", "%"}
	quantityStems = []string{"руб", "долл", "евро", "юан", "тыс", "шт", "балл", "бонус",
		"eur", "usd", "dollar", "rub", "rmb", "cny", "yuan", "pound", "gbp", "pcs", "piece", "unit", "point"}
	quantitySigns = []string{"%", "€", "$", "£", "¥", "₽", "元", "块", "多", "个", "件", "张", "份", "套", "积分"}
)

// quantityAfter reports whether rest (the text after a number) starts with
// a currency or a unit, after decimals ("1240,50 руб") and a space.
func quantityAfter(rest string) bool {
	if len(rest) >= 2 && (rest[0] == ',' || rest[0] == '.') && rest[1] >= '0' && rest[1] <= '9' {
		rest = strings.TrimLeft(rest[1:], "0123456789")
	}
	rest = strings.TrimLeft(rest, " \u00a0")
	if len(rest) > 24 {
		rest = rest[:24] // the longest unit looked for is 10 bytes
	}
	for _, q := range quantitySigns {
		if strings.HasPrefix(rest, q) {
			return true
		}
	}
	w := lower(rest)
	if i := strings.IndexFunc(w, func(r rune) bool { return !unicode.IsLetter(r) && r != '.' }); i >= 0 {
		w = w[:i]
	}
	return quantityWord(w)
}

// quantityWord reports whether w is a currency or a unit.
func quantityWord(w string) bool {
	if slices.Contains(quantityWords, w) || slices.Contains(quantitySigns, w) {
		return true
	}
	for _, q := range quantityStems {
		if strings.HasPrefix(w, q) {
			return true
		}
	}
	return false
}

// personal reports whether [start, end) overlaps a personal number: a
// card, an IBAN, a tax or insurance number, an e-mail, an IP address. A
// number a case noun names is the case's even when it has a phone's or a
// postcode's shape ("лицевой счёт 5512 0873"). spans are redact.Find's,
// which do not overlap.
func personal(spans []redact.Span, start, end int) bool {
	for _, s := range spans {
		if s.Type != redact.Phone && s.Type != redact.Address && s.Type != redact.Name && s.Start < end && start < s.End {
			return true
		}
	}
	return false
}

// nounBefore is the case noun that names the identifier following before
// (the text up to it), "" when none does: the last word before it, once
// the words and signs that may stand between ("number", "№", ":", ",") are
// passed; a Chinese noun ends right before them. marked reports a marker
// among them ("number", "№", "#", ":"), which makes any number a case's.
func (r caseRules) nounBefore(before string) (noun string, marked bool) {
	// At most three words back: "order number:", "заказа №".
	for step := 0; step < 4; step++ {
		trimmed := strings.TrimRightFunc(before, func(r rune) bool {
			return unicode.IsSpace(r) || strings.ContainsRune(caseSigns, r)
		})
		if strings.ContainsFunc(before[len(trimmed):], func(r rune) bool { return !unicode.IsSpace(r) && r != ',' && r != '，' }) {
			marked = true
		}
		before = trimmed
		for _, h := range r.han {
			if strings.HasSuffix(before, h) {
				return h, marked
			}
		}
		w, rest := lastWord(before)
		if w == "" {
			return "", false
		}
		lw := strings.TrimSuffix(lower(w), ".")
		if r.noun(lw) && !(caseWords[lw] && step == 0 && r.caseWordBefore(rest)) {
			if !marked && verbContext(rest) {
				return "", false // "can I order 5000 flyers", "to claim 12000 points"
			}
			return w, marked
		}
		if !caseWords[lw] {
			return "", false
		}
		if lw != "ref" && lw != "reference" {
			marked = true
		}
		before = rest
	}
	return "", false
}

// verbWords, right before an English noun that is a verb too (order,
// return, request, claim), make it the verb: a quantity follows, not a
// case. "to" does after the words of toVerbs only: "I want to order 5000",
// but "an update to ticket 77120".
var (
	verbWords = map[string]bool{
		"i": true, "we": true, "you": true, "they": true, "can": true, "could": true, "would": true,
		"will": true, "should": true, "shall": true, "may": true, "might": true, "must": true, "please": true,
		"do": true, "does": true, "did": true, "i'd": true, "we'd": true, "i'll": true, "we'll": true,
	}
	toVerbs = map[string]bool{
		"want": true, "wants": true, "like": true, "need": true, "needs": true, "how": true, "able": true,
		"going": true, "trying": true, "try": true, "wish": true, "plan": true, "planning": true, "have": true,
	}
)

// verbContext reports whether before (the text up to a case noun) ends
// with a word that makes the noun a verb.
func verbContext(before string) bool {
	w, rest := lastEnglishWord(before)
	if w == "to" {
		w, _ = lastEnglishWord(rest)
		return toVerbs[w]
	}
	return verbWords[w]
}

// lastEnglishWord is the last word of s (letters and apostrophes), lower
// case with ’ read as ', and what precedes it.
func lastEnglishWord(s string) (word, rest string) {
	s = strings.TrimRightFunc(s, unicode.IsSpace)
	i := len(s)
	for i > 0 {
		r, n := utf8.DecodeLastRuneInString(s[:i])
		if !(unicode.IsLetter(r) || r == '\'' || r == '’') {
			break
		}
		i -= n
	}
	return strings.ReplaceAll(lower(s[i:]), "’", "'"), s[:i]
}

// caseWordBefore reports whether a case noun precedes a word like "ref"
// that is a noun of its own too: "booking ref HS-2" names a booking.
func (r caseRules) caseWordBefore(before string) bool {
	w, _ := lastWord(strings.TrimRightFunc(before, unicode.IsSpace))
	return w != "" && r.noun(lower(w))
}

// lastWord splits s into its last word (letters, digits, '.') and what
// precedes it.
func lastWord(s string) (word, rest string) {
	i := len(s)
	for i > 0 {
		r, n := utf8.DecodeLastRuneInString(s[:i])
		if !(unicode.IsLetter(r) || unicode.IsDigit(r) || r == '.') || isHanRune(r) {
			break
		}
		i -= n
	}
	return s[i:], s[:i]
}
