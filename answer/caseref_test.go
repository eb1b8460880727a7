package answer

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"golang.org/x/text/unicode/norm"
)

func TestCaseRefs(t *testing.T) {
	rules := newCaseRules(defaultCaseNouns())
	for _, tc := range []struct {
		text string
		want []string // CaseRef.String()
	}{
		{"Hi, I ordered 2 packs last Monday, order SWP-48213, still nothing. Where is it??", []string{"order SWP-48213"}},
		{"i sent it in for repair on nov 20, ticket 77120. whats the status", []string{"ticket 77120"}},
		{"case number QS-55120. any news?", []string{"case QS-55120"}},
		{"i was charged twice. order no. 100482", []string{"order 100482"}},
		{"booking ref HS-20931. its gone 3pm", []string{"booking HS-20931"}},
		{"Order #14254", []string{"Order 14254"}},
		{"Invoice no.: KR-2026-0417 (repair of my Pro 5)", []string{"Invoice KR-2026-0417"}},
		{"в квитанции пени, лицевой счёт 5512 0873, проверьте", []string{"счёт 5512 0873"}},
		{"номер заказа: 778812, когда привезут?", []string{"заказа 778812"}},
		{"Заказ № А-4471-09 до сих пор не пришёл", []string{"Заказ А-4471-09"}},
		{"我昨天退的号，钱还没到，订单号2026120418223，帮我查一下", []string{"订单号2026120418223"}},
		{"也在小程序里申请了理赔（订单号 SA20261114-0233）。", []string{"订单号SA20261114-0233"}},
		{"订单号是XL8820651，师傅没来", []string{"订单号XL8820651"}},
		{"order 100482 and order 100482 again, booking 55120", []string{"order 100482", "booking 55120"}},

		// Not a case: no noun, a year, a date, a time, money, a phone, a
		// model, too few digits, a room.
		{"Does the Pro 5 shoot 4K at 120fps?", nil},
		{"I ordered on 2026-11-14 and paid 1240.50", nil},
		{"Can I change my booking for 12.12.2026?", nil},
		{"the invoice 2024 is missing", nil},
		{"выставили счёт 5000 руб, это нормально?", nil},
		{"my order 2500 € was fine", nil},
		{"my account phone is +7 916 123-45-67", nil},
		{"номер телефона 89161234567", nil},
		{"error E04 on the order screen", nil},
		{"I'm in room 1204, what time is breakfast?", nil},
		{"модель 2000 или 3000?", nil},
		{"the return policy says 30 days, ticket prices 1500", nil},
		{"order 123 arrived", nil},
		{"can I order 5000 flyers for next week?", nil},
		{"I'd like to order 2000 business cards", nil},
		{"how do we claim 1000 bonus points", nil},
		{"хотим заказать 5000 листовок", nil},
		{"мы договорились 1500 за доставку", nil},
		{"I want to check my order 100482", []string{"order 100482"}},
		// From a review: references after "to", with a code, in full width.
		{"This is in reference to order #100482", []string{"order 100482"}},
		{"Please refer to order number 100482", []string{"order 100482"}},
		{"Any update to ticket 77120?", []string{"ticket 77120"}},
		{"With regard to booking HS-20931, can I add a night?", []string{"booking HS-20931"}},
		{"по заказу 778812 1500 руб не вернули", []string{"заказу 778812"}},
		{"订单号码：12345678，还没发货", []string{"订单号12345678"}},
		{"订单号：１２３４５６７８", []string{"订单号12345678"}},
		{"заказ N 778812", []string{"заказ 778812"}},
		{"booking code XK49210 doesn't work", []string{"booking XK49210"}},
		{"Ticket #2045 is still open", []string{"Ticket 2045"}},
		{"can\u00a0I order 5000 flyers?", nil},
		// Sums, quantities and dates after a case noun.
		{"выставили счёт 1240,50 руб", nil},
		{"счёт 3500 евро", nil},
		{"счёт 3500 долларов", nil},
		{"счёт 5000 р за что?", nil},
		{"заказ 5000р", nil},
		{"пришёл счёт 5600, а было 4800", nil},
		{"со счета 5000 списали", nil},
		{"пришёл счёт 56000 вместо 48000", nil},
		{"订单3000多元", nil},
		{"Сколько стоит заказ 1000 визиток?", nil},
		{"заказ 50000 шт", nil},
		{"Minimum order 5000 pcs?", nil},
		{"order 5000pcs", nil},
		{"订单5000个起订吗", nil},
		{"Абонемент 3500 — это за месяц?", nil},
		{"the subscription 29900 per month", nil},
		{"booking 12.12.26 still ok?", nil},
		{"booking 12/12/26", nil},
		{"just in case 15000 points", nil},
		{"the ticket 1500 each?", nil},
		{"заявка 18834 рассмотрена?", []string{"заявка 18834"}},
		{"please check the status of order 100482", []string{"order 100482"}},
	} {
		var got []string
		for _, c := range rules.find(tc.text) {
			got = append(got, c.String())
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("find(%q) = %q, want %q", tc.text, got, tc.want)
		}
	}
	if got := newCaseRules(map[string][]string{}).find("order SWP-48213"); got != nil {
		t.Errorf("no nouns: find = %v, want none", got)
	}
}

// FuzzCaseRefs: any text is searched without a panic, and every reference
// found is text of the message: an identifier of at least four digits
// right after its noun's text, at most maxCaseRefs of them, none twice.
func FuzzCaseRefs(f *testing.F) {
	for _, s := range []string{"order SWP-48213", "лицевой счёт 5512 0873", "订单号是XL8820651", "Order #14254 and order #14254",
		"Заказ № А-4471-09", "booking ref 2026-11-14", "order 5512 0873 1234 99", "заказа:\u00a05000 руб", "order-", "#"} {
		f.Add(s)
	}
	rules := newCaseRules(defaultCaseNouns())
	f.Fuzz(func(t *testing.T, s string) {
		refs := rules.find(s)
		if len(refs) > maxCaseRefs {
			t.Fatalf("%d references, at most %d", len(refs), maxCaseRefs)
		}
		seen := map[string]bool{}
		for _, c := range refs {
			folded := norm.NFKC.String(s)
			if seen[c.ID] || !nounRightBefore(folded, c) {
				t.Fatalf("reference %+v is not a noun right before its identifier in %q (or is repeated)", c, s)
			}
			seen[c.ID] = true
			digits := 0
			for _, r := range c.ID {
				if r >= '0' && r <= '9' {
					digits++
				}
			}
			if digits < 4 {
				t.Fatalf("identifier %q has %d digits", c.ID, digits)
			}
		}
	})
}

// nounRightBefore reports whether s has c's noun followed, within a few
// bytes of case words and signs, by c's identifier.
func nounRightBefore(s string, c CaseRef) bool {
	for i := 0; ; {
		j := strings.Index(s[i:], c.Noun)
		if j < 0 {
			return false
		}
		at := i + j + len(c.Noun)
		if k := strings.Index(s[at:], c.ID); k >= 0 && k <= 24 {
			return true
		}
		i = i + j + 1
	}
}

// TestCaseNounsConfig: case_nouns set in a config replaces the default
// map, {} turns the rule off, and a noun that cannot match one word is
// refused.
func TestCaseNounsConfig(t *testing.T) {
	for _, tc := range []struct {
		json  string
		found []string
		err   bool
	}{
		{`{}`, []string{"order 100482"}, false},
		{`{"case_nouns": {"en": ["parcel"]}}`, nil, false},
		{`{"case_nouns": {}}`, nil, false},
		{`{"case_nouns": {"en": ["*"]}}`, nil, true},
		{`{"case_nouns": {"en": ["order number"]}}`, nil, true},
	} {
		cfg := DefaultConfig()
		if err := json.Unmarshal([]byte(tc.json), &cfg); err != nil {
			t.Fatal(err)
		}
		cfg = cfg.withDefaults()
		if err := cfg.validate(); (err != nil) != tc.err {
			t.Errorf("%s: validate = %v, want an error %v", tc.json, err, tc.err)
			continue
		}
		var got []string
		for _, c := range newCaseRules(cfg.CaseNouns).find("Where is my order 100482?") {
			got = append(got, c.String())
		}
		if !tc.err && !slices.Equal(got, tc.found) {
			t.Errorf("%s: found %q, want %q", tc.json, got, tc.found)
		}
	}
}
