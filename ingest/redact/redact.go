package redact

import (
	"net/netip"
	"regexp"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// PII types reported in Span.Type; the placeholder Text writes is "[" + Type + "]".
const (
	Email = "EMAIL"
	Phone = "PHONE"
	Card  = "CARD"
	IBAN  = "IBAN"
	IP    = "IP"
	SSN   = "SSN"
	INN   = "INN"
	SNILS = "SNILS"
	CNID  = "CN_ID"
	// Name is a person's name, Address a street address (with its units).
	Name    = "NAME"
	Address = "ADDRESS"
)

// Span is one piece of personal data in a string: s[Start:End] in bytes.
type Span struct {
	Start, End int
	Type       string
}

// detector finds candidate spans of one type; priority orders overlaps
// (lower wins), so that checksum-verified ids beat the loose phone pattern.
type detector struct {
	typ      string
	re       *regexp.Regexp
	validate func(s string) bool
	// needs is what every match of re holds: without it in the text, re
	// is not run.
	needs traits
}

// traits are the characters a text holds that every match of some pattern
// needs: a pattern whose match needs a character the text lacks cannot
// match, and is not run (no digit: no phone, card or IBAN; no '@': no
// e-mail). Go's \d is ASCII only.
type traits uint8

const (
	hasDigit    traits = 1 << iota // 0-9
	hasAt                          // '@'
	hasColon                       // ':'
	hasUpper                       // a rune of \p{Lu}
	hasNonASCII                    // a byte >= 0x80 (Cyrillic, Han, …)
)

// traitsOf returns the traits of s in one pass over its bytes.
func traitsOf(s string) traits {
	var t traits
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			t |= hasDigit
		case c == '@':
			t |= hasAt
		case c == ':':
			t |= hasColon
		case c >= 'A' && c <= 'Z':
			t |= hasUpper
		case c >= 0x80:
			t |= hasNonASCII
		}
	}
	if t&(hasUpper|hasNonASCII) == hasNonASCII {
		for _, r := range s {
			if unicode.Is(unicode.Lu, r) {
				t |= hasUpper
				break
			}
		}
	}
	return t
}

// has reports whether t holds all of need.
func (t traits) has(need traits) bool { return t&need == need }

var (
	reEmail = regexp.MustCompile(`(?i)[a-z0-9._%+'-]+@(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,24}`)
	// Cards: 12–19 digits, optionally grouped with single spaces or dashes.
	reCard = regexp.MustCompile(`\d(?:[ -]?\d){11,18}`)
	// IBAN: country, check digits, 11–30 alphanumerics, compact or in groups of four.
	reIBANCompact = regexp.MustCompile(`(?i)[a-z]{2}\d{2}[a-z0-9]{11,30}`)
	reIBANGrouped = regexp.MustCompile(`(?i)[a-z]{2}\d{2}(?: [a-z0-9]{4}){2,7}(?: [a-z0-9]{1,4})?`)
	reIPv4        = regexp.MustCompile(`\d{1,3}(?:\.\d{1,3}){3}`)
	reIPv6        = regexp.MustCompile(`(?i)[0-9a-f]{0,4}(?::[0-9a-f]{0,4}){2,7}(?:%[0-9a-z]+)?`)
	reSSN         = regexp.MustCompile(`\d{3}-\d{2}-\d{4}`)
	// INN: 10 (organisations) or 12 (persons) digits.
	reINN = regexp.MustCompile(`\d{12}|\d{10}`)
	// SNILS: 123-456-789 01, or 11 digits.
	reSNILS = regexp.MustCompile(`\d{3}-\d{3}-\d{3}[ -]\d{2}|\d{11}`)
	// Chinese resident identity number: 17 digits and a check character.
	reCNID = regexp.MustCompile(`\d{17}[\dXx]`)
	// Phones: optional +country or leading 00/8, optional area code in
	// parentheses, digit groups separated by space, dot or dash, optional extension.
	rePhone      = regexp.MustCompile(`(?i)(?:\+\s?\d{1,3}[\s.-]?)?(?:\(\s?0?\d{0,4}\s?\)[\s.-]?)?\d{1,5}(?:(?:[ .-]|\s?\(0?\d{1,4}\)\s?)\d{1,8}){0,6}(?:\s?(?:x|ext\.?|доб\.?)\s?\d{1,5})?`)
	rePhoneBare  = regexp.MustCompile(`\+?\d{7,15}`)
	reDate       = regexp.MustCompile(`^(?:\d{4}[./-]\d{1,2}[./-]\d{1,2}|\d{1,2}[./-]\d{1,2}[./-]\d{4})$`)
	reDatePrefix = regexp.MustCompile(`^(?:\d{4}-\d{2}-\d{2}|\d{2}[./]\d{2}[./]\d{4})[ T]`)
)

// detectors in priority order.
var detectors = []detector{
	{Email, reEmail, func(string) bool { return true }, hasAt},
	{IBAN, reIBANCompact, validIBAN, hasDigit},
	{IBAN, reIBANGrouped, validIBAN, hasDigit},
	{CNID, reCNID, validCNID, hasDigit},
	// INN (two check digits for 12) is stricter than Luhn: a 12-digit
	// number passing both is far likelier an INN than a card.
	{SNILS, reSNILS, validSNILS, hasDigit},
	{INN, reINN, validINN, hasDigit},
	{Card, reCard, validCard, hasDigit},
	{SSN, reSSN, validSSN, hasDigit},
	{IP, reIPv4, validIPv4, hasDigit},
	{IP, reIPv6, validIPv6, hasColon},
	{Phone, rePhone, validPhone, hasDigit},
	{Phone, rePhoneBare, validPhone, hasDigit},
}

// Find returns the personal-data spans in s, sorted by Start, not
// overlapping. A candidate must stand alone: the characters around it are not
// letters or digits (so an id inside a longer number or word is not split out).
func Find(s string) []Span {
	var out []Span
	taken := func(a, b int) bool {
		for _, sp := range out {
			if a < sp.End && sp.Start < b {
				return true
			}
		}
		return false
	}
	t := traitsOf(s)
	for _, d := range detectors {
		if !t.has(d.needs) {
			continue
		}
		for _, m := range d.re.FindAllStringIndex(s, -1) {
			a, b := trimSpan(s, m[0], m[1], d.typ)
			if a >= b || !isolated(s, a, b, d.typ) || taken(a, b) {
				continue
			}
			if !d.validate(s[a:b]) {
				if d.typ == Phone {
					continue // a phone is never cut out of a longer number
				}
				// A greedy match may have swallowed a neighbouring group: retry
				// without trailing groups.
				a2, b2, ok := shrink(s, a, b, d)
				if !ok || taken(a2, b2) {
					continue
				}
				a, b = a2, b2
			}
			out = append(out, Span{Start: a, End: b, Type: d.typ})
		}
	}
	// Names and addresses come last: a phone or card inside an address
	// keeps its own type. Addresses before names: "Glyn St" is a street.
	addrs := findAddresses(s, t)
	for _, sp := range append(addrs, findNames(s, t)...) {
		if sp.Type == Address {
			out = absorbPhones(out, sp) // a postcode or house number read as a phone
		}
		if sp.Type == Name && afterAddress(s, sp, addrs) {
			continue // the place line of an address: "Prospect St, Dehylov"
		}
		if !taken(sp.Start, sp.End) {
			out = append(out, sp)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Start < out[j].Start })
	return out
}

// afterAddress reports whether only commas and blanks stand between an
// address and the name span sp: the name is the address's town.
func afterAddress(s string, sp Span, addrs []Span) bool {
	a := len(strings.TrimRight(s[:sp.Start], " ,\t\n"))
	for _, ad := range addrs {
		if ad.End == a {
			return true
		}
	}
	return false
}

// absorbPhones drops the phone spans lying wholly inside the address sp,
// unless sp also overlaps a span of another type.
func absorbPhones(out []Span, sp Span) []Span {
	for _, o := range out {
		if o.Start < sp.End && sp.Start < o.End && (o.Type != Phone || o.Start < sp.Start || o.End > sp.End) {
			return out
		}
	}
	kept := out[:0:0]
	for _, o := range out {
		if !(o.Start < sp.End && sp.Start < o.End) {
			kept = append(kept, o)
		}
	}
	return kept
}

// types are the PII types, each written as the placeholder "[" + type + "]".
var types = []string{Email, Phone, Card, IBAN, IP, SSN, INN, SNILS, CNID, Name, Address}

// Masked reports whether s holds a placeholder Text writes ("[EMAIL]",
// "[PHONE]", …): text redacted before it was stored.
func Masked(s string) bool {
	for i := strings.IndexByte(s, '['); i >= 0; {
		rest := s[i+1:]
		for _, t := range types {
			if strings.HasPrefix(rest, t) && strings.HasPrefix(rest[len(t):], "]") {
				return true
			}
		}
		j := strings.IndexByte(rest, '[')
		if j < 0 {
			break
		}
		i += 1 + j
	}
	return false
}

// Text returns s with every span Find reports replaced by "[TYPE]".
func Text(s string) string {
	spans := Find(s)
	if len(spans) == 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	last := 0
	for _, sp := range spans {
		b.WriteString(s[last:sp.Start])
		b.WriteString("[" + sp.Type + "]")
		last = sp.End
	}
	b.WriteString(s[last:])
	return b.String()
}

// shrink drops trailing separator-delimited groups until the candidate
// validates; it returns ok=false when none does.
func shrink(s string, a, b int, d detector) (int, int, bool) {
	for {
		i := strings.LastIndexAny(s[a:b], " -.")
		if i <= 0 {
			return 0, 0, false
		}
		b = a + i
		a2, b2 := trimSpan(s, a, b, d.typ)
		if a2 >= b2 {
			return 0, 0, false
		}
		if d.validate(s[a2:b2]) && isolatedEnd(s, b2) {
			return a2, b2, true
		}
	}
}

// trimSpan removes separators and unmatched parentheses a loose pattern can
// leave at the ends.
func trimSpan(s string, a, b int, typ string) (int, int) {
	for a < b && strings.IndexByte(" .-(", s[a]) >= 0 && !(typ == Phone && s[a] == '(' && strings.IndexByte(s[a:b], ')') > 0) {
		a++
	}
	for a < b && strings.IndexByte(" .-(", s[b-1]) >= 0 {
		b--
	}
	if typ == Email {
		for a < b && strings.IndexByte(".'-", s[a]) >= 0 {
			a++
		}
	}
	return a, b
}

// isolated reports whether s[a:b] is not glued to a letter or digit. Phones
// and numbers may follow a letter in CJK text (no spaces), so letters that are
// not Latin/Cyrillic do not count as glue there.
func isolated(s string, a, b int, typ string) bool {
	if a > 0 {
		r, _ := utf8.DecodeLastRuneInString(s[:a])
		if glue(r, typ) {
			return false
		}
		// "+" or a digit group just before means the pattern started mid-number.
		if typ != Email && (r == '+' || (a > 1 && (r == '-' || r == '.') && isDigitBefore(s, a-1))) {
			return false
		}
	}
	return isolatedEnd(s, b) && !(typ != Email && b < len(s)-1 && (s[b] == '-' || s[b] == '.') && s[b+1] >= '0' && s[b+1] <= '9')
}

func isDigitBefore(s string, i int) bool { return i > 0 && s[i-1] >= '0' && s[i-1] <= '9' }

func isolatedEnd(s string, b int) bool {
	if b >= len(s) {
		return true
	}
	r, _ := utf8.DecodeRuneInString(s[b:])
	return !glue(r, "")
}

func glue(r rune, typ string) bool {
	if unicode.IsDigit(r) || r == '_' {
		return true
	}
	if !unicode.IsLetter(r) {
		return false
	}
	// Latin, Cyrillic and Greek letters glue; CJK text has no spaces.
	return r < 0x0530
}

func digits(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			b.WriteByte(s[i])
		}
	}
	return b.String()
}

// validCard applies the Luhn check to 12–19 digits.
func validCard(s string) bool {
	d := digits(s)
	if len(d) < 12 || len(d) > 19 || allSame(d) {
		return false
	}
	// Grouped numbers must use one separator consistently.
	if strings.Contains(s, " ") && strings.Contains(s, "-") {
		return false
	}
	sum := 0
	for i := len(d) - 1; i >= 0; i-- {
		n := int(d[i] - '0')
		if (len(d)-1-i)%2 == 1 {
			n *= 2
			if n > 9 {
				n -= 9
			}
		}
		sum += n
	}
	return sum%10 == 0
}

func allSame(d string) bool {
	for i := 1; i < len(d); i++ {
		if d[i] != d[0] {
			return false
		}
	}
	return true
}

// ibanLen is the IBAN length per country (ISO 13616 registry, common subset);
// countries not listed are accepted at any length 15–34.
var ibanLen = map[string]int{
	"AD": 24, "AE": 23, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22, "BH": 22, "BR": 29, "CH": 21,
	"CY": 28, "CZ": 24, "DE": 22, "DK": 18, "EE": 20, "ES": 24, "FI": 18, "FR": 27, "GB": 22, "GE": 22,
	"GI": 23, "GR": 27, "HR": 21, "HU": 28, "IE": 22, "IL": 23, "IS": 26, "IT": 27, "KZ": 20, "LI": 21,
	"LT": 20, "LU": 20, "LV": 21, "MC": 27, "MT": 31, "NL": 18, "NO": 15, "PL": 28, "PT": 25, "RO": 24,
	"RS": 22, "SA": 24, "SE": 24, "SI": 19, "SK": 24, "SM": 27, "TR": 26, "UA": 29,
}

// validIBAN checks the country length and the ISO 7064 mod-97 check digits.
func validIBAN(s string) bool {
	c := strings.ToUpper(strings.ReplaceAll(s, " ", ""))
	if len(c) < 15 || len(c) > 34 {
		return false
	}
	if n, ok := ibanLen[c[:2]]; ok && n != len(c) {
		return false
	}
	r := c[4:] + c[:4]
	rem := 0
	for i := 0; i < len(r); i++ {
		ch := r[i]
		switch {
		case ch >= '0' && ch <= '9':
			rem = (rem*10 + int(ch-'0')) % 97
		case ch >= 'A' && ch <= 'Z':
			v := int(ch-'A') + 10
			rem = (rem*100 + v) % 97
		default:
			return false
		}
	}
	return rem == 1
}

func validIPv4(s string) bool {
	a, err := netip.ParseAddr(s)
	return err == nil && a.Is4() && !strings.HasPrefix(s, "0.")
}

func validIPv6(s string) bool {
	if strings.Count(s, ":") < 2 {
		return false
	}
	a, err := netip.ParseAddr(s)
	// "::" alone or a time like 10:30:00 is not an address worth masking.
	return err == nil && a.Is6() && len(digits(s))+strings.Count(strings.ToLower(s), "a")+1 > 2 && strings.ContainsAny(strings.ToLower(s), "0123456789abcdef") && !isClock(s)
}

func isClock(s string) bool {
	parts := strings.Split(s, ":")
	if len(parts) != 3 {
		return false
	}
	for _, p := range parts {
		if len(p) != 2 || digits(p) != p {
			return false
		}
	}
	return true
}

// validSSN rejects the number ranges the US SSA never issues, and what
// is not ddd-dd-dddd (a candidate shrink cut short).
func validSSN(s string) bool {
	if len(s) != 11 || s[3] != '-' || s[6] != '-' {
		return false
	}
	area, group, serial := s[:3], s[4:6], s[7:]
	return area != "000" && area != "666" && area[0] != '9' && group != "00" && serial != "0000"
}

// validINN checks the Russian taxpayer number's control digits.
func validINN(s string) bool {
	d := digits(s)
	ctl := func(w []int) int {
		sum := 0
		for i, k := range w {
			sum += k * int(d[i]-'0')
		}
		return sum % 11 % 10
	}
	switch len(d) {
	case 10:
		return ctl([]int{2, 4, 10, 3, 5, 9, 4, 6, 8}) == int(d[9]-'0') && !allSame(d)
	case 12:
		return ctl([]int{7, 2, 4, 10, 3, 5, 9, 4, 6, 8}) == int(d[10]-'0') &&
			ctl([]int{3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8}) == int(d[11]-'0') && !allSame(d)
	}
	return false
}

// validSNILS checks the Russian insurance number's control number.
func validSNILS(s string) bool {
	d := digits(s)
	if len(d) != 11 || allSame(d[:9]) {
		return false
	}
	sum := 0
	for i := 0; i < 9; i++ {
		sum += int(d[i]-'0') * (9 - i)
	}
	var ctl int
	switch {
	case sum < 100:
		ctl = sum
	case sum == 100 || sum == 101:
		ctl = 0
	default:
		ctl = sum % 101
		if ctl == 100 {
			ctl = 0
		}
	}
	return ctl == int(d[9]-'0')*10+int(d[10]-'0')
}

// validCNID checks the GB 11643 (ISO 7064 MOD 11-2) check character and a
// plausible birth date.
func validCNID(s string) bool {
	if len(s) != 18 {
		return false
	}
	w := []int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i, k := range w {
		sum += k * int(s[i]-'0')
	}
	want := "10X98765432"[sum%11]
	got := s[17]
	if got == 'x' {
		got = 'X'
	}
	if got != want {
		return false
	}
	year := atoi(s[6:10])
	month := atoi(s[10:12])
	day := atoi(s[12:14])
	return year >= 1900 && year <= 2100 && month >= 1 && month <= 12 && day >= 1 && day <= 31
}

func atoi(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}

// validPhone accepts 7–15 digits (not counting an extension) that are not a
// date; a bare run of digits without separators or "+" must look like a full
// national number (10–11 digits, e.g. 89161234567 or 13812345678).
func validPhone(s string) bool {
	core := s
	if i := strings.IndexFunc(strings.ToLower(s), func(r rune) bool { return r == 'x' || r == 'e' || r == 'д' }); i > 0 {
		core = s[:i]
	}
	d := digits(core)
	if len(d) < 7 || len(d) > 15 || allSame(d) {
		return false
	}
	core = strings.TrimSpace(core)
	if reDate.MatchString(core) || reDatePrefix.MatchString(core) {
		return false
	}
	// Two bare groups ("467 3395") are a local number only in the usual
	// 2–4 + 4–8 shapes; "17151 2450" or "3610-114" are addresses and codes.
	if !strings.ContainsAny(core, "+(") {
		groups := strings.FieldsFunc(core, func(r rune) bool { return r == ' ' || r == '-' || r == '.' })
		if len(groups) == 2 && (len(groups[0]) > 4 || len(groups[1]) < 4) {
			return false
		}
	}
	if d == core { // bare digits
		return len(d) == 10 || len(d) == 11
	}
	if "+"+d == core {
		return len(d) >= 8
	}
	// Groups: a lone long group (over 5 digits) after a separator is unlikely
	// in a phone, but a 4-digit year followed by small groups looks like a date.
	return true
}
