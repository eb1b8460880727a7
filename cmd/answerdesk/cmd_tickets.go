package main

import (
	"context"
	"errors"
	"flag"
	"fmt"

	"github.com/answerdesk/answerdesk/answer/state"
	"github.com/answerdesk/answerdesk/api"
	"github.com/answerdesk/answerdesk/cmd/internal/cli"
	"github.com/answerdesk/answerdesk/retrieval"
)

func runTickets(ctx context.Context, a *app, args []string) error {
	sub, rest := args[0], args[1:]
	fs := flag.NewFlagSet("tickets "+sub, flag.ContinueOnError)
	tenant := fs.String("tenant", retrieval.DefaultTenant, "tenant whose tickets to read")
	asJSON := fs.Bool("json", false, "print JSON")
	status := fs.String("status", "", "only tickets with this status (list)")
	limit := fs.Int("limit", 50, "how many tickets (list)")
	if err := a.parseFlags(fs, rest); err != nil {
		return err
	}
	if *status != "" && !state.ValidStatus(*status) {
		return cli.Usagef("tickets: --status must be open, pending, solved or closed")
	}
	db, err := a.State(ctx)
	if err != nil {
		return err
	}
	if sub == "list" {
		if *limit < 1 || *limit > 10000 {
			return cli.Usagef("tickets list: --limit must be 1 to 10000")
		}
		ts, err := db.Tickets.Tickets(ctx, state.TicketFilter{Tenant: *tenant, Status: *status, Limit: *limit})
		if err != nil {
			return err
		}
		if *asJSON {
			return cli.WriteJSON(a.stdout, ts)
		}
		return api.WriteTicketsText(a.stdout, ts)
	}
	if fs.NArg() != 1 {
		return cli.Usagef("tickets show: give one ticket ID")
	}
	t, err := db.Tickets.Ticket(ctx, *tenant, fs.Arg(0))
	if errors.Is(err, state.ErrNotFound) {
		return fmt.Errorf("tickets show: no ticket %q for tenant %q", fs.Arg(0), *tenant)
	}
	if err != nil {
		return err
	}
	if *asJSON {
		return cli.WriteJSON(a.stdout, t)
	}
	return api.WriteTicketText(a.stdout, t)
}
