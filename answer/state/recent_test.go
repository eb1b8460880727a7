package state

import (
	"context"
	"testing"
	"time"

	"github.com/answerdesk/answerdesk/answer"
)

func TestRecentAnswers(t *testing.T) {
	eachBackend(t, func(t *testing.T, bk testBackend) {
		ctx := context.Background()
		st, _ := bk.open(t, Options{})
		at := time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC)
		for i, tenant := range []string{"a", "b", "a", "a"} {
			a := answer.Answer{ID: "ans_" + string(rune('1'+i)), ConversationID: "c" + string(rune('1'+i)), Question: "q" + string(rune('1'+i)),
				Decision: answer.Answered, Confidence: 0.9, Created: at.Add(time.Duration(i) * time.Minute)}
			if err := st.convs.LogAnswer(ctx, tenant, a); err != nil {
				t.Fatal(err)
			}
		}
		got, err := st.convs.RecentAnswers(ctx, "a", 2, "")
		if err != nil || len(got) != 2 || got[0].ID != "ans_4" || got[1].ID != "ans_3" || got[0].Question != "q4" {
			t.Fatalf("first page: %+v, %v", got, err)
		}
		next, err := st.convs.RecentAnswers(ctx, "a", 2, got[1].ID)
		if err != nil || len(next) != 1 || next[0].ID != "ans_1" {
			t.Errorf("second page: %+v, %v", next, err)
		}
		if other, err := st.convs.RecentAnswers(ctx, "b", 10, ""); err != nil || len(other) != 1 || other[0].ID != "ans_2" {
			t.Errorf("tenant b: %+v, %v", other, err)
		}
		if none, err := st.convs.RecentAnswers(ctx, "b", 10, "ans_4"); err != nil || len(none) != 0 {
			t.Errorf("another tenant's cursor: %+v, %v", none, err)
		}
	})
}
