package state

import (
	"context"
	"time"

	"github.com/answerdesk/answerdesk/answer/gaps"
)

// GapLog is the answer log as the knowledge-gap finder reads it: the
// questions escalated for want of knowledge (ConversationStore.Unanswered).
type GapLog struct{ convs *ConversationStore }

var _ gaps.Log = GapLog{}

// NewGapLog reads the unanswered questions of convs.
func NewGapLog(convs *ConversationStore) GapLog { return GapLog{convs} }

// Unanswered lists tenant's unanswered questions created in [from, to),
// newest first, at most limit.
func (l GapLog) Unanswered(ctx context.Context, tenant string, from, to time.Time, limit int) ([]gaps.Question, error) {
	as, err := l.convs.Unanswered(ctx, tenant, from, to, limit)
	if err != nil {
		return nil, err
	}
	out := make([]gaps.Question, len(as))
	for i, x := range as {
		out[i] = gaps.Question{Text: x.Question, Lang: x.Lang, At: x.Created}
	}
	return out, nil
}
