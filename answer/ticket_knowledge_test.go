package answer_test

import (
	"context"
	"strings"
	"testing"

	"github.com/answerdesk/answerdesk/answer"
	"github.com/answerdesk/answerdesk/retrieval"
)

// TestTicketAnswersWithResolutionOnly: a past ticket that matches the
// question better than the docs is quoted for its resolution only, never
// for the other customer's problem nor a redaction placeholder; with a
// doc saying the same, the doc is quoted.
func TestTicketAnswersWithResolutionOnly(t *testing.T) {
	ctx := context.Background()
	const problem = "Problem: My refund for order 5521 has not arrived, my email is [EMAIL] and my card ends in [CARD]."
	tk := retrieval.Chunk{ID: "tk", DocumentID: "tickets#T-1", Kind: retrieval.KindTicket, Lang: "en", Title: "Refund not arrived",
		Text: "Refund not arrived\n" + problem + "\nResolution: Refunds reach the card within five business days of the return. Write to [EMAIL] for a receipt."}
	doc := retrieval.Chunk{ID: "doc", DocumentID: "refunds.md", Kind: retrieval.KindDoc, Lang: "en", Title: "Refunds",
		Text: "Refunds reach the card within five business days of the return."}
	for _, tc := range []struct {
		name   string
		chunks []retrieval.Chunk
		want   string
	}{
		{"ticket alone", []retrieval.Chunk{tk}, "tickets#T-1"},
		{"ticket and doc", []retrieval.Chunk{tk, doc}, "refunds.md"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			kb := &memIndex{}
			kb.add(tc.chunks...)
			eng, err := answer.New(answer.DefaultConfig(), answer.Deps{Retriever: kb, Tickets: &answer.MemoryTickets{}})
			if err != nil {
				t.Fatal(err)
			}
			a, err := eng.Answer(ctx, answer.Request{Tenant: "acme", Question: "My refund for order 5521 has not arrived, when does a refund reach the card?"})
			if err != nil {
				t.Fatal(err)
			}
			if a.Hits[0].ChunkID != "tk" {
				t.Fatalf("the ticket should rank first (it shares the problem's words): %+v", a.Hits)
			}
			text, cites := a.Text, a.Citations
			if a.Decision != answer.Answered {
				text, cites = a.Attempted, a.AttemptedCitations
			}
			if len(cites) == 0 || cites[0].DocumentID != tc.want {
				t.Fatalf("cited %+v, want %s first (%s: %q)", cites, tc.want, a.Decision, text)
			}
			if !strings.Contains(text, "five business days") {
				t.Errorf("answer %q lacks the resolution", text)
			}
			for _, s := range append([]string{text}, cites[0].Quote) {
				if strings.Contains(s, "5521") || strings.Contains(s, "[EMAIL]") || strings.Contains(s, "[CARD]") || strings.Contains(s, "Problem") {
					t.Errorf("problem text or placeholder in %q", s)
				}
			}
		})
	}
}
