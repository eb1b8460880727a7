package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

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
		return usagef("ingest: --kind must be auto, doc, faq or ticket, not %q", *kind)
	}
	if fs.NArg() == 0 {
		return usagef("ingest: no PATH given")
	}
	if *budget < 16 || *budget > 8192 {
		return usagef("ingest: --budget must be between 16 and 8192 tokens")
	}
	if strings.TrimSpace(*tenant) == "" {
		return usagef("ingest: --tenant must not be empty")
	}
	p, err := a.ingestPipeline(ctx)
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
	printSummary(a.stdout, sum, time.Since(start))
	if err != nil {
		return fmt.Errorf("ingest: %w", err)
	}
	if len(sum.Failed) > 0 {
		return fmt.Errorf("ingest: %d file(s) failed", len(sum.Failed))
	}
	return nil
}

func printSummary(w io.Writer, s ingest.Summary, d time.Duration) {
	fmt.Fprintf(w, "files: %d  added: %d  updated: %d  unchanged: %d  deleted: %d  failed: %d  chunks written: %d  (%.1fs)\n",
		s.Files, s.Added, s.Updated, s.Unchanged, s.Deleted, len(s.Failed), s.Chunks, d.Seconds())
	for _, f := range s.Failed {
		fmt.Fprintf(w, "FAILED  %s: %v\n", f.Path, f.Err)
	}
	for _, f := range s.Skipped {
		fmt.Fprintf(w, "skipped %s: %v\n", f.Path, f.Err)
	}
	for _, l := range s.Losses {
		for _, loss := range l.Losses {
			fmt.Fprintf(w, "dropped %s %s: %s\n", l.Path, loss.Where, loss.Reason)
		}
	}
}
