package main

import (
	"context"
	"flag"
	"fmt"
	"strings"
	"time"

	"github.com/answerdesk/answerdesk/api"
	"github.com/answerdesk/answerdesk/cmd/internal/cli"
	"github.com/answerdesk/answerdesk/ingest"
	"github.com/answerdesk/answerdesk/retrieval"
)

func runIngest(ctx context.Context, a *app, args []string) error {
	fs := flag.NewFlagSet("ingest", flag.ContinueOnError)
	kind := fs.String("kind", "auto", "document kind: auto, doc, faq or ticket")
	tenant := fs.String("tenant", retrieval.DefaultTenant, "tenant the documents belong to")
	prune := fs.Bool("prune", false, "delete documents whose source file is gone")
	budget := fs.Int("budget", ingest.DefaultBudget, "chunk size in tokens")
	lang := fs.String("lang", "", "language of the documents (detected when empty)")
	maxSize := fs.Int64("max-size", ingest.DefaultMaxFileSize>>20, "largest file to ingest, in MB")
	if err := a.parseFlags(fs, args); err != nil {
		return err
	}
	if _, ok := retrieval.ParseKind(*kind); !ok && *kind != "auto" {
		return cli.Usagef("ingest: --kind must be auto, doc, faq or ticket, not %q", *kind)
	}
	if fs.NArg() == 0 {
		return cli.Usagef("ingest: no PATH given")
	}
	if *budget < 16 || *budget > 8192 {
		return cli.Usagef("ingest: --budget must be between 16 and 8192 tokens")
	}
	if strings.TrimSpace(*tenant) == "" {
		return cli.Usagef("ingest: --tenant must not be empty")
	}
	p, err := a.Pipeline(ctx)
	if err != nil {
		return err
	}
	bar := cli.NewIngestBar(a.stderr)
	start := time.Now()
	sum, err := p.IngestPaths(ctx, fs.Args(), ingest.Options{
		Tenant: *tenant, Kind: retrieval.Kind(*kind), Lang: *lang, Prune: *prune, Budget: *budget, MaxFileSize: *maxSize << 20,
		Progress: bar.Update,
	})
	bar.Done()
	api.WriteIngestText(a.stdout, sum, time.Since(start))
	if err != nil {
		return fmt.Errorf("ingest: %w", err)
	}
	if len(sum.Failed) > 0 {
		return fmt.Errorf("ingest: %d file(s) failed", len(sum.Failed))
	}
	return nil
}
