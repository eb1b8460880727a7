package main

import (
	"context"
	"flag"
	"fmt"

	"github.com/answerdesk/answerdesk/answer/state"
	"github.com/answerdesk/answerdesk/api"
	"github.com/answerdesk/answerdesk/cmd/internal/cli"
	"github.com/answerdesk/answerdesk/retrieval"
)

// runCustomers exports or erases a customer's data, as GET
// /v1/customers/{id}/export and DELETE /v1/customers/{id} do; both are
// audited under a hash of the id.
func runCustomers(ctx context.Context, a *app, args []string) error {
	sub, rest := args[0], args[1:]
	fs := flag.NewFlagSet("customers "+sub, flag.ContinueOnError)
	tenant := fs.String("tenant", retrieval.DefaultTenant, "tenant of the customer")
	asJSON := fs.Bool("json", false, "erase: print the counts as JSON (export always prints JSON)")
	if err := a.parseFlags(fs, rest); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return cli.Usagef("customers %s: give exactly one customer ID", sub)
	}
	id := fs.Arg(0)
	if err := api.CheckCustomerID(id); err != nil {
		return cli.Usagef("customers %s: %v", sub, err)
	}
	st, err := a.State(ctx)
	if err != nil {
		return err
	}
	if sub == "export" {
		d, err := st.Customers.Export(ctx, *tenant, id)
		if err != nil {
			return err
		}
		if err := a.Audit(ctx, *tenant, state.AuditCustomerExport, state.CustomerRef(id), ""); err != nil {
			return err
		}
		return cli.WriteJSON(a.stdout, api.NewCustomerExport(id, d))
	}
	e, err := st.Customers.Erase(ctx, *tenant, id)
	if err != nil {
		return err
	}
	if err := a.Audit(ctx, *tenant, state.AuditCustomerErase, state.CustomerRef(id), ""); err != nil {
		return err
	}
	out := api.NewErasure(e)
	if *asJSON {
		return cli.WriteJSON(a.stdout, out)
	}
	fmt.Fprintf(a.stdout, "erased customer %q of tenant %q: %d answers, %d conversation turns, %d feedback, %d FAQ candidates deleted; %d tickets anonymized\n",
		id, *tenant, out.Answers, out.Turns, out.Feedback, out.FAQCandidates, out.Tickets)
	return nil
}
