package state

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/answerdesk/answerdesk/answer"
)

func TestUnanswered(t *testing.T) {
	eachBackend(t, func(t *testing.T, bk testBackend) {
		ctx := context.Background()
		st, _ := bk.open(t, Options{})
		t0 := time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)
		log := func(tenant, id string, decision answer.Decision, reason answer.Reason, at time.Time) {
			t.Helper()
			a := answer.Answer{ID: id, ConversationID: "c-" + id, Question: "question " + id + " mail me at jane@example.com",
				Decision: decision, Reason: reason, Lang: "en", Intent: "billing", Confidence: 0.3, Created: at}
			if err := st.convs.LogAnswer(ctx, tenant, a); err != nil {
				t.Fatal(err)
			}
		}
		log("acme", "a1", answer.Escalated, answer.ReasonNoEvidence, t0)
		log("acme", "a2", answer.Escalated, answer.ReasonLowConfidence, t0.Add(time.Hour))
		log("acme", "a3", answer.Escalated, answer.ReasonGroundingFailed, t0.Add(2*time.Hour))
		log("acme", "a4", answer.Escalated, answer.ReasonHumanRequested, t0.Add(3*time.Hour)) // not a knowledge gap
		log("acme", "a5", answer.Answered, "", t0.Add(4*time.Hour))
		log("acme", "a6", answer.Escalated, answer.ReasonNoEvidence, t0.Add(48*time.Hour)) // outside the window
		log("beta", "b1", answer.Escalated, answer.ReasonNoEvidence, t0.Add(time.Hour))    // another tenant

		got, err := st.convs.Unanswered(ctx, "acme", t0, t0.Add(24*time.Hour), 100)
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, a := range got {
			ids = append(ids, a.ID)
			if a.Lang != "en" || a.Intent != "billing" || strings.Contains(a.Question, "jane@example.com") {
				t.Errorf("logged answer %+v: want lang, intent and a redacted question", a)
			}
		}
		if strings.Join(ids, ",") != "a3,a2,a1" {
			t.Errorf("unanswered = %v, want a3,a2,a1 (newest first, knowledge reasons, window, tenant)", ids)
		}
		if got, _ := st.convs.Unanswered(ctx, "acme", t0, t0.Add(24*time.Hour), 2); len(got) != 2 || got[0].ID != "a3" {
			t.Errorf("limit 2: %+v", got)
		}
		if got, _ := st.convs.Unanswered(ctx, "acme", t0.Add(time.Hour), time.Time{}, 100); len(got) != 3 || got[0].ID != "a6" {
			t.Errorf("open-ended window: %+v", got)
		}
		if _, err := st.convs.Unanswered(ctx, "acme", t0, t0, 0); !errors.Is(err, ErrInvalid) {
			t.Errorf("limit 0: %v", err)
		}
		// The gap finder reads the same questions, with their language and time.
		qs, err := NewGapLog(st.convs).Unanswered(ctx, "acme", t0, t0.Add(24*time.Hour), 100)
		if err != nil || len(qs) != 3 || qs[0].Lang != "en" || !qs[0].At.Equal(t0.Add(2*time.Hour)) || qs[0].Text != got[0].Question {
			t.Errorf("gap log = %+v, %v; want a3, a2, a1 as questions", qs, err)
		}
		if _, err := NewGapLog(st.convs).Unanswered(ctx, "acme", t0, t0, 0); !errors.Is(err, ErrInvalid) {
			t.Errorf("gap log, limit 0: %v", err)
		}
		if a, err := st.convs.Answer(ctx, "acme", "a1"); err != nil || a.Lang != "en" || a.Intent != "billing" {
			t.Errorf("Answer = %+v, %v", a, err)
		}
	})
}
