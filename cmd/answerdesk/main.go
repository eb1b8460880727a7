// Command answerdesk is the one answerdesk binary: ingestion, search, answers,
// the HTTP API, administration and evaluation, as subcommands.
//
// This package is wiring only: it reads flags, environment and config,
// builds one app value per run (app.go, the composition root), and calls
// into the libraries.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"slices"
	"strings"
	"syscall"

	"github.com/answerdesk/answerdesk/cmd/internal/cli"
	"github.com/answerdesk/answerdesk/cmd/internal/config"
)

func main() {
	// The binary re-executes itself to parse each PDF in a child process
	// bounded in time and memory (see pdf.ServeChild); that mode comes
	// before flags and commands and never shows in the command list.
	if len(os.Args) > 1 && os.Args[1] == pdfChildArg {
		os.Exit(pdfChild())
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(exitCode(err, os.Stderr))
}

// command is one subcommand.
type command struct {
	name    string
	usage   string // "ingest [flags] PATH…"
	summary string
	// subs, when set, are the command's own subcommands: run is called
	// only with one of them first (runCommand checks it and answers
	// --help and mistakes the same way for every command).
	subs []string
	run  func(ctx context.Context, a *app, args []string) error
}

// commands lists every subcommand, in the order usage prints them.
var commands = []*command{
	{name: "ask", usage: "ask [--json] [--tenant T] [--conversation ID] [--lang L] QUESTION | [flags] -- QUESTION | [flags] -",
		summary: "answer a question (or, with -, the message on standard input) through the full answer path, or escalate it to a ticket", run: runAsk},
	{name: "assist", usage: "assist suggest|similar [--tenant T] [--json] TICKET",
		summary: "agent assist for a ticket: draft a reply from the knowledge base (nothing is written), or list the most similar solved tickets", subs: []string{"suggest", "similar"}, run: runAssist},
	{name: "audit", usage: "audit list [--tenant T] [--action A] [--limit N] [--before ID] [--json]",
		summary: "the audit log: administrative actions (keys, documents, erasures, exports, FAQ decisions), newest first", subs: []string{"list"}, run: runAudit},
	{name: "bench", usage: "bench manpages [--passages N] | bench load --url URL --key KEY [-c 1,16,64] [-d 10s] [--questions FILE] [--pid PID] [--pprof URL]",
		summary: "load measurements: build a man-page data dir, or drive POST /v1/answer and report p50/p99 and answers/s", run: runBench},
	{name: "customers", usage: "customers export [--tenant T] ID | customers erase [--tenant T] [--json] ID",
		summary: "a customer's data (GDPR): export everything stored about them as JSON, or erase it (tickets stay, anonymized); audited", subs: []string{"export", "erase"}, run: runCustomers},
	{name: "demo", usage: "demo [--addr 127.0.0.1:8080] [--keep]",
		summary: "ingest the bundled knowledge base into a temporary data dir and serve it with a demo page and the chat widget at /; prints the URL, an ask-only key with a curl line, and the console URL with where its admin key is", run: runDemo},
	{name: "docs", usage: "docs list [--tenant T] [--kind K] | docs delete [--tenant T] ID…",
		summary: "list or delete ingested documents", run: runDocs},
	{name: "eval", usage: "eval run|compare|calibrate [flags] …",
		summary: "evaluate the engine on suites, compare reports against a baseline, fit the confidence model", run: runEval},
	{name: "extract", usage: "extract [--chunks] [--json] [--kind auto|doc|faq|ticket] [--tenant T] [--budget N] FILE",
		summary: "print the text (or chunks) a file yields, or its error, and what was dropped", run: runExtract},
	{name: "faq", usage: "faq list [--tenant T] [--status pending|approved|rejected] [--json] | faq approve|reject [--tenant T] [--json] ID",
		summary: "FAQ candidates from agents' corrections and solved tickets: list them, approve (ingest as an FAQ entry) or reject", run: runFAQ},
	{name: "feedback", usage: "feedback list [--tenant T] [--answer ID] [--thumbs up|down] [--from TIME] [--to TIME] [--limit N] [--before ID] [--json]",
		summary: "read customers' feedback and agents' corrections back, newest first", subs: []string{"list"}, run: runFeedback},
	{name: "gaps", usage: "gaps [--tenant T] [--from TIME] [--to TIME] [--json | --csv]",
		summary: "knowledge gaps: cluster the questions escalated for missing knowledge, with the nearest documents", run: runGaps},
	{name: "ingest", usage: "ingest [--kind auto|doc|faq|ticket] [--tenant T] [--prune] PATH…",
		summary: "ingest files and folders (Markdown, text, FAQ CSV/JSON, corpus JSONL, …) into the index", run: runIngest},
	{name: "intents", usage: "intents train [--tenant T] FILE.csv | intents eval [--tenant T] [--json] FILE.csv",
		summary: "train the tenant's intent classifier from a CSV `text,category` (used by triage and routing), or measure it", subs: []string{"train", "eval"}, run: runIntents},
	{name: "keys", usage: "keys create --tenant T --scopes ask,ingest,admin [--name N] | keys create --tenant T --publishable --origins https://shop.example[,…] | keys list | keys revoke ID",
		summary: "create, list and revoke API keys (the key is shown once; only its hash is stored)", subs: []string{"create", "list", "revoke"}, run: runKeys},
	{name: "report", usage: "report [--tenant T] [--from TIME] [--to TIME] [--bucket hour|day|week] [--json]",
		summary: "support analytics of a window: volume, deflection, escalations, CSAT, latency, cited documents", run: runReport},
	{name: "search", usage: "search [--json] [-k N] [--tenant T] [--kind K] QUESTION",
		summary: "print the chunks ranked for a question, with scores and sources", run: runSearch},
	{name: "serve", usage: "serve [--addr :8080] [--metrics-addr 127.0.0.1:9464]",
		summary: "run the HTTP API over the data dir (prints url: http://HOST:PORT)", run: runServe},
	{name: "store", usage: "store stats [--json] | store migrate [--from STORE] --to STORE [--batch N] [--tenant T] [--force] | store reweight",
		summary: "describe the index store, copy the index into another store (embedded or qdrant://…, either way), or reweight Qdrant's BM25 vectors", run: runStore},
	{name: "tickets", usage: "tickets list [--tenant T] [--status S] [--limit N] [--json] | tickets show [--tenant T] [--json] ID",
		summary: "list and show escalation tickets with their delivery state per sink", subs: []string{"list", "show"}, run: runTickets},
	{name: "version", usage: "version",
		summary: "print the version, VCS revision and Go version of this binary", run: runVersion},
}

func lookupCommand(name string) *command {
	for _, c := range commands {
		if c.name == name {
			return c
		}
	}
	return nil
}

func exitCode(err error, stderr io.Writer) int {
	var ue cli.UsageError
	var ce *config.Invalid
	switch {
	case err == nil, errors.Is(err, cli.ErrHelp), errors.Is(err, flag.ErrHelp):
		return 0
	case errors.As(err, &ue), errors.As(err, &ce):
		msg := ue.Msg
		if ce != nil {
			msg = ce.Msg
		}
		fmt.Fprintf(stderr, "answerdesk: %s\nRun 'answerdesk help' for usage.\n", msg)
		return 2
	default:
		fmt.Fprintf(stderr, "answerdesk: %v\n", err)
		return 1
	}
}

// run is the testable main: one app per run, closed when the command ends.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	a := newApp(getenv, stdin, stdout, stderr)
	defer a.close()

	// Global flags may come before the subcommand.
	global := flag.NewFlagSet("answerdesk", flag.ContinueOnError)
	global.SetOutput(io.Discard)
	a.globalFlags(global)
	err := global.Parse(args)
	if errors.Is(err, flag.ErrHelp) {
		printUsage(stdout)
		return cli.ErrHelp
	}
	if err != nil {
		return cli.Usagef("%v", err)
	}
	args = global.Args()
	if len(args) == 0 {
		printUsage(stdout)
		return cli.Usagef("missing command")
	}
	name := args[0]
	if name == "help" {
		if len(args) > 1 {
			if c := lookupCommand(args[1]); c != nil {
				return a.runCommand(ctx, c, []string{"--help"})
			}
		}
		printUsage(stdout)
		return cli.ErrHelp
	}
	c := lookupCommand(name)
	if c == nil {
		return cli.Usagef("unknown command %q", name)
	}
	return a.runCommand(ctx, c, args[1:])
}

// runCommand runs c. A command with subcommands gets one of them first:
// without one it prints its help for --help and is a usage error
// otherwise, as is a subcommand it does not have.
func (a *app) runCommand(ctx context.Context, c *command, args []string) error {
	a.cmd = c
	if len(c.subs) == 0 {
		return c.run(ctx, a, args)
	}
	want := strings.Join(c.subs, " or ")
	if n := len(c.subs); n > 2 {
		want = strings.Join(c.subs[:n-1], ", ") + " or " + c.subs[n-1]
	}
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		if err := a.parseFlags(flag.NewFlagSet(c.name, flag.ContinueOnError), args); err != nil {
			return err
		}
		return cli.Usagef("%s: give %s", c.name, want)
	}
	if !slices.Contains(c.subs, args[0]) {
		return cli.Usagef("%s: unknown subcommand %q (want %s)", c.name, args[0], want)
	}
	return c.run(ctx, a, args)
}

// parseFlags parses the running command's flags with the global ones
// (ParseFlags with the command's help).
func (a *app) parseFlags(fs *flag.FlagSet, args []string) error {
	return a.ParseFlags(fs, a.help(), args)
}

// ParseFlags parses args into fs with the global flags (cli.Parse: c's
// help for --help, returning cli.ErrHelp), then makes the run's logger.
func (a *app) ParseFlags(fs *flag.FlagSet, c cli.Command, args []string) error {
	a.globalFlags(fs)
	if err := cli.Parse(fs, c, args, a.stdout); err != nil {
		return err
	}
	var err error
	a.log, err = newLogger(a.stderr, a.logFormat, a.getenv("ANSWERDESK_DEBUG") != "")
	return err
}

// help is the running command's help.
func (a *app) help() cli.Command {
	return cli.Command{Name: a.cmd.name, Usage: a.cmd.usage, Summary: a.cmd.summary}
}

func printUsage(w io.Writer) {
	fmt.Fprintln(w, "answerdesk answers customer questions from your docs, FAQs and tickets, and escalates when unsure.")
	fmt.Fprintln(w, "\nusage: answerdesk [--data DIR] [--store STORE] [--config FILE] COMMAND [flags] [args]\n\ncommands:")
	for _, c := range commands {
		fmt.Fprintf(w, "  %-10s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nRun 'answerdesk COMMAND --help' for a command's flags.")
}
