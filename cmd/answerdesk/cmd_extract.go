package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/answerdesk/answerdesk/cmd/internal/cli"
	"github.com/answerdesk/answerdesk/ingest"
	"github.com/answerdesk/answerdesk/ingest/formats"
	"github.com/answerdesk/answerdesk/ingest/pdf"
	"github.com/answerdesk/answerdesk/retrieval"
)

// pdfChildArg is the hidden first argument that makes the binary serve one
// isolated PDF extraction on stdin/stdout; main checks it before anything
// else, so that it never shows in the command list.
const pdfChildArg = "__answerdesk-pdf-child"

// pdfChild serves one PDF extraction on stdin/stdout (see pdf.ServeChild)
// and returns the exit status.
func pdfChild() int {
	if err := pdf.ServeChild(context.Background(), os.Stdin, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "answerdesk pdf child:", err)
		return 1
	}
	return 0
}

// formatOptions configures every loader; PDFs are parsed in a child process
// of this binary (pdfChildArg), within pdf's default time and memory bounds.
func formatOptions() formats.Options {
	return formats.Options{PDF: pdf.Loader{Command: pdf.ReExec(pdfChildArg)}}
}

func runExtract(ctx context.Context, a *app, args []string) error {
	fs := flag.NewFlagSet("extract", flag.ContinueOnError)
	chunks := fs.Bool("chunks", false, "print the chunks that would be indexed instead of the text")
	asJSON := fs.Bool("json", false, "print JSON")
	kind := fs.String("kind", "auto", "document kind: auto, doc, faq or ticket")
	tenant := fs.String("tenant", retrieval.DefaultTenant, "tenant used for chunk ids")
	budget := fs.Int("budget", ingest.DefaultBudget, "chunk token budget")
	if err := a.parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return cli.Usagef("extract: want exactly one FILE, got %d", fs.NArg())
	}
	switch *kind {
	case "auto", "doc", "faq", "ticket":
	default:
		return cli.Usagef("extract: --kind must be auto, doc, faq or ticket")
	}
	if *budget < 16 {
		return cli.Usagef("extract: --budget must be at least 16")
	}
	x, err := ingest.Extract(ctx, a.loaders(), fs.Arg(0), ingest.ExtractOptions{Kind: retrieval.Kind(strings.TrimPrefix(*kind, "auto")),
		Chunks: *chunks, Tenant: *tenant, Budget: *budget, Log: a.log})
	if *asJSON {
		if jerr := cli.WriteJSON(a.stdout, x); err == nil {
			err = jerr
		}
	} else {
		x.WriteText(a.stdout, *chunks)
	}
	return err
}
