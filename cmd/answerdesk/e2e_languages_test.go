package main

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/answerdesk/answerdesk/api"
)

// TestE2EOtherLanguagesEscalateLabelled: without an embedder, questions in
// languages the English/Russian/Chinese knowledge base does not hold are
// escalated, and the response and the ticket carry the question's real
// language (for routing), never "en".
func TestE2EOtherLanguagesEscalateLabelled(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end")
	}
	env := kbEnv(t, nil)
	key := createKey(t, env, "acme", "ask,admin")
	s := startServe(t, env)
	for _, tc := range []struct{ lang, q string }{
		{"de", "Wie setze ich den Hub auf die Werkseinstellungen zurück?"},
		{"es", "¿Cómo restablezco el hub a los ajustes de fábrica?"},
		{"fr", "Comment réinitialiser le hub aux paramètres d'usine ?"},
		{"it", "Come posso ripristinare l'hub alle impostazioni di fabbrica?"},
		{"pt", "Como faço para restaurar o hub para as configurações de fábrica?"},
		{"uk", "Як скинути хаб до заводських налаштувань?"},
		{"ja", "ハブを工場出荷時の設定にリセットするにはどうすればいいですか？"},
		{"ko", "허브를 공장 설정으로 초기화하려면 어떻게 하나요?"},
	} {
		a := s.ask(t, key, tc.q)
		if a.Lang != tc.lang {
			t.Errorf("%s: response lang %q", tc.lang, a.Lang)
		}
		if a.Decision != "escalated" {
			t.Errorf("%s: %s (%.2f) %q; want an escalation without an embedder", tc.lang, a.Decision, a.Confidence, a.Answer)
			continue
		}
		r := s.do(t, http.MethodGet, "/v1/tickets/"+a.TicketID, key, nil)
		var tk api.Ticket
		if err := json.Unmarshal(r.body, &tk); err != nil || r.status != http.StatusOK {
			t.Fatalf("%s: ticket %s: %d %s", tc.lang, a.TicketID, r.status, r.body)
		}
		if tk.Lang != tc.lang {
			t.Errorf("%s: ticket lang %q", tc.lang, tk.Lang)
		}
	}
}
