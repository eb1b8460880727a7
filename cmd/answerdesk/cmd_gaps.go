package main

import (
	"context"
	"errors"
	"flag"
	"time"

	"github.com/answerdesk/answerdesk/answer/gaps"
	"github.com/answerdesk/answerdesk/answer/state"
	"github.com/answerdesk/answerdesk/api"
	"github.com/answerdesk/answerdesk/cmd/internal/cli"
	"github.com/answerdesk/answerdesk/retrieval"
)

func runGaps(ctx context.Context, a *app, args []string) error {
	fs := flag.NewFlagSet("gaps", flag.ContinueOnError)
	tenant := fs.String("tenant", retrieval.DefaultTenant, "tenant whose unanswered questions to cluster")
	fromS := fs.String("from", "", "start of the window: RFC 3339 or YYYY-MM-DD (default: 7 days before --to or now)")
	toS := fs.String("to", "", "end of the window, exclusive (default: open)")
	asJSON := fs.Bool("json", false, "print the report as JSON (what GET /v1/gaps returns)")
	asCSV := fs.Bool("csv", false, "print one CSV row per gap")
	if err := a.parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return cli.Usagef("gaps: unexpected argument %q", fs.Arg(0))
	}
	if *asJSON && *asCSV {
		return cli.Usagef("gaps: give --json or --csv, not both")
	}
	from, to, err := api.Window(*fromS, *toS, time.Now())
	if err != nil {
		return cli.Usagef("gaps: %v", err)
	}
	f, err := a.gapFinder(ctx)
	if err != nil {
		return err
	}
	r, err := f.Find(ctx, *tenant, from, to)
	if errors.Is(err, gaps.ErrWindow) {
		return cli.Usagef("gaps: %v", err)
	}
	if err != nil {
		return err
	}
	w := api.NewGapReport(r)
	switch {
	case *asJSON:
		return cli.WriteJSON(a.stdout, w)
	case *asCSV:
		return w.WriteCSV(a.stdout)
	}
	return w.WriteText(a.stdout)
}

// gapFinder builds the knowledge-gap finder over the answer log and the
// index store, with the embedder when one is configured.
func (a *app) gapFinder(ctx context.Context) (*gaps.Finder, error) {
	st, err := a.state(ctx)
	if err != nil {
		return nil, err
	}
	store, err := a.IndexStore(ctx)
	if err != nil {
		return nil, err
	}
	f := &gaps.Finder{Log: state.NewGapLog(st.convs), Search: store}
	emb, err := a.Embedder()
	if err != nil {
		return nil, err
	}
	if emb != nil {
		f.Embed = emb
	}
	return f, nil
}
