package answer

import (
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Errors of CheckQuestion; each also wraps ErrInvalidRequest.
var (
	// ErrQuestionTooLong: more characters than Config.MaxMessage, or
	// than Config.MaxQuestion once an email's quoted thread and signature
	// are cut.
	ErrQuestionTooLong = errors.New("question too long")
	// ErrEmptyQuestion: no visible character (only spaces, control or
	// invisible characters such as zero-width spaces).
	ErrEmptyQuestion = errors.New("empty question")
)

// CheckQuestion is the one rule for what a question may be: valid UTF-8,
// at most MaxMessage characters as sent and at most MaxQuestion once an
// email's quoted thread, signature, salutation and valediction are cut
// (characters, not bytes: 2,000 Chinese characters are as welcome as
// 2,000 Latin ones), and at least one visible character. It returns the
// question as the engine reads it: control characters other than newline
// and tab replaced by spaces, surrounding space trimmed.
func (c Config) CheckQuestion(q string) (string, error) {
	if !utf8.ValidString(q) {
		return "", fmt.Errorf("%w: question is not valid UTF-8", ErrInvalidRequest)
	}
	n := utf8.RuneCountInString(q)
	if limit := max(c.MaxMessage, c.MaxQuestion); n > limit {
		return "", fmt.Errorf("%w: %w: %d characters, the limit is %d", ErrInvalidRequest, ErrQuestionTooLong, n, limit)
	}
	if n > c.MaxQuestion {
		// An email thread may be long; what is read of it may not.
		if m := utf8.RuneCountInString(latestMessage(q)); m > c.MaxQuestion {
			return "", fmt.Errorf("%w: %w: %d characters without the quoted thread and signature, the limit is %d", ErrInvalidRequest, ErrQuestionTooLong, m, c.MaxQuestion)
		}
	}
	if strings.IndexFunc(q, visible) < 0 {
		return "", fmt.Errorf("%w: %w: the question has no visible character", ErrInvalidRequest, ErrEmptyQuestion)
	}
	if strings.IndexFunc(q, isControl) >= 0 {
		q = strings.Map(func(r rune) rune {
			if isControl(r) {
				return ' '
			}
			return r
		}, q)
	}
	return strings.TrimSpace(q), nil
}

// isControl reports control characters other than newline and tab: they
// carry nothing a support question needs and can corrupt logs and tickets.
func isControl(r rune) bool {
	return (r < 0x20 && r != '\n' && r != '\t') || r == 0x7f || (r >= 0x80 && r < 0xa0)
}

// visible reports whether r shows as something: a graphic character that
// is not a space, not a format character (zero-width space and joiners,
// bidi marks, BOM: Cf is not graphic) and not one of the letters and
// symbols drawn blank.
func visible(r rune) bool {
	if !unicode.IsGraphic(r) || unicode.IsSpace(r) {
		return false
	}
	switch r {
	case '\u115f', '\u1160', '\u3164', '\uffa0', // Hangul fillers
		'\u2800', // braille pattern blank
		'\u180e': // Mongolian vowel separator (a format character in older Unicode)
		return false
	}
	return true
}
