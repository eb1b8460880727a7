package answer

import "testing"

// TestLatestMessage: the quoted thread and the signature that mail clients
// add (Gmail, Outlook, Apple Mail, Yandex, Mail.ru, QQ Mail, in their own
// formats) are cut; what the customer wrote above them is kept, and a
// message without them is left as it is.
func TestLatestMessage(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"one line", "Does the hub support 5 GHz Wi-Fi?", "Does the hub support 5 GHz Wi-Fi?"},
		{"no email matter", "My hub is blinking.\nWhat does red mean?", "My hub is blinking.\nWhat does red mean?"},
		{"gmail", "Hi,\n\nDoes the hub support 5 GHz?\n\nThanks, Anna\n\nOn Mon, 1 Dec 2026 at 10:00, Lumen Support <support@lumen.example> wrote:\n> Hello Anna,\n> to reset the hub hold the button.",
			"Does the hub support 5 GHz?"},
		{"gmail, attribution wrapped", "Is there a warranty?\n\nOn Mon, 1 Dec 2026 at 10:00, Lumen Support <support@lumen.example>\nwrote:\n> We replaced the hub.",
			"Is there a warranty?"},
		{"apple mail", "Is there a warranty?\n\n> On 1 Dec 2026, at 10:00, Lumen Support <support@lumen.example> wrote:\n> \n> We replaced the hub.",
			"Is there a warranty?"},
		{"outlook", "Can I return it?\n\nBest regards\n________________________________\nFrom: Lumen Support <support@lumen.example>\nSent: Monday, December 1, 2026 10:00 AM\nTo: Anna\nSubject: Re: hub",
			"Can I return it?"},
		{"outlook, no rule line", "Can I return it?\n\nFrom: Lumen Support\nSent: Monday, December 1, 2026 10:00 AM\nSubject: Re: hub\n\nWe replaced the hub.",
			"Can I return it?"},
		{"original message", "Can I return it?\n-----Original Message-----\nFrom: support@lumen.example\nThe hub was replaced.", "Can I return it?"},
		{"signature", "Can I return it?\n\n-- \nAnna Smith | Acme | +1 555 0100", "Can I return it?"},
		{"mobile", "Can I return it?\n\nSent from my iPhone", "Can I return it?"},
		{"yandex", "Здравствуйте! Можно вернуть товар?\n\n01.12.2026, 10:00, \"Поддержка\" <support@shop.example>:\n> Ваш заказ доставлен.",
			"Здравствуйте! Можно вернуть товар?"},
		{"mail.ru", "Можно вернуть товар?\n\nПонедельник, 1 декабря 2026, 10:00 +03:00 от Поддержка <support@shop.example>:\n> Ваш заказ доставлен.\n\n--\nОтправлено из мобильной Почты Mail.ru",
			"Можно вернуть товар?"},
		{"russian outlook", "Можно вернуть товар?\n\nОт: Поддержка <support@shop.example>\nОтправлено: 1 декабря 2026 г. 10:00\nКому: Анна\nТема: Заказ",
			"Можно вернуть товар?"},
		{"russian mobile", "Можно вернуть товар?\nОтправлено с iPhone", "Можно вернуть товар?"},
		{"russian words", "Можно вернуть товар?\n\nСлужба поддержки написал(а):\n> Ваш заказ доставлен.", "Можно вернуть товар?"},
		{"qq mail", "请问可以退货吗？\n\n------------------ 原始邮件 ------------------\n发件人: \"客服\"<support@shop.example>;\n发送时间: 2026年12月1日(星期一) 上午10:00",
			"请问可以退货吗？"},
		{"chinese gmail", "请问可以退货吗？\n\n在 2026年12月1日周一 10:00，客服 <support@shop.example> 写道：\n> 您的订单已送达。", "请问可以退货吗？"},
		{"chinese mobile", "请问可以退货吗？\n\n发自我的iPhone", "请问可以退货吗？"},
		{"inline quote", "> Your order was delivered.\nIt was not. Where is it?", "It was not. Where is it?"},
		{"reply below the quote", "On Mon, 1 Dec 2026 at 10:00, Lumen Support <support@lumen.example> wrote:\n> We replaced the hub.\n> Kind regards\n\nThanks. Is there a warranty on the new one?\n\nSent from my iPhone",
			"Thanks. Is there a warranty on the new one?"},
		{"nothing left", "On Mon, 1 Dec 2026 at 10:00, Lumen Support <support@lumen.example> wrote:\n> Hello", "On Mon, 1 Dec 2026 at 10:00, Lumen Support <support@lumen.example> wrote:\n> Hello"},
		{"salutation and valediction", "Hi,\n\nCan I return it?\n\nThanks,\nAnna", "Can I return it?"},
		{"valediction and a signed name", "Dear support team,\nCan I return it?\nBest regards,\nTom Baker\nOperations", "Can I return it?"},
		{"russian courtesy", "Здравствуйте!\n\nМожно вернуть товар?\n\nС уважением,\nАнна", "Можно вернуть товар?"},
		{"chinese courtesy", "您好，\n\n请问可以退货吗？\n\n谢谢！\n王芳", "请问可以退货吗？"},
		{"only courtesy", "Hi,\nThanks", "Thanks"},
		{"more after the thanks", "Can I return it?\nThanks,\nand one more thing: the box was already open when it arrived.", "Can I return it?\nThanks,\nand one more thing: the box was already open when it arrived."},
		{"gmail html", `<div dir="ltr">Hi,<br><br>Does the hub support 5 GHz?<br><br>Thanks,<br>Anna</div><br><div class="gmail_quote"><div dir="ltr" class="gmail_attr">On Mon, 1 Dec 2026 at 10:00, Lumen Support &lt;<a href="mailto:support@lumen.example">support@lumen.example</a>&gt; wrote:<br></div><blockquote class="gmail_quote">Hello Anna, to reset the hub hold the button.</blockquote></div>`,
			"Does the hub support 5 GHz?"},
		{"russian gmail html", `<div>Можно вернуть товар?</div><div><br></div><div>пн, 1 дек. 2026 г. в 10:00, Поддержка &lt;support@shop.example&gt;:<br></div><blockquote>Ваш заказ доставлен.</blockquote>`,
			"Можно вернуть товар?"},
		{"html without a thread", "<p>My hub is blinking.</p><p>What does red mean?</p>", "My hub is blinking.\nWhat does red mean?"},
		{"not html", "Is 5 < 10 or <b>bold</b>?", "Is 5 < 10 or <b>bold</b>?"},
		{"a signature block", "Can I return it?\n\nKind regards,\nHenrik Larsen\nIT Support Specialist\nNordvik Logistics A/S\n+45 31 22 48 90", "Can I return it?"},
		{"thanks and a name on one line", "What does the blue light mean?\n\nThanks, Aoife", "What does the blue light mean?"},
		{"a name alone", "Can I pay by card?\nTom", "Can I pay by card?"},
		{"a chinese name alone", "定金可以退吗？\n刘先生", "定金可以退吗？"},
		{"yours faithfully", "Can I send it back?\nYours faithfully,\nMargit Hofer", "Can I send it back?"},
		// A customer's own words that only look like the conventions stay.
		{"thanks and words", "It works now.\nthanks, see you soon", "It works now.\nthanks, see you soon"},
		{"thanks for something", "It works now.\nThanks for the quick help last week.", "It works now.\nThanks for the quick help last week."},
		{"a last word that is not a name", "My order has not arrived.\nurgent", "My order has not arrived.\nurgent"},
		{"a product name after a colon", "Which model do I have:\nSphere", "Which model do I have:\nSphere"},
		{"on … in a sentence", "On Monday the hub stopped.\nWhat now?", "On Monday the hub stopped.\nWhat now?"},
		{"from in a sentence", "From: the app.\nSent it twice.\nWhy?", "From: the app.\nSent it twice.\nWhy?"},
		{"an address in a sentence", "My login is anna@example.org.\nWhy can't I sign in?", "My login is anna@example.org.\nWhy can't I sign in?"},
		{"sent, not a device", "Отправлено с опозданием на неделю.\nГде заказ?", "Отправлено с опозданием на неделю.\nГде заказ?"},
		{"salutation with content", "Dear support team, my hub is broken.\nWhat should I do?", "Dear support team, my hub is broken.\nWhat should I do?"},
		{"greeting with content", "Здравствуйте, у меня сломался хаб.\nЧто делать?", "Здравствуйте, у меня сломался хаб.\nЧто делать?"},
		{"dashes in text", "Step 1 -- unplug it.\nThen?", "Step 1 -- unplug it.\nThen?"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := latestMessage(tc.in); got != tc.want {
				t.Errorf("latestMessage(%q)\n = %q\nwant %q", tc.in, got, tc.want)
			}
		})
	}
}
