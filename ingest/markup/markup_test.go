package markup

import (
	"math/rand/v2"
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

// TestStripLines: the elements that end a line become line breaks, once
// between two lines, and everything else is stripped as Strip strips it.
func TestStripLines(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"plain text unchanged", "Hold the button.\nThen wait.", "Hold the button.\nThen wait."},
		{"paragraphs", "<p>one</p><p>two</p>", "one\ntwo\n"},
		{"line breaks", "Hi,<br><br>Does it fit?<br>Anna", "Hi,\nDoes it fit?\nAnna"},
		{"inline tags join", "Press <b>Reset</b> now<br/>ok", "Press Reset now\nok"},
		{"other tags separate", "a<span>b</span><img src=x>c", "ab c"},
		{"a gmail reply", `<div dir="ltr">Is there a warranty?</div><br><div class="gmail_quote"><div class="gmail_attr">On Mon, 1 Dec 2026 at 10:00, Support &lt;support@x.example&gt; wrote:<br></div><blockquote class="gmail_quote">We replaced it.</blockquote></div>`,
			"Is there a warranty?\nOn Mon, 1 Dec 2026 at 10:00, Support support@x.example wrote:\nWe replaced it.\n"},
		{"script content removed", "a<script>alert(1)</script><br>b", "a \nb"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := StripLines(tc.in); got != tc.want {
				t.Errorf("StripLines(%q) = %q, want %q", tc.in, got, tc.want)
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
		if want := stripEveryPattern(s); out != want {
			t.Errorf("Strip(%q) = %q, with every pattern tried %q", s, out, want)
		}
	})
}

// FuzzStripLines: StripLines leaves no tag, and apart from the line breaks
// it writes it keeps the text Strip keeps.
func FuzzStripLines(f *testing.F) {
	for _, s := range []string{"<p>a</p><br>b", "<div>x<blockquote>&lt;b&gt;</blockquote></div>", "<scr<script>ipt>"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := StripLines(s)
		if leftTag.MatchString(out) {
			t.Errorf("StripLines(%q) = %q keeps a tag", s, out)
		}
		flat := strings.Join(strings.Fields(out), " ")
		if want := strings.Join(strings.Fields(Strip(s)), " "); flat != want && !strings.Contains(s, "\n") {
			t.Errorf("StripLines(%q) = %q: its words %q are not Strip's %q", s, out, flat, want)
		}
	})
}

// stripEveryPattern is Strip trying its last two patterns on every text,
// without first looking for the character each needs.
func stripEveryPattern(s string) string {
	for i := 0; i < maxPasses && strings.ContainsAny(s, "<&"); i++ {
		next := strip(autolink.ReplaceAllString(s, "$1"), false)
		if next == s {
			break
		}
		s = next
	}
	s = leftTag.ReplaceAllString(s, " ")
	return scriptURL.ReplaceAllString(s, "")
}

// TestStripSkipsOnlyPatternsThatCannotMatch: Strip, which tries a pattern
// only on text holding the character it needs, strips as trying each on
// every text: the test inputs, script URLs in every case and spacing, and
// texts spliced at random from pieces of them.
func TestStripSkipsOnlyPatternsThatCannotMatch(t *testing.T) {
	pieces := []string{"javascript:", "JavaScript :", "vbscript:x", "LIVESCRIPT\t:", "data:text/html;base64,xx",
		"DATA : image/png,", "data:", "script", "<", ">", "<b>", "</p>", "&amp;", "&lt;", ":", " ", "\n", "a", "é",
		"<a href='javascript:alert(1)'>x</a>", "<style>", "</style>", "<style/>", "<img x>", "<x", "<scr<script>ipt>", "<<b>b>", "http://x.y/", "<mailto:a@b.c>", "<!-- c -->", "<?x?>", "\xff"}
	texts := []string{"", "Hold the button for 15 s.", "a < b", "Q&A for AT&T", "note: see below", "<img src=x onerror=alert(1)>"}
	for d := 1; d <= 12; d++ { // nested deeper than the passes: leftTag's
		texts = append(texts, strings.Repeat("<", d)+"b"+strings.Repeat(">b", d), strings.Repeat("<", d)+"x javascript:1")
	}
	r := rand.New(rand.NewPCG(3, 4))
	for range 20000 {
		var b strings.Builder
		for k := r.IntN(8); k >= 0; k-- {
			b.WriteString(pieces[r.IntN(len(pieces))])
		}
		texts = append(texts, b.String())
	}
	for _, s := range texts {
		if got, want := Strip(s), stripEveryPattern(s); got != want {
			t.Errorf("Strip(%q) = %q, with every pattern tried %q", s, got, want)
		}
	}
}

// BenchmarkStrip: a customer's question as the answer path strips it,
// plain or with markup.
func BenchmarkStrip(b *testing.B) {
	for _, c := range []struct{ name, text string }{
		{"plain", "How do I copy a directory recursively with cp, keeping the links?"},
		{"markup", "How do I <b>copy</b> a directory &amp; keep the links?"},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				Strip(c.text)
			}
		})
	}
}
