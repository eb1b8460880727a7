package redact

import (
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestText(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"email", "write to Jane.Doe+help@example.co.uk now", "write to [EMAIL] now"},
		{"card spaced", "card 4111 1111 1111 1111 expired", "card [CARD] expired"},
		{"card dashed", "card 5500-0000-0000-0004.", "card [CARD]."},
		{"card bad luhn kept", "order 4111 1111 1111 1112 shipped", "order 4111 1111 1111 1112 shipped"},
		{"iban compact", "IBAN GB82WEST12345698765432 please", "IBAN [IBAN] please"},
		{"iban grouped", "pay to DE89 3704 0044 0532 0130 00 today", "pay to [IBAN] today"},
		{"iban bad checksum kept", "ref GB82WEST12345698765433", "ref GB82WEST12345698765433"},
		{"ipv4", "from 192.168.10.25, port 80", "from [IP], port 80"},
		{"ipv4 out of range kept", "version 300.1.1.1", "version 300.1.1.1"},
		{"ipv6", "addr 2001:db8::8a2e:370:7334 seen", "addr [IP] seen"},
		{"clock kept", "at 10:30:00 today", "at 10:30:00 today"},
		{"ssn", "SSN 123-45-6789", "SSN [SSN]"},
		{"inn 10", "ИНН 7707083893 организации", "ИНН [INN] организации"},
		{"inn 12", "ИНН 500100732259", "ИНН [INN]"},
		{"inn bad checksum is a phone", "номер 7707083894", "номер [PHONE]"},
		{"snils", "СНИЛС 112-233-445 95.", "СНИЛС [SNILS]."},
		{"snils bare", "СНИЛС 11223344595", "СНИЛС [SNILS]"},
		{"cn id", "身份证号11010519491231002X，谢谢", "身份证号[CN_ID]，谢谢"},
		{"cn id bad check", "编号110105194912310021", "编号110105194912310021"},
		{"phone intl", "call +1-984-182-0190 or +44 20 7946 0958", "call [PHONE] or [PHONE]"},
		{"phone ru plus7", "тел. +7 (912) 345-67-89, спасибо", "тел. [PHONE], спасибо"},
		{"phone ru 8", "звоните 8 (800) 555-35-35", "звоните [PHONE]"},
		{"phone ru bare", "мой номер 89161234567", "мой номер [PHONE]"},
		{"phone cn", "手机13812345678联系", "手机[PHONE]联系"},
		{"phone cn plus86", "电话 +86 138 1234 5678。", "电话 [PHONE]。"},
		{"phone cn landline", "电话 010-12345678。", "电话 [PHONE]。"},
		{"phone cn area parens", "电话(010) 1234 5678", "电话[PHONE]"},
		{"phone ru dashes", "8-800-555-35-35", "[PHONE]"},
		{"phone ext", "(898)666-3621x0135 today", "[PHONE] today"},
		{"date kept", "on 2024-03-15 and 15.03.2024", "on 2024-03-15 and 15.03.2024"},
		{"short numbers kept", "firmware 2.4.1, error 503, 3 lights", "firmware 2.4.1, error 503, 3 lights"},
		{"inside word kept", "serial LMN4111111111111111X", "serial LMN4111111111111111X"},
		{"empty", "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, Text(tc.in)); diff != "" {
				t.Errorf("Text(%q) (-want +got):\n%s", tc.in, diff)
			}
		})
	}
}

func TestFindSpans(t *testing.T) {
	s := "a@b.io 4111111111111111"
	want := []Span{{0, 6, Email}, {7, 23, Card}}
	if diff := cmp.Diff(want, Find(s)); diff != "" {
		t.Errorf("Find (-want +got):\n%s", diff)
	}
}

func FuzzText(f *testing.F) {
	for _, s := range []string{"+7 (912) 345-67-89", "4111 1111 1111 1111", "GB82WEST12345698765432", "a@b.c", "11010519491231002X", "::1", "1.2.3.4", "Меня зовут Иванов И. И., ул. Ленина, д. 5", "我叫王小明，寄到北京市朝阳区建国路88号", "Dr. Faina D. Yefremova, 1420 Maple Grove Avenue Apt. 7B", "Nicole: hi\nJohn: the corner of A and Bb", "USNS Ashland\nFPO AA 65728, psc 5420, box 2708", "Ленинский проспект, 45, кв. 3", "shows on Marina Fort Street", "at 5366 Pivovarská 276", "深圳市南山区科技园南区8栋302室", "Zizi Kónya\nEnigmaio\n5850 Jana Nerudy 894\nMobile: 1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		spans := Find(s)
		last := 0
		for _, sp := range spans {
			if sp.Start < last || sp.End <= sp.Start || sp.End > len(s) {
				t.Fatalf("bad span %+v after %d in %q", sp, last, s)
			}
			last = sp.End
		}
		_ = Text(s)
		checkSkips(t, s)
		checkCues(t, s)
	})
}

// checkSkips fails when a pattern Find skips on s (its every match needs
// a character s lacks) matches s: the skip would lose a span.
func checkSkips(t *testing.T, s string) {
	t.Helper()
	tr := traitsOf(s)
	type gated struct {
		re   *regexp.Regexp
		skip bool
	}
	gates := []gated{
		{reStreetEN, !tr.has(hasDigit)}, {reStreetEU, !tr.has(hasDigit)},
		{nameToken, !tr.has(hasUpper)}, {reSpeaker, !strings.Contains(s, ":")},
		{reZhName, !tr.has(hasNonASCII) || !containsAny(s, zhNameCues)},
		{reCorner, !containsFoldASCII(s, "corner of")}, {reStreetZH, !strings.Contains(s, "号")}, {reBuildingZH, !strings.Contains(s, "室") && !strings.Contains(s, "房")},
		{reNumberedStreet, !tr.has(hasDigit) || !numberBeforeWord(s)}, {reMilitary, !tr.has(hasDigit) || !containsAny(s, militaryWords)},
		{reNamedStreet, !containsAny(s, namedStreetWords)}, {reStreetRU, !tr.has(hasNonASCII) || !containsAny(s, ruStreetWords)},
		{rePatronymic, isASCII(s)}, {reRuSurname, isASCII(s)},
	}
	for _, d := range detectors {
		gates = append(gates, gated{d.re, !tr.has(d.needs)})
	}
	for _, p := range addressPatterns {
		gates = append(gates, gated{p.re, !tr.has(p.needs)})
	}
	for _, g := range gates {
		if g.skip && g.re.MatchString(s) {
			t.Fatalf("%q: skipped %v matches", s, g.re)
		}
	}
	for i := range s {
		if w := s[max(0, i-24):i]; !mayCue(w) && nameCue.MatchString(w) {
			t.Fatalf("%q: nameCue skipped on %q matches", s, w)
		}
	}
}

// TestSkippedPatternsCannotMatch: on every test input, a pattern Find
// skips for lack of its trigger characters has no match.
func TestSkippedPatternsCannotMatch(t *testing.T) {
	ins := []string{"", "no digits at all", "Mr. Smith", "MS. X", "Dear\tY", "regards, Z", "меня ЗОВУТ Ф", "thanks, Q", "name? id: W", "ΣΊΣΥΦΟΣ Kelvin \u212a ſ", "CORNER OF Main and Oak", "Corner ſf x", "USNS Ashland\nFPO AA 65728", "pſc 5420, box 2708", "Ленинский проспект, 45", "on Marina Fort Street", "at 5366 Pivovarská 276", "1 rue x 2", "深圳市南山区科技园南区8栋302室",
		"said A asked B told C heard D starring E directed by F written by G follow up with H speak to I spoke with J assistant to K",
		"husband L wife M son N daughter O brother P sister Q mother R father S friend T colleague U partner V guardian W boss X",
		"manager Y commenter Z player A singer B songwriter C writer D author E actor F actress G artist H customer I client J patient K",
		"client's name is L first name is M last name is N surname is O maiden name is P full name is Q named him R named her S"}
	for _, ms := range supportMessages {
		ins = append(ins, ms...)
	}
	for _, s := range ins {
		checkSkips(t, s)
	}
}

// TestNamesAndAddresses: person names and street addresses in English,
// Russian and Chinese ticket text are redacted; look-alikes are not.
func TestNamesAndAddresses(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"en name with cue", "Hi, my name is Margaret Thornbury and my hub is offline.", "Hi, my name is [NAME] and my hub is offline."},
		{"en known given name and surname", "Please ask Daniel Okonkwo to call back.", "Please ask [NAME] to call back."},
		{"en initial", "Signed by Petra K. Lindqvist yesterday.", "Signed by [NAME] yesterday."},
		{"en title", "Dr. Abernathy approved the refund.", "Dr. [NAME] approved the refund."},
		{"en second mention", "Thanks, Olivia Brandt. Brandt will get a new hub.", "Thanks, [NAME]. [NAME] will get a new hub."},
		{"en street", "Ship it to 1420 Maple Grove Avenue Apt. 7B, please.", "Ship it to [ADDRESS], please."},
		{"en city state zip", "We moved to Springfield, IL 62704 last month.", "We moved to [ADDRESS] last month."},
		{"en po box", "Use P.O. Box 5521 for returns.", "Use [ADDRESS] for returns."},
		{"eu street", "Mein Büro ist in der Hauptstraße 12 in Köln.", "Mein Büro ist in der [ADDRESS] in Köln."},
		{"ru full name", "Меня зовут Иванов Сергей Петрович, хаб не работает.", "Меня зовут [NAME], хаб не работает."},
		{"ru initials", "Заявку подал Кузнецов А. В. вчера.", "Заявку подал [NAME] вчера."},
		{"ru given name and patronymic", "Спасибо, Анна Викторовна!", "Спасибо, [NAME]!"},
		{"ru street", "Доставьте на ул. Ленина, д. 15, кв. 42, пожалуйста.", "Доставьте на [ADDRESS], пожалуйста."},
		{"zh name with cue", "你好，我叫王小明，路由器坏了。", "你好，我叫[NAME]，路由器坏了。"},
		{"zh name with title", "请李先生明天来取货。", "请[NAME]先生明天来取货。"},
		{"zh address", "请寄到北京市朝阳区建国路88号1单元302室。", "请寄到[ADDRESS]。"},
		{"not names", "Open the Lumen app, tap Settings and choose Wi-Fi. Reset takes 10 seconds.", "Open the Lumen app, tap Settings and choose Wi-Fi. Reset takes 10 seconds."},
		{"not an address", "Windows 11 and iOS 17 are supported; see Chapter 5.", "Windows 11 and iOS 17 are supported; see Chapter 5."},
		{"postcode line", "Send it here:\nEstonia 62488", "Send it here:\n[ADDRESS]"},
		{"postcode line with a particle", "Send it here:\nRio de Janeiro 20040", "Send it here:\n[ADDRESS]"},
		{"a sentence ending in a number is not a postcode line", "I want to check my order 100482", "I want to check my order 100482"},
		{"a case's number is not a postcode line", "Hi\nOrder 100482\nwhere is it?", "Hi\nOrder 100482\nwhere is it?"},
		{"a case's number is not a postcode line (ru)", "Заказ 778812", "Заказ 778812"},
		{"not a person: organisation", "Russell Investments and Johnson Inc. use the hub.", "Russell Investments and Johnson Inc. use the hub."},
		{"not a person: street", "The shop on Victor Hugo u. 49 is closed.", "The shop on [ADDRESS] is closed."},
		{"en lower-case text", "follow up with lena andersson next week.", "follow up with [NAME] next week."},
		{"en lower-case cue", "hi, my name is brixa and my hub is offline", "hi, my name is [NAME] and my hub is offline"},
		{"en particles", "Please ask Pieter van der Berg to call.", "Please ask [NAME] to call."},
		{"en verb after a name", "Brixa asked for a refund.", "[NAME] asked for a refund."},
		{"en transliterated surname", "Please ask Vizirov to sign.", "Please ask [NAME] to sign."},
		{"en occupation before a name", "Our courier Jorvik Quastel left it outside.", "Our courier Jorvik Quastel left it outside."},
		{"en commenter", "As commenter Jorvik Quastel notes, it works.", "As commenter [NAME] notes, it works."},
		{"not a person: firm", "She spent a year at Jones, Mitchell and Williams.", "She spent a year at Jones, Mitchell and Williams."},
		{"not a person: place after in", "The agency is based in Pelhrimov.", "The agency is based in Pelhrimov."},
		{"not names: question words", "Can I get my order tomorrow? Why is my refund late? Where is my parcel?", "Can I get my order tomorrow? Why is my refund late? Where is my parcel?"},
		{"not a title: MS", "Are Google documents an alternative to MS Office?", "Are Google documents an alternative to MS Office?"},
		{"not names: lower-case words", "i have not received my order till today, can you check", "i have not received my order till today, can you check"},
		{"eu building and house number", "He gave his address: 5366 Pivovarská 276", "He gave his address: [ADDRESS]"},
		{"postcode line after bullets", "* Maribor\n* Slovenia 82709", "* Maribor\n* [ADDRESS]"},
		{"military address", "send it to USNS Ashland\nFPO AA 65728", "send it to [ADDRESS]"},
		{"street without a number", "the shows on Marina Fort Street were loud", "the shows on [ADDRESS] were loud"},
		{"not an address: steps and dates", "1 Step 2\nWe meet on 12 December 2023, at 10 Dec 2024.", "1 Step 2\nWe meet on 12 December 2023, at 10 Dec 2024."},
		{"not an address: product", "Files stored on Google Drive open in the editor.", "Files stored on Google Drive open in the editor."},
		{"en list of names", "Our founders: Eklund, Morrison and Hodge.", "Our founders: [NAME], [NAME] and [NAME]."},
		{"en vocative first", "Warrane, can I please speak to your boss?", "[NAME], can I please speak to your boss?"},
		{"en vocative last", "Don't go to town, Roy!", "Don't go to town, [NAME]!"},
		{"en known surname", "Please change it to Rebeca Souza.", "Please change it to [NAME]."},
		{"not a person: discourse word", "Anyway, can I change my plan? Thanks, Team!", "Anyway, can I change my plan? Thanks, Team!"},
		{"not a person: country", "I moved to Georgia, can you update it?", "I moved to Georgia, can you update it?"},
		{"not a person: town after an address", "Meet me at 7943 Prospect St, Dehylov, Czech Republic", "Meet me at [ADDRESS], Dehylov, Czech Republic"},
		{"ru declined patronymic", "Передайте Ольге Николаевне, что всё готово.", "Передайте [NAME], что всё готово."},
		{"ru given name with й", "Курьер Дмитрий не приехал.", "Курьер [NAME] не приехал."},
		{"ru lower-case name", "меня зовут анна смирнова, заказ не пришёл", "меня зовут [NAME], заказ не пришёл"},
		{"ru postcode and city", "Адрес: 125009, г. Москва, ул. Тверская, д. 7, кв. 15", "Адрес: [ADDRESS]"},
		{"ru street type after the name", "Доставьте: Ленинский проспект, 45, кв. 3", "Доставьте: [ADDRESS]"},
		{"zh name before a verb", "用户陈静反馈无法登录。", "用户[NAME]反馈无法登录。"},
		{"zh name after a cue, before a verb", "客户张伟说包裹破损。", "客户[NAME]说包裹破损。"},
		{"zh building and room", "寄到广东省深圳市南山区科技园南区8栋302室。", "寄到[ADDRESS]。"},
		{"zh building after the number", "寄到杭州市西湖区文三路478号华星时代广场A座1205", "寄到[ADDRESS]"},
		{"zh not names", "鲜到家会员多少钱一个月？客服表示会在三天内处理。", "鲜到家会员多少钱一个月？客服表示会在三天内处理。"},
		{"contact block", "Zizi Kónya\nEnigmaio\n5850 Jana Nerudy 894\nMobile: +1 415 555 0134", "[NAME]\nEnigmaio\n[ADDRESS]\nMobile: [PHONE]"},
		{"contact block in lower case", "guðgeir bergsveinsson\ncompared care\n688 rue du centre 320\napt. 169", "[NAME]\ncompared care\n[ADDRESS]\napt. 169"},
		{"not a person: subject over a message", "Refund request\n2 items were missing from order 5512.\nPhone: +1 415 555 0134", "Refund request\n2 items were missing from order 5512.\nPhone: [PHONE]"},
		{"title before a name", "The report was signed by Mayor W. Haydon Burns.", "The report was signed by Mayor [NAME]."},
		{"not a person: nationality", "Ask the Kenyan office about the Armenian branch.", "Ask the Kenyan office about the Armenian branch."},
		{"chat roles are not names", "Agent: Hello!\nCustomer: Hi, the hub blinks.", "Agent: Hello!\nCustomer: Hi, the hub blinks."},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := Text(tc.in); got != tc.want {
				t.Errorf("Text(%q)\n got %q\nwant %q", tc.in, got, tc.want)
			}
		})
	}
}
