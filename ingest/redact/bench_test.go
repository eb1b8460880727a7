package redact

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// supportMessages are customer messages as the answer path redacts them:
// most hold no personal data at all, some a name, a phone, an address.
var supportMessages = map[string][]string{
	"en": {
		"How do I reset my password? The link in the email says it has expired.",
		"My order has not arrived yet, it was supposed to be delivered on Monday. Can you check the status?",
		"Hi, my name is Sarah Connor and I was charged twice for my subscription this month. Please refund one of the charges.",
		"I moved to 1420 Maple Grove Avenue Apt. 7B, how do I change my shipping address? You can call me on +1-984-182-0190.",
		"The app crashes on startup after the latest update (version 2.4.1) on Android 14. Error 503 when syncing.",
	},
	"ru": {
		"Как сбросить пароль? Ссылка из письма не работает.",
		"Заказ не пришёл, хотя должен был быть доставлен в понедельник. Проверьте, пожалуйста, статус.",
		"Меня зовут Иванов Иван Петрович, с карты списали деньги дважды. Верните, пожалуйста, один платёж.",
		"Я переехал: ул. Ленина, д. 5, кв. 12. Телефон +7 (912) 345-67-89, как изменить адрес доставки?",
		"Приложение падает при запуске после обновления 2.4.1 на Android 14.",
	},
	"zh": {
		"如何重置密码？邮件里的链接已经过期了。",
		"我的订单还没有到，应该在周一送达。请帮我查一下状态。",
		"我叫王小明，这个月的订阅被扣了两次费，请退还其中一笔。",
		"我搬家了，寄到北京市朝阳区建国路88号，怎么修改收货地址？手机13812345678。",
		"更新到2.4.1版本后，应用在安卓14上启动就崩溃。",
	},
}

// BenchmarkText redacts a batch of support messages per op, one
// sub-benchmark per language.
func BenchmarkText(b *testing.B) {
	for _, lang := range []string{"en", "ru", "zh"} {
		msgs := supportMessages[lang]
		b.Run(lang, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				for _, m := range msgs {
					_ = Text(m)
				}
			}
		})
	}
}

// BenchmarkTextManPages redacts the questions of the man-page load test
// (what an escalation redacts on that benchmark), all of them per op:
// ANSWERDESK_BENCH_DATA is a data dir built by `answerdesk bench manpages`.
func BenchmarkTextManPages(b *testing.B) {
	dir := os.Getenv("ANSWERDESK_BENCH_DATA")
	if dir == "" {
		b.Skip("set ANSWERDESK_BENCH_DATA to a data dir built by `answerdesk bench manpages`")
	}
	raw, err := os.ReadFile(filepath.Join(dir, "questions.txt"))
	if err != nil {
		b.Fatal(err)
	}
	qs := strings.Split(strings.TrimSpace(string(raw)), "\n")
	b.ReportAllocs()
	for b.Loop() {
		for _, q := range qs {
			_ = Text(q)
		}
	}
}
