// Command answerdesk is the one answerdesk binary: ingestion, search, answers,
// the HTTP API, administration and evaluation, as subcommands.
//
// This package is wiring only: it reads flags, environment and config, builds
// stores and engines, and calls into the libraries.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"sort"
	"strings"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(exitCode(err, os.Stderr))
}

// env is what a subcommand may use from the outside world.
type env struct {
	getenv func(string) string
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	log    *slog.Logger

	// Global flags, resolved: flag, then environment, then default.
	data   string
	config string
	store  string // "embedded" or qdrant://HOST:PORT?collection=NAME
}

// command is one subcommand. Subcommands register themselves in init so that
// each lives in its own file.
type command struct {
	name    string
	usage   string // "ingest [flags] PATH…"
	summary string
	run     func(ctx context.Context, e *env, args []string) error
}

var commands = map[string]*command{}

func register(c *command) {
	if _, dup := commands[c.name]; dup {
		panic("answerdesk: duplicate command " + c.name)
	}
	commands[c.name] = c
}

// usageError is a bad invocation: exit status 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return usageError{fmt.Sprintf(format, args...)} }

// errHelp reports that help was printed: exit status 0.
var errHelp = errors.New("help requested")

func exitCode(err error, stderr io.Writer) int {
	var ue usageError
	switch {
	case err == nil, errors.Is(err, errHelp), errors.Is(err, flag.ErrHelp):
		return 0
	case errors.As(err, &ue):
		fmt.Fprintf(stderr, "answerdesk: %s\nRun 'answerdesk help' for usage.\n", ue.msg)
		return 2
	default:
		fmt.Fprintf(stderr, "answerdesk: %v\n", err)
		return 1
	}
}

// run is the testable main.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	e := &env{getenv: getenv, stdin: stdin, stdout: stdout, stderr: stderr}
	level := slog.LevelInfo
	if getenv("ANSWERDESK_DEBUG") != "" {
		level = slog.LevelDebug
	}
	e.log = slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))

	// Global flags may come before the subcommand.
	global := flag.NewFlagSet("answerdesk", flag.ContinueOnError)
	global.SetOutput(io.Discard)
	e.globalFlags(global)
	if err := global.Parse(args); err != nil {
		return usagef("%v", err)
	}
	args = global.Args()
	if len(args) == 0 {
		printUsage(stdout)
		return usagef("missing command")
	}
	name := args[0]
	if name == "help" || name == "-h" || name == "--help" {
		if len(args) > 1 {
			if c, ok := commands[args[1]]; ok {
				return c.run(ctx, e, []string{"--help"})
			}
		}
		printUsage(stdout)
		return errHelp
	}
	c, ok := commands[name]
	if !ok {
		return usagef("unknown command %q", name)
	}
	return c.run(ctx, e, args[1:])
}

// globalFlags registers --data and --config on fs; every subcommand's flag
// set calls it so that global flags work before or after the subcommand.
func (e *env) globalFlags(fs *flag.FlagSet) {
	if e.data == "" {
		e.data = e.getenv("ANSWERDESK_DATA")
		if e.data == "" {
			e.data = "./answerdesk-data"
		}
	}
	if e.config == "" {
		e.config = e.getenv("ANSWERDESK_CONFIG")
	}
	if e.store == "" {
		e.store = e.getenv("ANSWERDESK_STORE")
		if e.store == "" {
			e.store = "embedded"
		}
	}
	fs.StringVar(&e.data, "data", e.data, "data directory (env ANSWERDESK_DATA)")
	fs.StringVar(&e.store, "store", e.store, "index store: embedded, or qdrant://HOST:PORT?collection=NAME (env ANSWERDESK_STORE)")
	fs.StringVar(&e.config, "config", e.config, "config file (env ANSWERDESK_CONFIG)")
}

// parseFlags parses a subcommand's flags with the global ones, printing help
// for --help. It returns errHelp after printing help.
func (e *env) parseFlags(c *command, fs *flag.FlagSet, args []string) error {
	e.globalFlags(fs)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	err := fs.Parse(interleave(fs, args))
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprintf(e.stdout, "usage: answerdesk %s\n\n%s\n\nflags:\n", c.usage, c.summary)
		fs.SetOutput(e.stdout)
		fs.PrintDefaults()
		return errHelp
	}
	if err != nil {
		return usagef("%s: %v", c.name, err)
	}
	return nil
}

// interleave moves flags after positional arguments to the front, so that
// "ingest docs/ --tenant acme" works like "ingest --tenant acme docs/".
func interleave(fs *flag.FlagSet, args []string) []string {
	var flags, pos []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			pos = append(pos, args[i+1:]...)
			break
		}
		if len(a) > 1 && a[0] == '-' {
			flags = append(flags, a)
			name := strings.TrimLeft(a, "-")
			if strings.Contains(name, "=") {
				continue
			}
			f := fs.Lookup(name)
			if f == nil {
				continue
			}
			if bf, ok := f.Value.(interface{ IsBoolFlag() bool }); ok && bf.IsBoolFlag() {
				continue
			}
			if i+1 < len(args) {
				flags = append(flags, args[i+1])
				i++
			}
			continue
		}
		pos = append(pos, a)
	}
	return append(flags, append([]string{"--"}, pos...)...)
}

func printUsage(w io.Writer) {
	fmt.Fprintln(w, "answerdesk answers customer questions from your docs, FAQs and tickets, and escalates when unsure.")
	fmt.Fprintln(w, "\nusage: answerdesk [--data DIR] [--config FILE] COMMAND [flags] [args]\n\ncommands:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-10s %s\n", n, commands[n].summary)
	}
	fmt.Fprintln(w, "\nRun 'answerdesk COMMAND --help' for a command's flags.")
}
