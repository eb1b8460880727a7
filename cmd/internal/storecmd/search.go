package storecmd

import (
	"context"
	"flag"
	"fmt"
	"strings"

	"github.com/answerdesk/answerdesk/api"
	"github.com/answerdesk/answerdesk/cmd/internal/cli"
	"github.com/answerdesk/answerdesk/retrieval"
)

// Search runs search: the chunks ranked for a question; c is its row in
// the binary's command table.
func Search(ctx context.Context, a App, c cli.Command, args []string) error {
	fs := flag.NewFlagSet("search", flag.ContinueOnError)
	asJSON := fs.Bool("json", false, "print JSON")
	k := fs.Int("k", 5, "number of hits")
	tenant := fs.String("tenant", retrieval.DefaultTenant, "tenant to search")
	kind := fs.String("kind", "", "only this kind: doc, faq or ticket")
	if err := a.ParseFlags(fs, c, args); err != nil {
		return err
	}
	q := strings.TrimSpace(strings.Join(fs.Args(), " "))
	if q == "" {
		return cli.Usagef("search: no QUESTION given")
	}
	if *k < 1 || *k > retrieval.MaxK {
		return cli.Usagef("search: -k must be between 1 and %d", retrieval.MaxK)
	}
	store, err := a.IndexStore(ctx)
	if err != nil {
		return err
	}
	query := retrieval.Query{Text: q, Tenant: *tenant, K: *k}
	if *kind != "" {
		query.Kinds = []retrieval.Kind{retrieval.Kind(*kind)}
	}
	emb, err := a.Embedder()
	if err != nil {
		return err
	}
	if emb != nil {
		if query.Dense, err = emb.EmbedQuery(ctx, q); err != nil {
			return fmt.Errorf("embed question: %w", err)
		}
	}
	res, err := store.Search(ctx, query)
	if err != nil {
		return fmt.Errorf("search: %w", err)
	}
	if *asJSON {
		return cli.WriteJSON(a.Stdout(), api.NewSearchHits(res))
	}
	if len(res.Hits) == 0 {
		fmt.Fprintln(a.Stdout(), "no matching chunks")
		return nil
	}
	for i, h := range res.Hits {
		fmt.Fprintf(a.Stdout(), "%d. [%.3f] %s — %s\n", i+1, h.Score, h.Title, api.SourceLine(h.DocumentID, h.Heading, h.Page))
		fmt.Fprintf(a.Stdout(), "   %s\n", cli.Snippet(h.Text, 240))
	}
	return nil
}
