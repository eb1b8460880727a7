package api

import (
	"context"
	"strings"
	"testing"

	"github.com/answerdesk/answerdesk/answer"
)

// drafterFunc is a Drafter.
type drafterFunc func(ctx context.Context, req answer.Request) (answer.Answer, error)

func (f drafterFunc) Answer(ctx context.Context, req answer.Request) (answer.Answer, error) {
	return f(ctx, req)
}

// TestSuggestReplyReadsTheWholeEmail: the draft is asked of the customer's
// message up to the engine's message limit, so that a reply written below
// a long quoted thread is read; a message whose own text the engine finds
// too long is asked again cut to the question limit.
func TestSuggestReplyReadsTheWholeEmail(t *testing.T) {
	cfg := answer.DefaultConfig()
	email := "On Tue, 3 Nov 2026 at 09:41, Lumen Support <help@lumen.example> wrote:\n" +
		strings.Repeat("> You can reset the hub from the app.\n", 100) + "\nThanks. And how do I factory reset it without the app?"
	var got []int
	engine := drafterFunc(func(_ context.Context, req answer.Request) (answer.Answer, error) {
		if _, err := cfg.CheckQuestion(req.Question); err != nil {
			return answer.Answer{}, err
		}
		got = append(got, len([]rune(req.Question)))
		return answer.Answer{Decision: answer.Answered, Text: "Hold the button [1]."}, nil
	})
	tk := answer.Ticket{ID: "t1", Tenant: "acme", Transcript: []answer.Message{{Role: answer.RoleCustomer, Text: email}}}
	s, err := SuggestReply(context.Background(), engine, tk, nil, cfg.MaxQuestion, cfg.MaxMessage)
	if err != nil || !s.Suggested || len(got) != 1 || got[0] != len([]rune(email)) {
		t.Fatalf("suggest: %+v, %v; asked with %v characters, want the whole %d", s, err, got, len([]rune(email)))
	}

	got = nil
	long := strings.Repeat("a", cfg.MaxQuestion+500)
	tk.Transcript[0].Text = long
	if s, err := SuggestReply(context.Background(), engine, tk, nil, cfg.MaxQuestion, cfg.MaxMessage); err != nil || !s.Suggested || len(got) != 1 || got[0] != cfg.MaxQuestion {
		t.Fatalf("suggest on a long message: %+v, %v; asked with %v characters, want %d", s, err, got, cfg.MaxQuestion)
	}
}
