package answer

import "testing"

func TestClauseMiss(t *testing.T) {
	const parking = "武林店有 40 个新能源专用车位，滨江店在入口附近设有新能源专用车位区，只供绿牌车停放。"
	const classes = "初中部小班最多 6 人，高中部小班最多 8 人。小学部小班按年级和水平组班。"
	for _, tc := range []struct {
		question, text string
		want           bool
	}{
		// The asked number is written only in another sibling's clause.
		{"滨江的新能源车位有多少个", parking, true},
		{"小学小班课 一般几个孩子一起上？", classes, true},
		// The named sibling's own clause holds it.
		{"武林店有多少个新能源车位", parking, false},
		{"初中部小班一个班几个人？", classes, false},
		// No sibling named, or two; no value asked.
		{"新能源车位有多少个", parking, false},
		{"武林店和滨江店一共多少个新能源车位", parking, false},
		{"滨江店的新能源车位在哪里", parking, false},
		// The two sides of one case are not siblings: who pays is answered
		// by the other side's clause.
		{"收件人拒收的话运费多少", "寄件人承担往返运费 20 元，收件人无需付款。", false},
		// One subject only: nothing parallel.
		{"滨江店有多少个车位", "滨江店有 120 个车位，只供月卡车停放。", false},
		// Not Chinese.
		{"How many spaces does Binjiang have?", "Wulin has 40 spaces, Binjiang has an area.", false},
	} {
		if got := clauseMiss(tc.question, askedType(tc.question), splitSentences(tc.text)); got != tc.want {
			t.Errorf("clauseMiss(%q) = %v, want %v (asked %v)", tc.question, got, tc.want, askedType(tc.question))
		}
	}
}
