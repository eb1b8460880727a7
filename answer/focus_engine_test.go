package answer_test

import (
	"testing"

	"github.com/answerdesk/answerdesk/answer"
)

// TestEngineFocusesChatMessages: through the engine, a question wrapped in
// a greeting, context the knowledge base does not touch and thanks is
// answered (or drafted) from the same passage as the bare question, with
// the bare question's coverage and question similarity, and oov from the
// whole message.
func TestEngineFocusesChatMessages(t *testing.T) {
	r := newRig(t, answer.DefaultConfig(), nil)
	bare := ask(t, r, "How can I factory reset my Lumen hub?")
	chat := ask(t, r, "Hello! My daughter is visiting this weekend and wants to try it. How can I factory reset my Lumen hub? Thank you so much")
	if bare.Decision != answer.Answered {
		t.Fatalf("bare question %s (%s, %.3f), want answered", bare.Decision, bare.Reason, bare.Confidence)
	}
	// The unknown words of the context ("daughter", "visiting") still cost
	// confidence through oov: the chat message may escalate, with the same
	// answer drafted for the agent.
	text, cites := chat.Text, chat.Citations
	if chat.Decision != answer.Answered {
		text, cites = chat.Attempted, chat.AttemptedCitations
	}
	if len(cites) == 0 || cites[0].ChunkID != bare.Citations[0].ChunkID || text != bare.Text {
		t.Errorf("chat answer %q from %v, bare %q from %s", text, cites, bare.Text, bare.Citations[0].ChunkID)
	}
	for _, name := range []string{answer.FeatureCoverage, answer.FeatureIDFCoverage, answer.FeatureSentenceCoverage, answer.FeatureQuestionSim} {
		if b, c := feature(bare, name), feature(chat, name); b != c {
			t.Errorf("%s: bare %.3f, chat %.3f", name, b, c)
		}
	}
	if !(feature(chat, answer.FeatureOOV) > feature(bare, answer.FeatureOOV)) {
		t.Errorf("oov: chat %.3f, bare %.3f", feature(chat, answer.FeatureOOV), feature(bare, answer.FeatureOOV))
	}
}
