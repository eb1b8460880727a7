package retrieval

import "context"

// DocumentLister lists the documents of a tenant (every Store does).
type DocumentLister interface {
	Documents(ctx context.Context, f DocFilter) ([]Document, error)
}

// EachDocument calls fn with every document f selects, in id order,
// reading them in pages of f.Limit (1000 when 0) from f.After on. It
// stops at the first error, of the store or of fn, and returns it. fn may
// delete the document it is given.
func EachDocument(ctx context.Context, l DocumentLister, f DocFilter, fn func(Document) error) error {
	if f.Limit <= 0 {
		f.Limit = 1000
	}
	for {
		docs, err := l.Documents(ctx, f)
		if err != nil || len(docs) == 0 {
			return err
		}
		for _, d := range docs {
			if err := fn(d); err != nil {
				return err
			}
		}
		f.After = docs[len(docs)-1].ID
	}
}
