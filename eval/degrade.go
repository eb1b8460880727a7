package eval

import (
	"context"

	"github.com/answerdesk/answerdesk/answer"
	"github.com/answerdesk/answerdesk/retrieval"
)

// DropTopHit wraps a retriever so that the best hit of every search is
// lost: a deliberately degraded engine, to show that the regression gate
// catches a worse engine.
func DropTopHit(r answer.Retriever) answer.Retriever { return dropTop{r} }

type dropTop struct{ answer.Retriever }

func (d dropTop) Search(ctx context.Context, q retrieval.Query) (retrieval.Result, error) {
	res, err := d.Retriever.Search(ctx, q)
	if len(res.Hits) > 0 {
		res.Hits = res.Hits[1:]
	}
	return res, err
}
