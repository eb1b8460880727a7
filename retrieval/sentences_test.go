package retrieval

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestSentences(t *testing.T) {
	prose := SentenceOptions{}
	lines := SentenceOptions{EveryLine: true}
	lists := SentenceOptions{EveryLine: true, ListItems: true}
	tests := []struct {
		name string
		text string
		o    SentenceOptions
		want []string
	}{
		{"latin", "Hold the button. It blinks! Done? Yes", prose, []string{"Hold the button.", "It blinks!", "Done?", "Yes"}},
		{"decimals and abbreviations stay", "Version 2.4 ships, e.g.today. Next", prose, []string{"Version 2.4 ships, e.g.today.", "Next"}},
		{"cyrillic", "Откройте приложение. Нажмите «Добавить»! Готово", prose, []string{"Откройте приложение.", "Нажмите «Добавить»!", "Готово"}},
		{"cjk with closers", "重置完成。」然后重启！（好）；最后", prose, []string{"重置完成。」", "然后重启！", "（好）；", "最后"}},
		{"enumerator starts a sentence", "Do this. 1. Open the app.", prose, []string{"Do this.", "1. Open the app."}},
		{"prose: a single line break wraps", "one line\nwrapped on.\n\nNew paragraph", prose, []string{"one line\nwrapped on.", "New paragraph"}},
		{"every line", "one line\nanother", lines, []string{"one line", "another"}},
		{"list items to the end of the line", "Steps:\n- open it. then close\n2) restart. now", lists, []string{"Steps:", "- open it. then close", "2) restart. now"}},
		{"list items off", "- open it. then close", lines, []string{"- open it.", "then close"}},
		{"space only", " \n\t ", lines, nil},
		{"russian addresses", "Аптека на ул. Ленина, д. 15 работает круглосуточно. У неё есть парковка.", prose,
			[]string{"Аптека на ул. Ленина, д. 15 работает круглосуточно.", "У неё есть парковка."}},
		{"latin abbreviations", "Some hubs, e.g. the Hub 2, need Dr. Smith's app. Next", prose,
			[]string{"Some hubs, e.g. the Hub 2, need Dr. Smith's app.", "Next"}},
		{"т.е. and a soft abbreviation", "Скидка 10%, т.е. 500 руб. в месяц. Сумма до 5 тыс. руб. Далее", prose,
			[]string{"Скидка 10%, т.е. 500 руб. в месяц.", "Сумма до 5 тыс. руб.", "Далее"}},
		{"a soft abbreviation ends before a capital", "Open since 2020 etc. Then more", prose, []string{"Open since 2020 etc.", "Then more"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := SentenceTexts(tc.text, tc.o)
			if len(got) == 0 {
				got = nil
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("SentenceTexts(%q) (-want +got):\n%s", tc.text, diff)
			}
		})
	}
}
