package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/answerdesk/answerdesk/answer"
	"github.com/answerdesk/answerdesk/answer/state"
	"github.com/answerdesk/answerdesk/api"
	"github.com/answerdesk/answerdesk/retrieval"
)

func init() {
	register(&command{
		name:    "ask",
		usage:   "ask [--json] [--tenant T] [--conversation ID] [--lang L] QUESTION",
		summary: "answer a question through the full answer path, or escalate it to a ticket",
		run:     runAsk,
	})
}

func runAsk(ctx context.Context, e *env, args []string) error {
	c := commands["ask"]
	fs := flag.NewFlagSet("ask", flag.ContinueOnError)
	asJSON := fs.Bool("json", false, "print the answer as JSON (the object POST /v1/answer returns)")
	tenant := fs.String("tenant", retrieval.DefaultTenant, "tenant whose knowledge base answers")
	conv := fs.String("conversation", "", "conversation id of a previous answer, to ask a follow-up")
	lang := fs.String("lang", "", "answer language hint: en, ru or zh (detected when empty)")
	if err := e.parseFlags(c, fs, args); err != nil {
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
	cfg := answer.DefaultConfig()
	if err := e.configSection("answer", &cfg); err != nil {
		return err
	}
	store, err := e.openStore(ctx)
	if err != nil {
		return err
	}
	defer store.Close()
	// Tickets written here get the same outbox sinks as serve's, so that
	// serve's delivery worker sends them to the webhook too.
	wh, err := e.webhookConfig()
	if err != nil {
		return err
	}
	var sinks []string
	if wh.URL != "" {
		sinks = append(sinks, state.SinkWebhook)
	}
	db, err := state.Open(ctx, filepath.Join(e.data, stateFile), state.Options{Sinks: sinks})
	if err != nil {
		return err
	}
	defer db.Close()
	gen, err := e.generator(ctx)
	if err != nil {
		return err
	}
	emb, err := e.queryEmbedder(ctx)
	if err != nil {
		return err
	}
	eng, err := answer.New(cfg, answer.Deps{Retriever: store, Tickets: db, Conversations: db, Generator: gen,
		Embedder: emb, Logger: e.log})
	if err != nil {
		return err
	}
	a, err := eng.Answer(ctx, answer.Request{Tenant: *tenant, Question: q, ConversationID: *conv, Lang: *lang, Channel: "cli"})
	if errors.Is(err, answer.ErrInvalidRequest) {
		return usagef("ask: %v", err)
	}
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(api.NewAnswerResponse(a))
	}
	printAnswer(e, a)
	return nil
}

func printAnswer(e *env, a answer.Answer) {
	w := e.stdout
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
				fmt.Fprintf(w, "  [%d] %s — %s\n      %q\n", c.N, c.Title, src, snippet(c.Quote, 200))
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
	fmt.Fprintf(w, "language:   %s · intent %s · sentiment %s\n", a.Lang, a.Intent, a.Sentiment)
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
		fmt.Fprintf(w, "attempted answer (on the ticket, not shown to the customer):\n  %s\n", snippet(a.Attempted, 400))
	}
}
