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
	if fs.NArg() == 1 && fs.Arg(0) == "-" {
		// A message from standard input: an email saved or piped as it
		// is, whatever its first line ("-----Original Message-----").
		var err error
		if q, err = readMessage(a.stdin); err != nil {
			return err
		}
	}
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

// maxStdinMessage bounds a message read from standard input; the engine's
// answer.max_message and answer.max_question apply to it as to any
// question.
const maxStdinMessage = 1 << 20

// readMessage reads the message of "ask -" from r.
func readMessage(r io.Reader) (string, error) {
	b, err := io.ReadAll(io.LimitReader(r, maxStdinMessage+1))
	if err != nil {
		return "", fmt.Errorf("ask: read standard input: %w", err)
	}
	if len(b) > maxStdinMessage {
		return "", cli.Usagef("ask: the message on standard input is over %d bytes", maxStdinMessage)
	}
	return strings.TrimSpace(string(b)), nil
}
