package answer

import (
	"errors"
	"strings"
	"testing"
)

func TestCheckQuestion(t *testing.T) {
	cfg := DefaultConfig()
	tests := []struct {
		name string
		q    string
		want string
		err  error
	}{
		{"plain", "  How do I reset my hub?\n", "How do I reset my hub?", nil},
		// 1,334 Chinese characters are 4,002 bytes: the old byte limit
		// (4,000) refused them under a 2,000-character promise.
		{"1334 Chinese characters", strings.Repeat("问", 1334), strings.Repeat("问", 1334), nil},
		{"2000 Chinese characters", strings.Repeat("问", 2000), strings.Repeat("问", 2000), nil},
		{"2001 characters", strings.Repeat("a", 2001), "", ErrQuestionTooLong},
		{"control characters become spaces", "reset\x00my\x1bhub", "reset my hub", nil},
		{"invalid UTF-8", "caf\xe9", "", ErrInvalidRequest},
		{"empty", "", "", ErrEmptyQuestion},
		{"spaces", " \t\n\u3000", "", ErrEmptyQuestion},
		{"zero-width spaces", "\u200b\u200b\u200b", "", ErrEmptyQuestion},
		{"joiners, marks and BOM", "\u200c\u200d\u2060\u200e\u200f\u202e\ufeff\u00ad", "", ErrEmptyQuestion},
		{"blank letters", "\u3164\u115f\u2800 \u180e", "", ErrEmptyQuestion},
		{"control only", "\x01\x02", "", ErrEmptyQuestion},
		{"zero-width around a word", "\u200bhub\u200b", "\u200bhub\u200b", nil},
		{"emoji", "🙂", "🙂", nil},
		// An email: the thread it quotes may be long, what is read of it
		// may not; the whole message is bounded by MaxMessage.
		{"email with a long thread", quotedEmail("How do I reset my hub?", 8000), quotedEmail("How do I reset my hub?", 8000), nil},
		{"email whose own text is too long", quotedEmail(strings.Repeat("a", 2001), 100), "", ErrQuestionTooLong},
		{"message over max_message", quotedEmail("How do I reset my hub?", 10000), "", ErrQuestionTooLong},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := cfg.CheckQuestion(tc.q)
			if tc.err != nil {
				if !errors.Is(err, tc.err) || !errors.Is(err, ErrInvalidRequest) {
					t.Fatalf("err = %v, want %v wrapping ErrInvalidRequest", err, tc.err)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Errorf("CheckQuestion = %q, %v; want %q", got, err, tc.want)
			}
		})
	}
}

// quotedEmail is question, a sign-off and a Gmail-quoted earlier reply of
// about quoted characters.
func quotedEmail(question string, quoted int) string {
	var b strings.Builder
	b.WriteString(question + "\n\nThanks,\nAnna\n\nOn Tue, 3 Nov 2026 at 09:41, Lumen Support <help@lumen.example> wrote:\n")
	for b.Len() < len(question)+quoted {
		b.WriteString("> You can reset the hub from the app: Settings, Hub, Reset.\n")
	}
	return strings.TrimSpace(b.String())
}

// TestMaxMessageNeverBelowMaxQuestion: a max_question raised alone (as the
// README once advised for email) raises the message limit with it.
func TestMaxMessageNeverBelowMaxQuestion(t *testing.T) {
	c := Config{MaxQuestion: 30000}.withDefaults()
	if c.MaxMessage != 30000 {
		t.Errorf("max_question 30000 alone: max_message %d, want 30000", c.MaxMessage)
	}
	if _, err := c.CheckQuestion(strings.Repeat("a", 25000)); err != nil {
		t.Errorf("25,000 characters under max_question 30000: %v", err)
	}
	if c := (Config{}).withDefaults(); c.MaxMessage != 10000 || c.MaxQuestion != 2000 {
		t.Errorf("defaults: max_message %d, max_question %d; want 10000 and 2000", c.MaxMessage, c.MaxQuestion)
	}
}
