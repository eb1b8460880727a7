package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

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
	bar := newProgressBar(a.stderr)
	start := time.Now()
	sum, err := p.IngestPaths(ctx, fs.Args(), ingest.Options{
		Tenant: *tenant, Kind: retrieval.Kind(*kind), Lang: *lang, Prune: *prune, Budget: *budget, MaxFileSize: *maxSize << 20,
		Progress: bar.update,
	})
	bar.done()
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

// progressBar draws on a terminal only, at most every 100 ms, and only for
// runs that last long enough to need one.
type progressBar struct {
	w     io.Writer
	tty   bool
	start time.Time
	last  time.Time
	drawn bool
}

func newProgressBar(w io.Writer) *progressBar {
	return &progressBar{w: w, tty: isTerminal(w), start: time.Now()}
}

func (b *progressBar) update(p ingest.Progress) {
	now := time.Now()
	if !b.tty || now.Sub(b.start) < 500*time.Millisecond || now.Sub(b.last) < 100*time.Millisecond {
		return
	}
	b.last = now
	const width = 30
	filled := width * p.FilesDone / max(p.Files, 1)
	fmt.Fprintf(b.w, "\r[%s%s] %d/%d files, %d chunks", strings.Repeat("#", filled), strings.Repeat(".", width-filled), p.FilesDone, p.Files, p.Chunks)
	b.drawn = true
}

func (b *progressBar) done() {
	if b.drawn {
		fmt.Fprintln(b.w)
	}
}

// isTerminal reports whether w is a terminal: progress is drawn only there.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}
