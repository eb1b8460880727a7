package ticket

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"github.com/answerdesk/answerdesk/ingest"
	"github.com/answerdesk/answerdesk/ingest/redact"
)

func source(name, body string) ingest.Source {
	return ingest.Source{Path: name, ID: strings.TrimSuffix(name, filepath.Ext(name)), Size: int64(len(body)),
		Open: func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader(body)), nil }}
}

func load(t *testing.T, name, body string) ([]ingest.Document, error) {
	t.Helper()
	return (&Loader{}).Load(context.Background(), source(name, body))
}

func TestJSONL(t *testing.T) {
	body := `{"id":"T-1","subject":"Card charged twice","status":"Solved","tags":["billing"],"lang":"en-US","messages":[` +
		`{"role":"customer","body":"Charged twice on 4111 1111 1111 1111, mail me at a.b@example.com"},` +
		`{"role":"customer","body":"Any news?"},` +
		`{"role":"agent","body":"Looking."},` +
		`{"role":"customer","body":"Thanks"},` +
		`{"role":"note","body":"internal: phone +44 20 7946 0958"},` +
		`{"role":"agent","body":"Refunded to the original payment method.","public":true},` +
		`{"role":"agent","body":"private reply","public":false}]}
{"id":"T-2","subject":"Open one","status":"open","messages":[{"role":"customer","body":"help"}]}
{"id":"T-3","subject":"No reply","status":"solved","messages":[{"role":"customer","body":"hello"}]}`
	docs, err := load(t, "export.jsonl", body)
	if err != nil {
		t.Fatal(err)
	}
	want := []ingest.Document{{
		ID: "export#T-1", Kind: "ticket", Title: "Card charged twice", Lang: "en",
		Meta: map[string]string{"format": "tickets", "ticket_id": "T-1", "status": "solved", "tags": "billing"},
		Sections: []ingest.Section{{Blocks: []ingest.Block{{Kind: ingest.Entry,
			Text: "Card charged twice\nProblem: Charged twice on [CARD], mail me at [EMAIL] Any news?\nResolution: Refunded to the original payment method."}}}},
		Losses: []ingest.Loss{
			{Where: "1 tickets", Reason: "no agent reply to index as the resolution"},
			{Where: "1 tickets", Reason: "status open: only solved tickets are indexed"},
		},
	}}
	if diff := cmp.Diff(want, docs); diff != "" {
		t.Errorf("documents (-want +got):\n%s", diff)
	}
}

func TestZendesk(t *testing.T) {
	object := `{"tickets":[{"id":35436,"subject":"Hub offline","description":"My hub is offline, call +1 212 555 0199","status":"closed","tags":["network"],"requester_id":20978392,
"comments":[{"author_id":20978392,"body":"My hub is offline, call +1 212 555 0199","public":true},{"author_id":5,"plain_body":"Connect it with the Ethernet cable.","public":true},{"author_id":5,"body":"note to self","public":false}]},
{"id":35437,"subject":"x","status":"pending","requester_id":1,"comments":[]}],
"users":[{"id":20978392,"role":"end-user"},{"id":5,"role":"agent"}]}`
	array := `[{"id":1,"subject":"Pairing","status":"solved","requester_id":7,"comments":[{"author_id":7,"body":"Sensor will not pair"},{"author_id":9,"body":"Reset the sensor first."}]}]`
	ndjson := `{"id":2,"subject":"Pairing","status":"solved","requester_id":7,"comments":[{"author_id":7,"body":"Sensor will not pair"},{"author_id":9,"body":"Reset the sensor first."}]}
{"id":3,"subject":"Billing","status":"solved","requester_id":8,"description":"Refund please","comments":[]}`
	tests := []struct {
		name, body string
		want       []string
	}{
		{"object with users", object, []string{"Hub offline\nProblem: My hub is offline, call [PHONE]\nResolution: Connect it with the Ethernet cable."}},
		{"array", array, []string{"Pairing\nProblem: Sensor will not pair\nResolution: Reset the sensor first."}},
		{"ndjson", ndjson, []string{"Pairing\nProblem: Sensor will not pair\nResolution: Reset the sensor first."}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if !Sniff([]byte(tc.body)) {
				t.Errorf("Sniff = false")
			}
			docs, err := load(t, "zd.json", tc.body)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, d := range docs {
				got = append(got, d.Sections[0].Blocks[0].Text)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("entries (-want +got):\n%s", diff)
			}
		})
	}
}

func TestErrors(t *testing.T) {
	tests := []struct {
		name, body string
		want       error
	}{
		{"empty", "  \n", ingest.ErrEmpty},
		{"bad line", `{"id":"T-1","messages":[]}` + "\n{broken", ingest.ErrMalformed},
		{"no id", `{"subject":"x","messages":[]}`, ingest.ErrMalformed},
		{"none solved", `{"id":"T-1","status":"open","messages":[{"role":"customer","body":"x"}]}`, ingest.ErrEmpty},
		{"not tickets", `{"question":"q","answer":"a"}`, ingest.ErrMalformed},
		{"bad zendesk", `{"tickets":[{"id":"x","comments":"nope"}]}`, ingest.ErrMalformed},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := load(t, "t.jsonl", tc.body); !errors.Is(err, tc.want) {
				t.Errorf("err = %v, want %v", err, tc.want)
			}
		})
	}
}

func TestSniff(t *testing.T) {
	for body, want := range map[string]bool{
		`{"id":"a","title":"t","text":"x"}`:      false,
		`{"id":"T","messages":[]}`:               true,
		`[{"id":1,"requester_id":2}]`:            true,
		`{"tickets":[]}`:                         true,
		`[{"question":"q","answer":"a"}]`:        false,
		"\xef\xbb\xbf{\"id\":1,\"comments\":[]}": true,
		"":                                       false,
		`[{"id":1,"subject":"x","via":{"channel":"web"},"requester_id":2,"description":"` + strings.Repeat("long ", 1000): true,
		`{"count":2,"next_page":null,"tickets":[{"id":1,"subject":"trunc`:                                                 true,
		`{"id":"a","meta":{"messages":1},"text":"x"}`:                                                                     false,
	} {
		if got := Sniff([]byte(body)); got != want {
			t.Errorf("Sniff(%q) = %v, want %v", body, got, want)
		}
	}
}

// plantedPII lists every personal value in testdata/kb/tickets.jsonl.
var plantedPII = []string{
	"anna.berg@example.com", "+1 415 555 0134", "4111 1111 1111 1111", "GB82 WEST 1234 5698 7654 32",
	"+44 20 7946 0958", "10.0.0.23", "li.wei@mailbox.example", "+1 (212) 555-0199", "2001:db8:85a3::8a2e:370:7334",
	"+7 (912) 345-67-89", "ivan.petrov@example.ru", "7707083893", "112-233-445 95", "8 916 123-45-67",
	"89161234567", "500100732259", "13912345678", "wangfang@example.cn", "11010519491231002X",
	"+86 138 1234 5678", "5500 0000 0000 0004", "021-6123-4567",
}

// TestTestdataExportNoPII loads the bundled export, chunks it as ingestion
// does, and checks that no planted personal value (and nothing redact still
// finds) reaches a chunk.
func TestTestdataExportNoPII(t *testing.T) {
	path := filepath.Join("..", "..", "testdata", "kb", "tickets.jsonl")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range plantedPII {
		if !strings.Contains(string(data), v) {
			t.Fatalf("fixture lost planted value %q", v)
		}
	}
	docs, err := load(t, "tickets.jsonl", string(data))
	if err != nil {
		t.Fatal(err)
	}
	if len(docs) != 9 {
		t.Errorf("%d documents, want 9 solved or closed tickets", len(docs))
	}
	langs := map[string]int{}
	chunks, leaks := 0, 0
	for _, d := range docs {
		langs[d.Lang]++
		for _, c := range ingest.Chunk(d, "t", 0) {
			chunks++
			text := c.Title + "\n" + c.Text
			for _, v := range plantedPII {
				if strings.Contains(text, v) {
					leaks++
					t.Errorf("chunk of %s leaks %q: %q", d.ID, v, text)
				}
			}
			if spans := redact.Find(text); len(spans) > 0 {
				t.Errorf("chunk of %s still has PII %v: %q", d.ID, spans, text)
			}
			if c.Kind != "ticket" {
				t.Errorf("chunk kind %q", c.Kind)
			}
		}
	}
	if diff := cmp.Diff(map[string]int{"en": 4, "ru": 3, "zh": 2}, langs); diff != "" {
		t.Errorf("languages (-want +got):\n%s", diff)
	}
	t.Logf("%d tickets indexed as %d chunks; %d planted PII values, %d leaked", len(docs), chunks, len(plantedPII), leaks)
}

// FuzzParse: any export gives documents without planted card numbers, or a
// sentinel-wrapped error. A card number stands alone, as the redaction
// reads one: the card inside a longer run ("41111111111111110", 17 digits
// that fail the Luhn check) or glued to a Latin, Cyrillic or Greek letter
// ("A4111111111111111", an order or device id) is no card number, and the
// redaction keeps it.
// plantedCard matches FuzzParse's planted card number with what stands
// around it; leakedCard tells whether one match stands alone.
var plantedCard = regexp.MustCompile(`(?s)(^|.)4111111111111111(.|$)`)

// leakedCard reports whether text holds the planted card number standing
// alone: no digit, underscore, or letter of a script written with spaces
// (below U+0530: Latin, Greek, Cyrillic) right before or after it.
func leakedCard(text string) bool {
	glued := func(s string) bool {
		r, _ := utf8.DecodeRuneInString(s)
		return s != "" && (unicode.IsDigit(r) || r == '_' || (unicode.IsLetter(r) && r < 0x0530))
	}
	for _, m := range plantedCard.FindAllStringSubmatch(text, -1) {
		if !glued(m[1]) && !glued(m[2]) {
			return true
		}
	}
	return false
}

// TestLeakedCard: the fuzz check finds the card standing alone, on its own
// line or among words, and not inside a longer number or an id.
func TestLeakedCard(t *testing.T) {
	for text, want := range map[string]bool{
		"4111111111111111": true, "card 4111111111111111.": true, "Problem:\n4111111111111111\nok": true, "卡号4111111111111111": true,
		"41111111111111110": false, "A4111111111111111": false, "№4111111111111111_": false, "CARD redacted": false,
	} {
		if got := leakedCard(text); got != want {
			t.Errorf("leakedCard(%q) = %v, want %v", text, got, want)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(`{"id":"T","status":"solved","messages":[{"role":"customer","body":"4111111111111111"},{"role":"agent","body":"ok"}]}`))
	f.Add([]byte(`{"tickets":[{"id":1,"status":"solved","requester_id":1,"comments":[{"author_id":1,"body":"a"},{"author_id":2,"body":"b"}]}]}`))
	f.Add([]byte(`[{"id":1}]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		docs, err := Parse(context.Background(), data, ingest.Source{Path: "f.jsonl", ID: "f"})
		if err != nil {
			if !errors.Is(err, ingest.ErrMalformed) && !errors.Is(err, ingest.ErrEmpty) {
				t.Fatalf("error outside the taxonomy: %v", err)
			}
			return
		}
		Sniff(data)
		for _, d := range docs {
			if d.Kind != "ticket" || len(d.Sections) != 1 {
				t.Fatalf("bad document %+v", d)
			}
			if leakedCard(d.Sections[0].Blocks[0].Text) {
				t.Fatalf("card leaked: %q", d.Sections[0].Blocks[0].Text)
			}
		}
	})
}
