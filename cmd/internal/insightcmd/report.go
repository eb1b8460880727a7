package insightcmd

import (
	"context"
	"flag"
	"time"

	"github.com/answerdesk/answerdesk/answer/state"
	"github.com/answerdesk/answerdesk/api"
	"github.com/answerdesk/answerdesk/cmd/internal/cli"
	"github.com/answerdesk/answerdesk/retrieval"
)

// Report runs report: the support analytics of a window; c is its row in
// the binary's command table.
func Report(ctx context.Context, a App, c cli.Command, args []string) error {
	fs := flag.NewFlagSet("report", flag.ContinueOnError)
	tenant := fs.String("tenant", retrieval.DefaultTenant, "tenant to report on")
	fromS := fs.String("from", "", "start of the window: RFC 3339 or YYYY-MM-DD (default: 7 days before --to or now)")
	toS := fs.String("to", "", "end of the window, exclusive (default: open)")
	bucket := fs.String("bucket", state.BucketDay, "volume series by hour, day or week")
	asJSON := fs.Bool("json", false, "print the report as JSON (what GET /v1/analytics returns)")
	if err := a.ParseFlags(fs, c, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return cli.Usagef("report: unexpected argument %q", fs.Arg(0))
	}
	from, to, err := api.Window(*fromS, *toS, time.Now())
	if err != nil {
		return cli.Usagef("report: %v", err)
	}
	switch *bucket {
	case state.BucketHour, state.BucketDay, state.BucketWeek:
	default:
		return cli.Usagef("report: --bucket must be hour, day or week")
	}
	st, err := a.State(ctx)
	if err != nil {
		return err
	}
	store, err := a.IndexStore(ctx)
	if err != nil {
		return err
	}
	r, err := api.TenantAnalytics(ctx, st.Analytics, store, state.AnalyticsQuery{Tenant: *tenant, From: from, To: to, Bucket: *bucket})
	if err != nil {
		return err
	}
	if *asJSON {
		return cli.WriteJSON(a.Stdout(), r)
	}
	return r.WriteText(a.Stdout(), *tenant)
}
