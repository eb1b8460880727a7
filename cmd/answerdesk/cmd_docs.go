package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"text/tabwriter"

	"github.com/answerdesk/answerdesk/answer/state"
	"github.com/answerdesk/answerdesk/cmd/internal/cli"
	"github.com/answerdesk/answerdesk/retrieval"
)

func runDocs(ctx context.Context, a *app, args []string) error {
	fs := flag.NewFlagSet("docs", flag.ContinueOnError)
	tenant := fs.String("tenant", retrieval.DefaultTenant, "tenant")
	kind := fs.String("kind", "", "list only this kind")
	if err := a.parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return usagef("docs: want list or delete")
	}
	store, err := a.indexStore(ctx)
	if err != nil {
		return err
	}
	switch fs.Arg(0) {
	case "list":
		tw := tabwriter.NewWriter(a.stdout, 2, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tKIND\tLANG\tCHUNKS\tUPDATED\tTITLE")
		n := 0
		err := retrieval.EachDocument(ctx, store, retrieval.DocFilter{Tenant: *tenant, Kind: retrieval.Kind(*kind)}, func(d retrieval.Document) error {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%s\t%s\n", d.ID, d.Kind, d.Lang, d.Chunks, d.Updated.Format("2006-01-02 15:04"), cli.Snippet(d.Title, 60))
			n++
			return nil
		})
		if err != nil {
			return err
		}
		tw.Flush()
		fmt.Fprintf(a.stdout, "%d document(s)\n", n)
		return nil
	case "delete":
		if fs.NArg() < 2 {
			return usagef("docs delete: no ID given")
		}
		var failed int
		for _, id := range fs.Args()[1:] {
			err := store.DeleteDocument(ctx, *tenant, id)
			switch {
			case errors.Is(err, retrieval.ErrNotFound):
				fmt.Fprintf(a.stderr, "%s: no such document in tenant %q\n", id, *tenant)
				failed++
			case err != nil:
				return err
			default:
				fmt.Fprintf(a.stdout, "deleted %s\n", id)
				if err := a.audit(ctx, *tenant, state.AuditDocumentDelete, id, ""); err != nil {
					return err
				}
			}
		}
		if failed > 0 {
			return fmt.Errorf("docs delete: %d document(s) not found", failed)
		}
		return nil
	default:
		return usagef("docs: unknown subcommand %q: want list or delete", fs.Arg(0))
	}
}
