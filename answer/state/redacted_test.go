package state

import (
	"context"
	"testing"

	"github.com/answerdesk/answerdesk/answer"
)

// TestStoresTheRedactionGiven: a question the engine redacted for a
// ticket (Answer.QuestionRedacted, Message.Redacted) is written as given to
// the answer log and the conversation turn, not redacted a second time;
// text without one is redacted here, as before.
func TestStoresTheRedactionGiven(t *testing.T) {
	eachBackend(t, func(t *testing.T, bk testBackend) {
		ctx := context.Background()
		st, _ := bk.open(t, Options{})
		const q = "refund please, I am jane@example.com"
		// The given redaction differs from what redact.Text writes, so that
		// the test tells which was stored.
		const given = "refund please, I am [EMAIL] (redacted by the engine)"
		if err := st.convs.LogAnswer(ctx, "acme", answer.Answer{ID: "a1", ConversationID: "c1", Question: q, QuestionRedacted: given, Decision: answer.Escalated}); err != nil {
			t.Fatal(err)
		}
		if err := st.convs.LogAnswer(ctx, "acme", answer.Answer{ID: "a2", ConversationID: "c1", Question: q, Decision: answer.Answered}); err != nil {
			t.Fatal(err)
		}
		if err := st.convs.Append(ctx, "acme", "c1",
			answer.Message{Role: answer.RoleCustomer, Text: q, Redacted: given},
			answer.Message{Role: answer.RoleCustomer, Text: q}); err != nil {
			t.Fatal(err)
		}
		const redacted = "refund please, I am [EMAIL]"
		for id, want := range map[string]string{"a1": given, "a2": redacted} {
			a, err := st.convs.Answer(ctx, "acme", id)
			if err != nil {
				t.Fatal(err)
			}
			if a.Question != want {
				t.Errorf("answer %s: question %q, want %q", id, a.Question, want)
			}
		}
		turns, err := st.convs.Turns(ctx, "acme", "c1")
		if err != nil {
			t.Fatal(err)
		}
		if len(turns) != 2 || turns[0].Text != given || turns[1].Text != redacted {
			t.Errorf("turns = %+v, want %q then %q", turns, given, redacted)
		}
	})
}
