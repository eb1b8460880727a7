package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/answerdesk/answerdesk/answer"
	"github.com/answerdesk/answerdesk/api"
	"github.com/answerdesk/answerdesk/cmd/internal/cli"
	"github.com/answerdesk/answerdesk/retrieval"
)

func runAsk(ctx context.Context, a *app, args []string) error {
	fs := flag.NewFlagSet("ask", flag.ContinueOnError)
	asJSON := fs.Bool("json", false, "print the answer as JSON (the object POST /v1/answer returns)")
	tenant := fs.String("tenant", retrieval.DefaultTenant, "tenant whose knowledge base answers")
	conv := fs.String("conversation", "", "conversation id of a previous answer, to ask a follow-up")
	lang := fs.String("lang", "", "answer language hint: en, ru or zh (detected when empty)")
	if err := a.parseFlags(fs, args); err != nil {
		return err
	}
	q := strings.TrimSpace(strings.Join(fs.Args(), " "))
	if q == "" {
		return usagef("ask: no QUESTION given")
	}
	switch *lang {
	case "", "en", "ru", "zh":
	default:
		return usagef("ask: --lang must be en, ru or zh")
	}
	eng, err := a.answerEngine(ctx)
	if err != nil {
		return err
	}
	ans, err := eng.Answer(ctx, answer.Request{Tenant: *tenant, Question: q, ConversationID: *conv, Lang: *lang, Channel: "cli"})
	if errors.Is(err, answer.ErrInvalidRequest) {
		return usagef("ask: %v", err)
	}
	if err != nil {
		return err
	}
	if *asJSON {
		return writeJSON(a.stdout, api.NewAnswerResponse(ans))
	}
	printAnswer(a.stdout, ans)
	return nil
}

func printAnswer(w io.Writer, a answer.Answer) {
	if a.Decision == answer.Answered {
		fmt.Fprintf(w, "%s\n\n", a.Text)
		if len(a.Citations) > 0 {
			fmt.Fprintln(w, "sources:")
			for _, c := range a.Citations {
				src := c.DocumentID
				if c.Heading != "" {
					src += " › " + c.Heading
				}
				if c.Page > 0 {
					src += fmt.Sprintf(" (page %d)", c.Page)
				}
				if c.URL != "" {
					src += " " + c.URL
				}
				fmt.Fprintf(w, "  [%d] %s — %s\n      %q\n", c.N, c.Title, src, cli.Snippet(c.Quote, 200))
			}
			fmt.Fprintln(w)
		}
	} else {
		fmt.Fprintf(w, "%s\n\n", a.Notice)
	}
	fmt.Fprintf(w, "decision:   %s", a.Decision)
	if a.Reason != "" {
		fmt.Fprintf(w, " (%s)", a.Reason)
	}
	fmt.Fprintln(w)
	if a.TicketID != "" {
		fmt.Fprintf(w, "ticket:     %s (priority %s, queue %s)\n", a.TicketID, a.Priority, a.Queue)
	}
	fmt.Fprintf(w, "confidence: %.3f (threshold %.3f)\n", a.Confidence, a.Threshold)
	intentScore := ""
	if a.IntentScore > 0 {
		intentScore = fmt.Sprintf(" (model, %.2f)", a.IntentScore)
	}
	fmt.Fprintf(w, "language:   %s · intent %s%s · sentiment %s\n", a.Lang, a.Intent, intentScore, a.Sentiment)
	if a.Standalone != "" && a.Standalone != a.Question {
		fmt.Fprintf(w, "read as:    %s\n", a.Standalone)
	}
	fmt.Fprintf(w, "conversation: %s\n", a.ConversationID)
	if len(a.Features) > 0 {
		fmt.Fprintln(w, "features (value → contribution to the logit):")
		for _, f := range a.Features {
			fmt.Fprintf(w, "  %-18s %7.3f → %+.3f\n", f.Name, f.Value, f.Contribution)
		}
	}
	if a.Decision == answer.Escalated && a.Attempted != "" {
		fmt.Fprintf(w, "attempted answer (on the ticket, not shown to the customer):\n  %s\n", cli.Snippet(a.Attempted, 400))
	}
}
