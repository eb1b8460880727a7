package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/answerdesk/answerdesk/answer/state"
	"github.com/answerdesk/answerdesk/api"
	"github.com/answerdesk/answerdesk/cmd/internal/cli"
	"github.com/answerdesk/answerdesk/ingest"
	"github.com/answerdesk/answerdesk/retrieval"
	"github.com/answerdesk/answerdesk/testdata"
)

func runDemo(ctx context.Context, a *app, args []string) error {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	addr := fs.String("addr", "127.0.0.1:8080", "listen address (this machine only by default; :8080 for every interface)")
	keep := fs.Bool("keep", false, "keep the temporary data dir when the demo stops")
	if err := a.parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return cli.Usagef("demo: unexpected argument %q", fs.Arg(0))
	}
	dir, err := os.MkdirTemp("", "answerdesk-demo-")
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	if *keep {
		defer fmt.Fprintf(a.stderr, "demo data kept in %s\n", dir)
	} else {
		defer os.RemoveAll(dir)
	}
	// The demo always runs on the embedded store and SQLite state in its
	// own data dir; the stores it opens close before the directory goes.
	a.data, a.store, a.statePath = filepath.Join(dir, "data"), "embedded", ""
	defer a.close()

	kb := filepath.Join(dir, "kb")
	if err := testdata.WriteKB(kb); err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	p, err := a.Pipeline(ctx)
	if err != nil {
		return err
	}
	sum, err := p.IngestPaths(ctx, []string{filepath.Join(kb, "docs")}, ingest.Options{Tenant: retrieval.DefaultTenant})
	if err != nil {
		return fmt.Errorf("demo: ingest: %w", err)
	}
	if len(sum.Failed) > 0 {
		return fmt.Errorf("demo: ingest: %s: %v", sum.Failed[0].Path, sum.Failed[0].Err)
	}
	db, err := a.State(ctx)
	if err != nil {
		return err
	}
	// The curl line gets a key that may only ask; the admin key (for the
	// console) goes to a file only the user can read, not to the terminal.
	key, _, err := db.Keys.CreateKey(ctx, retrieval.DefaultTenant, "demo curl", []string{state.ScopeAsk})
	if err != nil {
		return err
	}
	adminKey, _, err := db.Keys.CreateKey(ctx, retrieval.DefaultTenant, "demo console", []string{state.ScopeAdmin})
	if err != nil {
		return err
	}
	keyFile := filepath.Join(dir, "admin-key")
	if err := os.WriteFile(keyFile, []byte(adminKey+"\n"), 0o600); err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	fmt.Fprintf(a.stdout, "ingested the bundled Lumen hub knowledge base: %d documents, %d chunks (tenant %q)\n", sum.Added+sum.Updated+sum.Unchanged, sum.Chunks, retrieval.DefaultTenant)
	var widgetKey string
	return a.serve(ctx, *addr, serveOptions{
		demoKey: func() string { return widgetKey },
		onListen: func(url string) error {
			var err error
			if widgetKey, _, err = db.Keys.CreatePublishableKey(ctx, retrieval.DefaultTenant, "demo page", api.DemoOrigins(url)); err != nil {
				return err
			}
			fmt.Fprintf(a.stdout, "open %s/ and chat with the widget (a product page of the bundled knowledge base)\n", url)
			fmt.Fprintf(a.stdout, "api key: %s\n", key)
			fmt.Fprintf(a.stdout, "try:\n  curl -s %s/v1/answer -H 'Authorization: Bearer %s' -H 'Content-Type: application/json' -d '{\"question\":\"How do I factory reset my hub?\"}'\n", url, key)
			fmt.Fprintf(a.stdout, "  (also in Russian or Chinese, e.g. {\"question\":\"Как сбросить хаб к заводским настройкам?\"}; add \"stream\":true for server-sent events; API description at %s/openapi.json)\n", url)
			fmt.Fprintf(a.stdout, "console: %s/admin/ (sign in with the admin key in %s, readable only by you)\n", url, keyFile)
			fmt.Fprintln(a.stdout, "press Ctrl-C to stop")
			return nil
		},
	})
}
