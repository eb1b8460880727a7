package storecmd

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

// Docs runs docs: list or delete ingested documents; c is its row in the
// binary's command table.
func Docs(ctx context.Context, a App, c cli.Command, args []string) error {
	fs := flag.NewFlagSet("docs", flag.ContinueOnError)
	tenant := fs.String("tenant", retrieval.DefaultTenant, "tenant")
	kind := fs.String("kind", "", "list only this kind")
	if err := a.ParseFlags(fs, c, args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return cli.Usagef("docs: want list or delete")
	}
	store, err := a.IndexStore(ctx)
	if err != nil {
		return err
	}
	switch fs.Arg(0) {
	case "list":
		tw := tabwriter.NewWriter(a.Stdout(), 2, 4, 2, ' ', 0)
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
		fmt.Fprintf(a.Stdout(), "%d document(s)\n", n)
		return nil
	case "delete":
		if fs.NArg() < 2 {
			return cli.Usagef("docs delete: no ID given")
		}
		var failed int
		for _, id := range fs.Args()[1:] {
			err := store.DeleteDocument(ctx, *tenant, id)
			switch {
			case errors.Is(err, retrieval.ErrNotFound):
				fmt.Fprintf(a.Stderr(), "%s: no such document in tenant %q\n", id, *tenant)
				failed++
			case err != nil:
				return err
			default:
				fmt.Fprintf(a.Stdout(), "deleted %s\n", id)
				if err := a.Audit(ctx, *tenant, state.AuditDocumentDelete, id, ""); err != nil {
					return err
				}
			}
		}
		if failed > 0 {
			return fmt.Errorf("docs delete: %d document(s) not found", failed)
		}
		return nil
	default:
		return cli.Usagef("docs: unknown subcommand %q: want list or delete", fs.Arg(0))
	}
}
