package main

import (
	"context"
	"flag"
	"fmt"

	"github.com/answerdesk/answerdesk/api"
	"github.com/answerdesk/answerdesk/cmd/internal/cli"
	"github.com/answerdesk/answerdesk/retrieval"
)

// runAssist helps a human agent with a ticket, as POST
// /v1/tickets/{id}/suggest and GET /v1/tickets/{id}/similar do: a drafted
// reply (nothing is written), or the most similar solved tickets.
func runAssist(ctx context.Context, a *app, args []string) error {
	sub, rest := args[0], args[1:]
	fs := flag.NewFlagSet("assist "+sub, flag.ContinueOnError)
	tenant := fs.String("tenant", retrieval.DefaultTenant, "tenant of the ticket")
	asJSON := fs.Bool("json", false, "print JSON (what the API returns)")
	if err := a.parseFlags(fs, rest); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return cli.Usagef("assist %s: give exactly one ticket ID", sub)
	}
	st, err := a.State(ctx)
	if err != nil {
		return err
	}
	t, similar, err := api.SimilarSolved(ctx, st.Tickets, *tenant, fs.Arg(0))
	if err != nil {
		return fmt.Errorf("assist %s: ticket %q of tenant %q: %w", sub, fs.Arg(0), *tenant, err)
	}
	if sub == "similar" {
		if *asJSON {
			return cli.WriteJSON(a.stdout, api.SimilarTickets{TicketID: t.ID, Similar: similar})
		}
		return api.SimilarTickets{TicketID: t.ID, Similar: similar}.WriteText(a.stdout)
	}
	engine, err := a.answerEngine(ctx)
	if err != nil {
		return err
	}
	s, err := api.SuggestReply(ctx, engine, t, similar, engine.Config().MaxQuestion, engine.Config().MaxMessage)
	if err != nil {
		return fmt.Errorf("assist suggest: ticket %q: %w", t.ID, err)
	}
	if *asJSON {
		return cli.WriteJSON(a.stdout, s)
	}
	return s.WriteText(a.stdout)
}
