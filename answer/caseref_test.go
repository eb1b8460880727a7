package answer

import (
	"slices"
	"strings"
	"testing"
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
			if seen[c.ID] || !strings.Contains(s, c.ID) || !strings.Contains(s, c.Noun) || strings.Index(s, c.Noun) > strings.LastIndex(s, c.ID) {
				t.Fatalf("reference %+v is not a noun followed by its identifier in %q (or is repeated)", c, s)
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
