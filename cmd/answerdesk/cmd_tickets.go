package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/answerdesk/answerdesk/answer"
	"github.com/answerdesk/answerdesk/answer/state"
	"github.com/answerdesk/answerdesk/cmd/internal/cli"
	"github.com/answerdesk/answerdesk/retrieval"
)

func runTickets(ctx context.Context, a *app, args []string) error {
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		fs := flag.NewFlagSet("tickets", flag.ContinueOnError)
		if err := a.parseFlags(fs, args); err != nil {
			return err
		}
		return usagef("tickets: give list or show")
	}
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
		return usagef("tickets: --status must be open, pending, solved or closed")
	}
	db, err := a.state(ctx)
	if err != nil {
		return err
	}
	switch sub {
	case "list":
		if *limit < 1 || *limit > 10000 {
			return usagef("tickets list: --limit must be 1 to 10000")
		}
		ts, err := db.Tickets.Tickets(ctx, state.TicketFilter{Tenant: *tenant, Status: *status, Limit: *limit})
		if err != nil {
			return err
		}
		if *asJSON {
			return writeJSON(a.stdout, ts)
		}
		tw := tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tCREATED\tSTATUS\tPRIORITY\tREASON\tDELIVERY\tSUBJECT")
		for _, t := range ts {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", t.ID, t.Created.Format("2006-01-02 15:04"), t.Status, t.Priority, t.Reason,
				deliverySummary(t.Deliveries), cli.Snippet(t.Subject, 60))
		}
		return tw.Flush()
	case "show":
		if fs.NArg() != 1 {
			return usagef("tickets show: give one ticket ID")
		}
		t, err := db.Tickets.Ticket(ctx, *tenant, fs.Arg(0))
		if errors.Is(err, state.ErrNotFound) {
			return fmt.Errorf("tickets show: no ticket %q for tenant %q", fs.Arg(0), *tenant)
		}
		if err != nil {
			return err
		}
		if *asJSON {
			return writeJSON(a.stdout, t)
		}
		printTicket(a.stdout, t)
		return nil
	default:
		return usagef("tickets: unknown subcommand %q (list or show)", sub)
	}
}

func deliverySummary(ds []answer.Delivery) string {
	var parts []string
	for _, d := range ds {
		parts = append(parts, d.Sink+":"+d.State)
	}
	return strings.Join(parts, " ")
}

func printTicket(w io.Writer, t answer.Ticket) {
	fmt.Fprintf(w, "ticket:     %s (%s)\n", t.ID, t.Status)
	fmt.Fprintf(w, "subject:    %s\n", t.Subject)
	fmt.Fprintf(w, "reason:     %s · priority %s · queue %s · language %s · intent %s\n", t.Reason, t.Priority, t.Queue, t.Lang, t.Intent)
	fmt.Fprintf(w, "created:    %s · conversation %s\n", t.Created.Format("2006-01-02 15:04:05"), t.ConversationID)
	if t.Summary != "" {
		fmt.Fprintf(w, "summary:    %s\n", t.Summary)
	}
	fmt.Fprintln(w, "transcript:")
	for _, m := range t.Transcript {
		fmt.Fprintf(w, "  %-9s %s\n", m.Role+":", m.Text)
	}
	if t.Attempted != "" {
		fmt.Fprintf(w, "attempted answer (confidence %.3f):\n  %s\n", t.Confidence, t.Attempted)
	}
	for _, c := range t.Citations {
		fmt.Fprintf(w, "  [%d] %s — %s\n", c.N, c.Title, c.DocumentID)
	}
	fmt.Fprintln(w, "delivery:")
	for _, d := range t.Deliveries {
		line := fmt.Sprintf("  %-8s %-9s attempts %d", d.Sink, d.State, d.Attempts)
		if !d.Delivered.IsZero() {
			line += " · delivered " + d.Delivered.Format("2006-01-02 15:04:05")
		}
		if d.State == state.DeliveryPending && !d.NextAt.IsZero() {
			line += " · next " + d.NextAt.Format("15:04:05")
		}
		if d.LastError != "" {
			line += " · last error: " + d.LastError
		}
		fmt.Fprintln(w, line)
	}
}
