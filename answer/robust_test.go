package answer_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/answerdesk/answerdesk/answer"
	"github.com/answerdesk/answerdesk/retrieval"
)

var markerRe = regexp.MustCompile(`\[(\d+)\]`)

// checkAnswer asserts the invariants every answer keeps, whatever the input.
func checkAnswer(t *testing.T, q string, a answer.Answer, err error) {
	t.Helper()
	if err != nil {
		if !errors.Is(err, answer.ErrInvalidRequest) {
			t.Errorf("%q: error %v is not ErrInvalidRequest", q, err)
		}
		return
	}
	switch a.Decision {
	case answer.Answered:
		if a.Text == "" || len(a.Citations) == 0 || a.Reason != "" || a.TicketID != "" {
			t.Errorf("%q: inconsistent answer %+v", q, a)
		}
		for _, m := range markerRe.FindAllStringSubmatch(a.Text, -1) {
			if n, _ := strconv.Atoi(m[1]); n < 1 || n > len(a.Citations) {
				t.Errorf("%q: marker %s without a citation", q, m[0])
			}
		}
	case answer.Replied:
		// A conversation act: a short reply, nothing cited, no ticket.
		if a.Act == answer.ActNone || a.Text == "" || len(a.Citations) > 0 || a.TicketID != "" {
			t.Errorf("%q: inconsistent reply %+v", q, a)
		}
	case answer.Escalated:
		if a.Text != "" || a.Reason == "" || a.TicketID == "" {
			t.Errorf("%q: inconsistent escalation %+v", q, a)
		}
	default:
		t.Errorf("%q: decision %q", q, a.Decision)
	}
	if !utf8.ValidString(a.Text) || !utf8.ValidString(a.Notice) || a.Confidence < 0 || a.Confidence > 1 {
		t.Errorf("%q: invalid text or confidence %v", q, a.Confidence)
	}
}

// TestNaughtyStrings asks every string of the Big List of Naughty Strings,
// as a question and as a conversation id, against a KB that also holds
// them as documents.
func TestNaughtyStrings(t *testing.T) {
	shared := sharedDir(t)
	raw, err := os.ReadFile(filepath.Join(shared, "security", "naughty-strings", "blns.base64.json"))
	if err != nil {
		t.Fatal(err)
	}
	var encoded []string
	if err := json.Unmarshal(raw, &encoded); err != nil {
		t.Fatal(err)
	}
	var naughty []string
	for _, e := range encoded {
		b, err := base64.StdEncoding.DecodeString(e)
		if err != nil {
			t.Fatal(err)
		}
		naughty = append(naughty, string(b))
	}
	kb := lumenKB()
	for i, s := range naughty {
		kb.add(retrieval.Chunk{ID: "n" + strconv.Itoa(i), DocumentID: "naughty-" + strconv.Itoa(i), Title: s, Text: s + ". Reset the hub with the button."})
	}
	eng, err := answer.New(answer.DefaultConfig(), answer.Deps{Retriever: kb, Tickets: &answer.MemoryTickets{}, Conversations: &answer.MemoryConversations{}})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for _, s := range naughty {
		a, err := eng.Answer(ctx, answer.Request{Tenant: "acme", Question: s})
		checkAnswer(t, s, a, err)
		a, err = eng.Answer(ctx, answer.Request{Tenant: "acme", Question: "How do I reset the hub?", ConversationID: s})
		checkAnswer(t, s, a, err)
	}
}

func FuzzAnswer(f *testing.F) {
	for _, s := range []string{"How do I factory reset the Lumen hub?", "агент", "转人工", "", "\xff", "[1] [2]", "a\x00b", strings.Repeat("!", 50)} {
		f.Add(s, "")
	}
	kb := lumenKB()
	eng, err := answer.New(answer.DefaultConfig(), answer.Deps{Retriever: kb, Tickets: &answer.MemoryTickets{}, Conversations: &answer.MemoryConversations{}})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, q, conv string) {
		a, err := eng.Answer(context.Background(), answer.Request{Tenant: "acme", Question: q, ConversationID: conv})
		checkAnswer(t, q, a, err)
	})
}
