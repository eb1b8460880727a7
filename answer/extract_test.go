package answer

import (
	"strings"
	"testing"

	"github.com/answerdesk/answerdesk/retrieval"
)

// compose runs the extractive composer over hits, in retrieval order, as
// the engine does.
func compose(t *testing.T, question string, hits ...retrieval.Hit) composed {
	t.Helper()
	res := retrieval.Result{Terms: analyzeText(question).terms, Hits: hits}
	c, ok := extract(hits, newQuery(analyzed{text: question, terms: res.Terms, asked: retrieval.DefaultAnalyzer.QuestionTerms(question)}, res), 3, newPassages(nil))
	if !ok {
		t.Fatalf("no answer composed for %q", question)
	}
	return c
}

// A Q&A corpus keeps each entry as a document titled with its question.
// The top hit's question is the one asked, but its answer repeats none of
// the question's words; the second passage, about a neighbouring question,
// repeats all of them. The answer must come from the entry that was asked.
func TestComposeFromTopEntryAskedVerbatim(t *testing.T) {
	asked := hitOf("sf-delete", "How do I delete my Facebook account?",
		"Open Settings, then Your information, and choose Deactivation and removal. Confirm with your password.")
	sibling := hitOf("sf-deactivate", "How do I deactivate my Facebook account for a while?",
		"Deactivating is not how you delete a Facebook account: the account comes back when you log in.")
	other := hitOf("sf-photos", "Download Facebook photos", "To keep your photos before you delete a Facebook account, download them.")

	c := compose(t, "How do I delete my Facebook account?", asked, sibling, other)
	if len(c.cited) != 1 || c.cited[0].DocumentID != "sf-delete" {
		t.Fatalf("cited %v, want only the entry asked (sf-delete); answer %q", docIDs(c.cited), c.body)
	}
	if !strings.HasPrefix(c.body, "Open Settings") || !strings.Contains(c.body, "Confirm with your password.") {
		t.Errorf("answer %q, want the entry's answer", c.body)
	}
	if c.bestCoverage != 1 {
		t.Errorf("bestCoverage %v, want 1 (the whole entry holds every term asked)", c.bestCoverage)
	}
}

// Without a title that asks the question, today's rule stands: the
// sentence that answers with the question's own words wins, whatever the
// rank of its passage.
func TestComposeFromBestSentenceWhenTopTitleIsNotTheQuestion(t *testing.T) {
	question := "How do I delete my Facebook account?"
	sibling := hitOf("sf-deactivate", "How do I deactivate my Facebook account for a while?",
		"Deactivating is not how you delete a Facebook account: the account comes back when you log in.")
	for name, top := range map[string]retrieval.Hit{
		// The title lacks a term asked ("delete").
		"title misses a term": hitOf("settings", "Facebook account settings",
			"Open Settings, then Your information. Confirm with your password."),
		// A lower-ranked title matches the question as well or better.
		"another title matches better": hitOf("delete-data", "Delete Facebook account data",
			"Open Settings, then Your information. Confirm with your password."),
	} {
		hits := []retrieval.Hit{top, sibling}
		if name == "another title matches better" {
			hits = append(hits, hitOf("sf-delete", question, "Use the deletion page; it takes 30 days."))
		}
		c := compose(t, question, hits...)
		if len(c.cited) == 0 || c.cited[0].DocumentID == top.DocumentID {
			t.Errorf("%s: cited %v, want the sentence with the question's words first", name, docIDs(c.cited))
		}
	}
}

func docIDs(hits []retrieval.Hit) []string {
	out := make([]string, len(hits))
	for i, h := range hits {
		out[i] = h.DocumentID
	}
	return out
}
