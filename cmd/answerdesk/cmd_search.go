package main

import (
	"context"
	"flag"
	"fmt"
	"strings"

	"github.com/answerdesk/answerdesk/api"
	"github.com/answerdesk/answerdesk/cmd/internal/cli"
	"github.com/answerdesk/answerdesk/retrieval"
)

func runSearch(ctx context.Context, a *app, args []string) error {
	fs := flag.NewFlagSet("search", flag.ContinueOnError)
	asJSON := fs.Bool("json", false, "print JSON")
	k := fs.Int("k", 5, "number of hits")
	tenant := fs.String("tenant", retrieval.DefaultTenant, "tenant to search")
	kind := fs.String("kind", "", "only this kind: doc, faq or ticket")
	if err := a.parseFlags(fs, args); err != nil {
		return err
	}
	q := strings.TrimSpace(strings.Join(fs.Args(), " "))
	if q == "" {
		return usagef("search: no QUESTION given")
	}
	if *k < 1 || *k > retrieval.MaxK {
		return usagef("search: -k must be between 1 and %d", retrieval.MaxK)
	}
	store, err := a.indexStore(ctx)
	if err != nil {
		return err
	}
	query := retrieval.Query{Text: q, Tenant: *tenant, K: *k}
	if *kind != "" {
		query.Kinds = []retrieval.Kind{retrieval.Kind(*kind)}
	}
	emb, err := a.embedder()
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
		return writeJSON(a.stdout, api.NewSearchHits(res))
	}
	if len(res.Hits) == 0 {
		fmt.Fprintln(a.stdout, "no matching chunks")
		return nil
	}
	for i, h := range res.Hits {
		src := h.DocumentID
		if h.Heading != "" {
			src += " › " + h.Heading
		}
		if h.Page > 0 {
			src += fmt.Sprintf(" (page %d)", h.Page)
		}
		fmt.Fprintf(a.stdout, "%d. [%.3f] %s — %s\n", i+1, h.Score, h.Title, src)
		fmt.Fprintf(a.stdout, "   %s\n", cli.Snippet(h.Text, 240))
	}
	return nil
}
