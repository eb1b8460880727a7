package main

import (
	"context"

	"github.com/answerdesk/answerdesk/cmd/internal/benchcmd"
	"github.com/answerdesk/answerdesk/cmd/internal/evalcmd"
	"github.com/answerdesk/answerdesk/cmd/internal/insightcmd"
	"github.com/answerdesk/answerdesk/cmd/internal/storecmd"
)

// The commands that live in a package of cmd/internal, as the command table
// runs them: each takes the app as the App its package declares, and the
// command's row for its help.

func runBench(ctx context.Context, a *app, args []string) error {
	return benchcmd.Run(ctx, a, a.help(), args)
}

func runDocs(ctx context.Context, a *app, args []string) error {
	return storecmd.Docs(ctx, a, a.help(), args)
}

func runFAQ(ctx context.Context, a *app, args []string) error {
	return insightcmd.FAQ(ctx, a, a.help(), args)
}

func runGaps(ctx context.Context, a *app, args []string) error {
	return insightcmd.Gaps(ctx, a, a.help(), args)
}

func runReport(ctx context.Context, a *app, args []string) error {
	return insightcmd.Report(ctx, a, a.help(), args)
}

func runEval(ctx context.Context, a *app, args []string) error {
	return evalcmd.Run(ctx, a, a.help(), args)
}

func runSearch(ctx context.Context, a *app, args []string) error {
	return storecmd.Search(ctx, a, a.help(), args)
}

func runStore(ctx context.Context, a *app, args []string) error {
	return storecmd.Store(ctx, a, a.help(), args)
}
