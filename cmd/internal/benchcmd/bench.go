package benchcmd

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/answerdesk/answerdesk/api/apibench"
	"github.com/answerdesk/answerdesk/cmd/internal/cli"
	"github.com/answerdesk/answerdesk/retrieval/bench"
	"github.com/answerdesk/answerdesk/retrieval/embedded"
)

// App is what bench takes from the composition root.
type App interface {
	// ParseFlags parses args into fs with the global flags (cli.Parse).
	ParseFlags(fs *flag.FlagSet, c cli.Command, args []string) error
	Stdout() io.Writer
	// DataDir is the data directory (--data), once flags are parsed.
	DataDir() string
}

// Run runs bench: manpages or load; c is its row in the binary's command
// table.
func Run(ctx context.Context, a App, c cli.Command, args []string) error {
	if len(args) > 0 && (args[0] == "-h" || args[0] == "--help" || args[0] == "-help") {
		fmt.Fprintf(a.Stdout(), "usage: answerdesk %s\n\n%s\n", c.Usage, c.Summary)
		return cli.ErrHelp
	}
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		return cli.Usagef("bench: give manpages or load")
	}
	switch args[0] {
	case "manpages":
		return manpages(ctx, a, c, args[1:])
	case "load":
		return load(ctx, a, c, args[1:])
	default:
		return cli.Usagef("bench: unknown subcommand %q (manpages or load)", args[0])
	}
}

// manpages writes the machine's man pages, split into passages, into
// the data dir's embedded store (tenant "default"), and the pages'
// one-line descriptions into DATA/questions.txt for `bench load`.
func manpages(ctx context.Context, a App, c cli.Command, args []string) error {
	fs := flag.NewFlagSet("bench manpages", flag.ContinueOnError)
	passages := fs.Int("passages", 100000, "corpus size in passages (chunks)")
	root := fs.String("man", "/usr/share/man", "man page root")
	if err := a.ParseFlags(fs, c, args); err != nil {
		return err
	}
	cache := filepath.Join(os.TempDir(), "answerdesk-bench")
	start := time.Now()
	corpus, err := bench.LoadCorpus(*root, cache, bench.Options{MaxPassages: *passages})
	if err != nil {
		return fmt.Errorf("bench manpages: %w", err)
	}
	st, err := embedded.Open(ctx, a.DataDir(), embedded.Options{})
	if err != nil {
		return err
	}
	defer st.Close()
	if _, err := bench.Write(ctx, st, corpus.Documents()); err != nil {
		return fmt.Errorf("bench manpages: %w", err)
	}
	qs := corpus.OneLineQuestions()
	qfile := filepath.Join(a.DataDir(), "questions.txt")
	if err := os.WriteFile(qfile, []byte(strings.Join(qs, "\n")+"\n"), 0o644); err != nil {
		return err
	}
	stats, _ := st.Stats(ctx)
	fmt.Fprintf(a.Stdout(), "man pages: %d documents, %d chunks in %s (%.1fs); %d questions in %s\n",
		stats.Documents, stats.Chunks, a.DataDir(), time.Since(start).Seconds(), len(qs), qfile)
	return nil
}

// load drives a running server with apibench: C closed-loop clients
// each send one question after another for the duration.
func load(ctx context.Context, a App, c cli.Command, args []string) error {
	fs := flag.NewFlagSet("bench load", flag.ContinueOnError)
	url := fs.String("url", "", "server URL (from serve's url: line); replicas: several, comma-separated, asked in turn")
	key := fs.String("key", "", "API key with the ask scope")
	conc := fs.String("c", "1,16,64", "comma-separated client counts")
	dur := fs.Duration("d", 10*time.Second, "duration per client count")
	warm := fs.Duration("warmup", 2*time.Second, "warm-up before each measurement")
	qfile := fs.String("questions", "", "file of questions, one a line (default: one fixed question)")
	pid := fs.Int("pid", 0, "server process id: report its CPU time per answer (Linux /proc)")
	pprofURL := fs.String("pprof", "", "the server's pprof listener (ANSWERDESK_PPROF), e.g. http://127.0.0.1:6060: report its CPU per answer by stage and its allocations per answer")
	if err := a.ParseFlags(fs, c, args); err != nil {
		return err
	}
	if *url == "" || *key == "" {
		return cli.Usagef("bench load: --url and --key are required")
	}
	o := apibench.Options{URL: *url, Key: *key, Questions: []string{"How do I factory reset my hub?"}, Duration: *dur, Warmup: *warm, PID: *pid, Pprof: strings.TrimSuffix(*pprofURL, "/")}
	if *qfile != "" {
		b, err := os.ReadFile(*qfile)
		if err != nil {
			return err
		}
		o.Questions = strings.FieldsFunc(string(b), func(r rune) bool { return r == '\n' })
		if len(o.Questions) == 0 {
			return cli.Usagef("bench load: %s holds no questions", *qfile)
		}
	}
	for _, s := range strings.Split(*conc, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1 {
			return cli.Usagef("bench load: bad client count %q", s)
		}
		o.Clients = append(o.Clients, n)
	}
	if err := apibench.Report(ctx, a.Stdout(), o); err != nil {
		return fmt.Errorf("bench load: %w", err)
	}
	return nil
}
