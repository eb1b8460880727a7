package redact

import "testing"

func TestMasked(t *testing.T) {
	for _, tc := range []struct {
		s    string
		want bool
	}{
		{"write to [EMAIL] today", true},
		{"[PHONE]", true},
		{"id [CN_ID].", true},
		{"see [1] and [2]", false},
		{"[EMAIL", false},
		{"[email]", false},
		{"array[i] [ADDRESS] x", true},
		{"", false},
		{Text("mail jane.doe@example.com"), true},
	} {
		if got := Masked(tc.s); got != tc.want {
			t.Errorf("Masked(%q) = %v, want %v", tc.s, got, tc.want)
		}
	}
}
