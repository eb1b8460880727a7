package markup

import (
	"strings"
	"testing"
)

func TestStrip(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"plain text unchanged", "Hold the button for 15 s.\nThen wait.", "Hold the button for 15 s.\nThen wait."},
		{"comparison signs stay", "a < b and c > d", "a < b and c > d"},
		{"ampersands stay", "Q&A for AT&T", "Q&A for AT&T"},
		{"inline tags join", "Press <b>Reset</b> now", "Press Reset now"},
		{"block tags separate", "<p>one</p><p>two</p>", "one two "},
		{"event handler", "<img src=x onerror=alert(1)>hi", "hi"},
		{"script content removed", "a<script>alert(1)</script>b", "a b"},
		{"unclosed script keeps the text", "Subject <script> my hub is offline", "Subject  my hub is offline"},
		{"encoded tag", "&lt;script&gt;alert(1)&lt;/script&gt;ok", "ok"},
		{"double-encoded tag", "a &amp;lt;b onclick=x&amp;gt;c", "a c"},
		{"comment", "<!-- hidden --> after", " after"},
		{"markdown autolink kept", "see <https://help.example/a>", "see https://help.example/a"},
		{"nested tags", "<<b>b>x", "x"},
		{"script URL", "[x](javascript:alert(1))", "[x]("},
		{"data URL", "open data:text/html;base64,PHNjcmlwdD4= now", "open  now"},
		{"the word data stays", "Back up your data: now", "Back up your data: now"},
		{"text that lowercases shorter", strings.Repeat("ẞ", 20) + "<script>x</script>y", strings.Repeat("ẞ", 20) + " y"},
		{"invalid UTF-8 before a tag", "\xff\xff<SCRIPT>x</script>y", "\xff\xff y"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := Strip(tc.in); got != tc.want {
				t.Errorf("Strip(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestURL(t *testing.T) {
	tests := []struct{ in, want string }{
		{"https://help.example/a?b=1", "https://help.example/a?b=1"},
		{"/guides/reset", "/guides/reset"},
		{"javascript:alert(1)", ""},
		{" JaVaScRiPt:alert(1)", ""},
		{"data:text/html,<script>", ""},
		{"vbscript:x", ""},
		{"https://x.example/\"onmouseover=alert(1)", ""},
		{"", ""},
	}
	for _, tc := range tests {
		if got := URL(tc.in); got != tc.want {
			t.Errorf("URL(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func FuzzStrip(f *testing.F) {
	for _, s := range []string{"<img src=x onerror=alert(1)>", "&lt;b&gt;", "<scr<script>ipt>", "a < b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := Strip(s)
		if leftTag.MatchString(out) {
			t.Errorf("Strip(%q) = %q keeps a tag", s, out)
		}
	})
}
