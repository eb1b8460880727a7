package insightcmd

import (
	"context"
	"errors"
	"flag"
	"io"
	"time"

	"github.com/answerdesk/answerdesk/answer/gaps"
	"github.com/answerdesk/answerdesk/answer/state"
	"github.com/answerdesk/answerdesk/api"
	"github.com/answerdesk/answerdesk/cmd/internal/cli"
	"github.com/answerdesk/answerdesk/ingest"
	"github.com/answerdesk/answerdesk/retrieval"
)

// App is what the insight commands take from the composition root.
type App interface {
	// ParseFlags parses args into fs with the global flags (cli.Parse).
	ParseFlags(fs *flag.FlagSet, c cli.Command, args []string) error
	Stdout() io.Writer
	// State is the app state's stores by concern, opened once per run.
	State(ctx context.Context) (*state.Services, error)
	// IndexStore is the index store (--store), opened once per run.
	IndexStore(ctx context.Context) (retrieval.Store, error)
	// GapFinder is the knowledge-gap finder over the answer log and the
	// index store.
	GapFinder(ctx context.Context) (*gaps.Finder, error)
	// Pipeline is the ingestion pipeline over the index store.
	Pipeline(ctx context.Context) (*ingest.Pipeline, error)
	// Audit records an administrative action taken with the command line.
	Audit(ctx context.Context, tenant, action, target, detail string) error
}

// Gaps runs gaps: the questions escalated for missing knowledge, in
// clusters with the nearest documents; c is its row in the binary's
// command table.
func Gaps(ctx context.Context, a App, c cli.Command, args []string) error {
	fs := flag.NewFlagSet("gaps", flag.ContinueOnError)
	tenant := fs.String("tenant", retrieval.DefaultTenant, "tenant whose unanswered questions to cluster")
	fromS := fs.String("from", "", "start of the window: RFC 3339 or YYYY-MM-DD (default: 7 days before --to or now)")
	toS := fs.String("to", "", "end of the window, exclusive (default: open)")
	asJSON := fs.Bool("json", false, "print the report as JSON (what GET /v1/gaps returns)")
	asCSV := fs.Bool("csv", false, "print one CSV row per gap")
	if err := a.ParseFlags(fs, c, args); err != nil {
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
	f, err := a.GapFinder(ctx)
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
		return cli.WriteJSON(a.Stdout(), w)
	case *asCSV:
		return w.WriteCSV(a.Stdout())
	}
	return w.WriteText(a.Stdout())
}
