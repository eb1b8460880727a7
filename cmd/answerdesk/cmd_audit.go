package main

import (
	"context"
	"flag"

	"github.com/answerdesk/answerdesk/answer/state"
	"github.com/answerdesk/answerdesk/api"
	"github.com/answerdesk/answerdesk/cmd/internal/cli"
	"github.com/answerdesk/answerdesk/retrieval"
)

// runAudit lists a tenant's administrative actions, newest first, as GET
// /v1/audit does.
func runAudit(ctx context.Context, a *app, args []string) error {
	fs := flag.NewFlagSet("audit list", flag.ContinueOnError)
	tenant := fs.String("tenant", retrieval.DefaultTenant, "tenant whose actions to list")
	action := fs.String("action", "", "only this action (key.create, document.delete, customer.erase, …)")
	limit := fs.Int("limit", state.DefaultLimit, "how many entries, 1 to 10000")
	before := fs.Int64("before", 0, "only entries older than this entry id (the next page)")
	asJSON := fs.Bool("json", false, "print JSON (what GET /v1/audit returns)")
	if err := a.parseFlags(fs, args[1:]); err != nil {
		return err
	}
	switch {
	case fs.NArg() > 0:
		return cli.Usagef("audit list: unexpected argument %q", fs.Arg(0))
	case *limit < 1 || *limit > 10000:
		return cli.Usagef("audit list: --limit must be 1 to 10000")
	case *before < 0:
		return cli.Usagef("audit list: --before must be an entry id")
	}
	st, err := a.State(ctx)
	if err != nil {
		return err
	}
	es, err := st.Audit.Entries(ctx, state.AuditFilter{Tenant: *tenant, Action: *action, Before: *before, Limit: *limit})
	if err != nil {
		return err
	}
	out := api.NewAuditList(es, *limit)
	if *asJSON {
		return cli.WriteJSON(a.stdout, out)
	}
	return out.WriteText(a.stdout)
}
