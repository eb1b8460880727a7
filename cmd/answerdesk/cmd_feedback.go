package main

import (
	"context"
	"flag"

	"github.com/answerdesk/answerdesk/answer/state"
	"github.com/answerdesk/answerdesk/api"
	"github.com/answerdesk/answerdesk/cmd/internal/cli"
	"github.com/answerdesk/answerdesk/retrieval"
)

// runFeedback reads a tenant's feedback back, newest first, as GET
// /v1/feedback does.
func runFeedback(ctx context.Context, a *app, args []string) error {
	fs := flag.NewFlagSet("feedback list", flag.ContinueOnError)
	tenant := fs.String("tenant", retrieval.DefaultTenant, "tenant whose feedback to read")
	answerID := fs.String("answer", "", "only the feedback on this answer id")
	thumbs := fs.String("thumbs", "", "only thumbs up or down")
	from := fs.String("from", "", "only feedback from this time on: RFC 3339 or YYYY-MM-DD")
	to := fs.String("to", "", "only feedback before this time")
	limit := fs.Int("limit", state.DefaultLimit, "how many entries, 1 to 10000")
	before := fs.Int64("before", 0, "only feedback older than this feedback id (the next page)")
	asJSON := fs.Bool("json", false, "print JSON (what GET /v1/feedback returns)")
	if err := a.parseFlags(fs, args[1:]); err != nil {
		return err
	}
	switch {
	case fs.NArg() > 0:
		return cli.Usagef("feedback list: unexpected argument %q", fs.Arg(0))
	case *limit < 1 || *limit > 10000:
		return cli.Usagef("feedback list: --limit must be 1 to 10000")
	case *before < 0:
		return cli.Usagef("feedback list: --before must be a feedback id")
	}
	f, err := api.FeedbackFilter(*tenant, *answerID, *thumbs, *from, *to, *before, *limit)
	if err != nil {
		return cli.Usagef("feedback list: %v", err)
	}
	st, err := a.State(ctx)
	if err != nil {
		return err
	}
	fb, err := st.Feedback.Feedback(ctx, f)
	if err != nil {
		return err
	}
	out := api.NewFeedbackList(fb, *limit)
	if *asJSON {
		return cli.WriteJSON(a.stdout, out)
	}
	return out.WriteText(a.stdout)
}
