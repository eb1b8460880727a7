package main

import (
	"context"
	"errors"
	"flag"
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
		return cli.Usagef("ask: no QUESTION given")
	}
	switch *lang {
	case "", "en", "ru", "zh":
	default:
		return cli.Usagef("ask: --lang must be en, ru or zh")
	}
	eng, err := a.answerEngine(ctx)
	if err != nil {
		return err
	}
	ans, err := eng.Answer(ctx, answer.Request{Tenant: *tenant, Question: q, ConversationID: *conv, Lang: *lang, Channel: "cli"})
	if errors.Is(err, answer.ErrInvalidRequest) {
		return cli.Usagef("ask: %v", err)
	}
	if err != nil {
		return err
	}
	if *asJSON {
		return cli.WriteJSON(a.stdout, api.NewAnswerResponse(ans))
	}
	return api.WriteAnswerText(a.stdout, ans)
}
