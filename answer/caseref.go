package answer

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/answerdesk/answerdesk/ingest/redact"
)

// A CaseRef is a reference to the customer's own case that a message
// carries: the number of an order, a booking, an invoice, a repair or a
// ticket, as the customer wrote it. A knowledge base states policies, not
// cases: a question about order SWP-48213 is answered by a person who can
// open it, never from the shipping article (ReasonCaseReference).
type CaseRef struct {
	Noun string // the word naming the case, as written: "order", "заказа", "订单号"
	ID   string // the identifier, as written: "SWP-48213", "5512 0873"
}

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
		"zh": {"订单号", "订单编号", "订单", "单号", "工单号", "工单", "预约号", "预约单号", "合同号", "合同编号",
			"运单号", "快递单号", "流水号", "会员号", "发票号", "发票号码", "报修单号", "理赔号", "保单号", "账号"},
	}
}

// caseWords are what may stand between a case noun and its identifier:
// "order number 123", "booking ref HS-2", "заказ № 5", "заказа номер 7",
// "订单号是123".
var caseWords = map[string]bool{
	"number": true, "no": true, "nr": true, "num": true, "id": true, "ref": true, "reference": true,
	"номер": true, "№": true, "#": true, "是": true, "为": true, "码": true,
}

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
	for i := 1; i < len(r.han); i++ {
		for j := i; j > 0 && len(r.han[j]) > len(r.han[j-1]); j-- {
			r.han[j], r.han[j-1] = r.han[j-1], r.han[j]
		}
	}
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
// identifier (letters, digits and inner - _ / ., at least four digits, not
// a date, a year, a time, a sum of money or a phone number or other
// personal data) that a case noun names.
func (r caseRules) find(text string) []CaseRef {
	if r.empty() || !strings.ContainsAny(text, "0123456789") {
		return nil
	}
	pii := redact.Find(text)
	slices.SortFunc(pii, func(a, b redact.Span) int { return a.End - b.End })
	var out []CaseRef
	seen := map[string]bool{}
	for i := 0; i < len(text) && len(out) < maxCaseRefs; {
		start, end := identifierAt(text, i)
		if end == start {
			_, n := utf8.DecodeRuneInString(text[i:])
			i += n
			continue
		}
		i = end
		id := text[start:end]
		for len(pii) > 0 && pii[0].End <= start {
			pii = pii[1:] // spans end in order: none before start is looked at again
		}
		if !caseIdentifier(id) || moneyAfter(text[end:]) || personal(pii, start, end) {
			continue
		}
		noun := r.nounBefore(text[:start])
		if noun == "" || seen[id] {
			continue
		}
		seen[id] = true
		out = append(out, CaseRef{Noun: noun, ID: id})
	}
	return out
}

// identifierAt is the identifier starting at text[i:], as [start, end):
// empty unless text[i] begins a word. Two groups of digits separated by one
// space are one identifier when both have at least three digits ("5512
// 0873").
func identifierAt(text string, i int) (start, end int) {
	if i > 0 {
		if r, _ := utf8.DecodeLastRuneInString(text[:i]); idRune(r) {
			return i, i
		}
	}
	end = i
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
		if r == ' ' && digitsOnly(text[i:end]) && trailingDigits(text[i:end]) >= 3 {
			j := end + 1
			for j < len(text) && text[j] >= '0' && text[j] <= '9' {
				j++
			}
			if j-end-1 >= 3 && (j == len(text) || !idByte(text[j])) {
				end = j
				continue
			}
		}
		break
	}
	return i, end
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

func trailingDigits(s string) int {
	n := 0
	for n < len(s) && s[len(s)-1-n] >= '0' && s[len(s)-1-n] <= '9' {
		n++
	}
	return n
}

// caseIdentifier reports whether id can name a case: four digits or more,
// and not a year, a date, a time or a decimal number.
func caseIdentifier(id string) bool {
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
		if len(id) == 4 && (strings.HasPrefix(id, "19") || strings.HasPrefix(id, "20")) {
			return false // a year
		}
		// A date (2026-11-14, 14.11.2026, 11/14/2026) or a decimal (1240.50).
		if parts := strings.FieldsFunc(id, func(r rune) bool { return r == '-' || r == '.' || r == '/' }); len(parts) > 1 {
			if len(parts) == 3 && dateParts(parts) {
				return false
			}
			if len(parts) == 2 && len(parts[1]) <= 2 && strings.Contains(id, ".") {
				return false
			}
		}
	}
	return true
}

// dateParts reports whether three groups of digits read as a date.
func dateParts(p []string) bool {
	short := 0
	for _, s := range p {
		if len(s) <= 2 {
			short++
		} else if len(s) != 4 {
			return false
		}
	}
	return short == 2
}

// moneyAfter reports whether rest (the text after a number) starts with a
// currency or a percent sign: "5000 руб", "1240 €", "300元".
func moneyAfter(rest string) bool {
	rest = strings.TrimLeft(rest, " \u00a0")
	if len(rest) > 16 {
		rest = rest[:16] // the longest sign looked for is 7 bytes
	}
	low := lower(firstWord(rest))
	for _, c := range []string{"%", "€", "$", "£", "¥", "₽", "元", "块", "руб", "р.", "eur", "usd", "rub", "rmb", "cny", "dollar", "euro", "pound", "yuan", "тыс", "k "} {
		if strings.HasPrefix(low, c) || strings.HasPrefix(rest, c) {
			return true
		}
	}
	return false
}

// firstWord is rest up to its first space.
func firstWord(rest string) string {
	if i := strings.IndexAny(rest, " \n\t"); i >= 0 {
		return rest[:i]
	}
	return rest
}

// personal reports whether [start, end) overlaps a personal number: a
// card, an IBAN, a tax or insurance number, an e-mail, an IP address. A
// number a case noun names is the case's even when it has a phone's or a
// postcode's shape ("лицевой счёт 5512 0873"). spans (redact.Find's: they
// do not overlap) are in order and end after start.
func personal(spans []redact.Span, start, end int) bool {
	for _, s := range spans {
		if s.Start >= end {
			break
		}
		if s.Type != redact.Phone && s.Type != redact.Address && s.Type != redact.Name && s.Start < end && start < s.End {
			return true
		}
	}
	return false
}

// nounBefore is the case noun that names the identifier following before
// (the text up to it), "" when none does: the last word before it, once
// the words and signs that may stand between ("number", "№", ":", ",") are
// passed; a Chinese noun ends right before them.
func (r caseRules) nounBefore(before string) string {
	// At most three words back: "order number:", "заказа №".
	for step := 0; step < 4; step++ {
		before = strings.TrimRightFunc(before, func(r rune) bool {
			return unicode.IsSpace(r) || strings.ContainsRune(":：,，#№(（\"'«“-–是为", r)
		})
		for _, h := range r.han {
			if strings.HasSuffix(before, h) {
				return h
			}
		}
		w, rest := lastWord(before)
		if w == "" {
			return ""
		}
		lw := strings.TrimSuffix(lower(w), ".")
		if r.noun(lw) && !(caseWords[lw] && step == 0 && r.caseWordBefore(rest)) {
			if verbContext(rest) {
				return "" // "can I order 5000 flyers", "to claim 1000 points"
			}
			return w
		}
		if !caseWords[lw] {
			return ""
		}
		before = rest
	}
	return ""
}

// verbWords, before an English noun that is a verb too (order, return,
// request, claim, book), make it the verb: a quantity follows, not a case.
var verbWords = map[string]bool{
	"to": true, "i": true, "we": true, "you": true, "they": true, "can": true, "could": true, "would": true,
	"will": true, "should": true, "shall": true, "may": true, "might": true, "must": true, "please": true,
	"do": true, "does": true, "did": true, "i'd": true, "we'd": true, "i'll": true, "we'll": true,
}

// verbContext reports whether before (the text up to a case noun) ends
// with a word that makes the noun a verb.
func verbContext(before string) bool {
	before = strings.TrimRightFunc(before, unicode.IsSpace)
	i := strings.LastIndexFunc(before, func(r rune) bool { return !(unicode.IsLetter(r) || r == '\'' || r == '’') })
	w := strings.ReplaceAll(lower(before[i+1:]), "’", "'")
	return verbWords[w]
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
