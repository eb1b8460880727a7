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
