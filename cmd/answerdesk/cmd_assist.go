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
	sub, rest, err := a.subcommand(args, "suggest", "similar")
	if err != nil {
		return err
	}
	fs := flag.NewFlagSet("assist "+sub, flag.ContinueOnError)
	tenant := fs.String("tenant", retrieval.DefaultTenant, "tenant of the ticket")
	asJSON := fs.Bool("json", false, "print JSON (what the API returns)")
	if err := a.parseFlags(fs, rest); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usagef("assist %s: give exactly one ticket ID", sub)
	}
	st, err := a.state(ctx)
	if err != nil {
		return err
	}
	t, similar, err := api.SimilarSolved(ctx, st.Tickets, *tenant, fs.Arg(0))
	if err != nil {
		return fmt.Errorf("assist %s: ticket %q of tenant %q: %w", sub, fs.Arg(0), *tenant, err)
	}
	if sub == "similar" {
		if *asJSON {
			return writeJSON(a.stdout, api.SimilarTickets{TicketID: t.ID, Similar: similar})
		}
		printSimilar(a, similar)
		return nil
	}
	engine, err := a.answerEngine(ctx)
	if err != nil {
		return err
	}
	s, err := api.SuggestReply(ctx, engine, t, similar, engine.Config().MaxQuestion)
	if err != nil {
		return fmt.Errorf("assist suggest: ticket %q: %w", t.ID, err)
	}
	if *asJSON {
		return writeJSON(a.stdout, s)
	}
	w := a.stdout
	if s.Suggested {
		fmt.Fprintf(w, "suggested reply (%s, confidence %.3f, threshold %.3f):\n\n%s\n", s.Lang, s.Confidence, s.Threshold, s.Reply)
	} else {
		fmt.Fprintf(w, "no reply suggested (%s; confidence %.3f, threshold %.3f)", s.Reason, s.Confidence, s.Threshold)
		if s.Attempted != "" {
			fmt.Fprintf(w, "; the unverified attempt:\n\n%s", s.Attempted)
		}
		fmt.Fprintln(w)
	}
	for _, c := range s.Citations {
		fmt.Fprintf(w, "  [%d] %s — %s\n", c.N, c.Title, c.DocumentID)
	}
	fmt.Fprintln(w)
	printSimilar(a, similar)
	return nil
}

func printSimilar(a *app, similar []api.SimilarTicket) {
	if len(similar) == 0 {
		fmt.Fprintln(a.stdout, "no similar solved ticket")
		return
	}
	fmt.Fprintln(a.stdout, "similar solved tickets:")
	for _, m := range similar {
		fmt.Fprintf(a.stdout, "  %.3f  %s  %s\n", m.Score, m.ID, cli.Snippet(m.Subject, 60))
		if m.Resolution != "" {
			fmt.Fprintf(a.stdout, "         reply: %s\n", cli.Snippet(m.Resolution, 100))
		}
	}
}
