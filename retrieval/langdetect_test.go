package retrieval

import "testing"

func TestDetectLanguage(t *testing.T) {
	for _, tc := range []struct{ text, want string }{
		{"How do I reset the hub?", "en"},
		{"My order has not arrived and I want to know why.", "en"},
		{"Wie setze ich den Hub auf die Werkseinstellungen zurück?", "de"},
		{"Mein Paket ist nicht angekommen, was kann ich tun?", "de"},
		{"¿Cómo restablezco el hub a los ajustes de fábrica?", "es"},
		{"Mi pedido no ha llegado, ¿qué puedo hacer?", "es"},
		{"Comment réinitialiser le hub aux paramètres d'usine ?", "fr"},
		{"Ma commande n'est pas arrivée, que dois-je faire pour la suivre ?", "fr"},
		{"Come posso ripristinare l'hub alle impostazioni di fabbrica?", "it"},
		{"Il mio ordine non è arrivato, perché?", "it"},
		{"Como faço para restaurar o hub para as configurações de fábrica?", "pt"},
		{"Meu pedido não chegou, o que posso fazer?", "pt"},
		{"Як скинути хаб до заводських налаштувань?", "uk"},
		{"Моє замовлення не прийшло, що робити?", "uk"},
		{"Как сбросить хаб к заводским настройкам?", "ru"},
		{"Мой заказ не пришёл, что делать?", "ru"},
		{"如何将集线器恢复出厂设置？", "zh"},
		{"ハブを工場出荷時の設定にリセットするにはどうすればいいですか？", "ja"},
		{"注文した商品が届きません。", "ja"},
		{"허브를 공장 설정으로 초기화하려면 어떻게 하나요?", "ko"},
		{"주문이 도착하지 않았어요", "ko"},
		{"?!", ""},
		{"Lumen hub 2", "en"},
		// Latin product names in another script's sentence: the customer's
		// words decide, not the names' letters.
		{"Работает ли Lumen Hub с Wi-Fi 5 GHz?", "ru"},
		{"Чи працює Lumen Hub з Wi-Fi 5 GHz?", "uk"},
		{"Lumen Hub 支持 5 GHz Wi-Fi 吗？", "zh"},
		{"Lumen Hub は 5 GHz Wi-Fi に対応していますか？", "ja"},
		{"Lumen Hub 5 GHz Wi-Fi 지원 되나요?", "ko"},
		// One quoted foreign word leaves an English sentence English.
		{"What does привет mean in the Lumen app?", "en"},
		{"Is the Lumen Hub sold as 你好 in China?", "en"},
	} {
		if got := DetectLanguage(tc.text); got != tc.want {
			t.Errorf("DetectLanguage(%q) = %q, want %q", tc.text, got, tc.want)
		}
		if got := DetectLanguage(tc.text); got != "" && !Detectable(got) {
			t.Errorf("DetectLanguage(%q) = %q, not Detectable", tc.text, got)
		}
	}
}
