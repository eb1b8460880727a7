package storecmd

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/answerdesk/answerdesk/answer/llm"
	"github.com/answerdesk/answerdesk/api"
	"github.com/answerdesk/answerdesk/cmd/internal/cli"
	"github.com/answerdesk/answerdesk/retrieval"
	"github.com/answerdesk/answerdesk/retrieval/embedded"
	"github.com/answerdesk/answerdesk/retrieval/qdrant"
)

// App is what the index store's commands take from the composition root.
type App interface {
	// ParseFlags parses args into fs with the global flags (cli.Parse).
	ParseFlags(fs *flag.FlagSet, c cli.Command, args []string) error
	Stdout() io.Writer
	Stderr() io.Writer
	// DataDir is the data directory (--data) and StoreSpec the index
	// store (--store: "embedded" or qdrant://…), once flags are parsed.
	DataDir() string
	StoreSpec() string
	// IndexStore is the store StoreSpec names, opened once per run.
	IndexStore(ctx context.Context) (retrieval.Store, error)
	// OpenStore opens the store spec names, closed with the run; avgLen,
	// when not zero, fixes the BM25 average chunk length of a store that
	// bakes it into its vectors, unless its URL or the config sets one.
	OpenStore(ctx context.Context, spec string, avgLen float64) (retrieval.Store, error)
	// Embedder is the configured embedder, nil when there is none.
	Embedder() (*llm.Embedder, error)
	// Audit records an administrative action taken with the command line.
	Audit(ctx context.Context, tenant, action, target, detail string) error
}

// Store runs store: stats, migrate or reweight; c is its row in the
// binary's command table.
func Store(ctx context.Context, a App, c cli.Command, args []string) error {
	fs := flag.NewFlagSet("store", flag.ContinueOnError)
	asJSON := fs.Bool("json", false, "stats: print JSON")
	from := fs.String("from", "embedded", "migrate: source store, embedded (the data dir's) or a store URL")
	to := fs.String("to", "", "migrate: target store, qdrant://HOST:PORT?collection=NAME, or embedded (the data dir's) when --from is a Qdrant URL")
	batch := fs.Int("batch", 64, "migrate: documents per write")
	tenant := fs.String("tenant", "", "migrate: only this tenant (default: every tenant)")
	force := fs.Bool("force", false, "migrate: rewrite documents the target already has with the same hash")
	if err := a.ParseFlags(fs, c, args); err != nil {
		return err
	}
	switch fs.Arg(0) {
	case "stats":
		if fs.NArg() != 1 {
			return cli.Usagef("store stats: unexpected arguments %q", fs.Args()[1:])
		}
		return stats(ctx, a, *asJSON)
	case "migrate":
		if fs.NArg() != 1 {
			return cli.Usagef("store migrate: unexpected arguments %q", fs.Args()[1:])
		}
		// Either direction between the data dir's store and Qdrant, or
		// from one Qdrant collection to another.
		if !strings.HasPrefix(*to, "qdrant://") && *to != "embedded" || *to == *from {
			return cli.Usagef("store migrate: --to qdrant://HOST:PORT?collection=NAME (or embedded, with --from qdrant://…) is required, and must differ from --from")
		}
		if *batch < 1 || *batch > 10000 {
			return cli.Usagef("store migrate: --batch must be 1..10000")
		}
		return migrate(ctx, a, *from, *to, retrieval.CopyOptions{Tenant: *tenant, Batch: *batch, Force: *force})
	case "reweight":
		if fs.NArg() != 1 {
			return cli.Usagef("store reweight: unexpected arguments %q", fs.Args()[1:])
		}
		return reweight(ctx, a)
	case "":
		return cli.Usagef("store: want stats, migrate or reweight")
	default:
		return cli.Usagef("store: unknown subcommand %q (want stats, migrate or reweight)", fs.Arg(0))
	}
}

func stats(ctx context.Context, a App, asJSON bool) error {
	store, err := a.IndexStore(ctx)
	if err != nil {
		return err
	}
	st, err := store.Stats(ctx)
	if err != nil {
		return err
	}
	out := api.NewStoreStats(storeName(a), st)
	if q, ok := store.(*qdrant.Store); ok {
		adm := qdrant.NewAdmin(q)
		out.ServerVersion = adm.Version()
		if out.AvgChunkLen, err = adm.AvgLen(ctx); err != nil {
			return err
		}
	}
	if asJSON {
		return cli.WriteJSON(a.Stdout(), out)
	}
	return out.WriteText(a.Stdout())
}

// storeName is the store for messages, without URL parameters.
func storeName(a App) string {
	if a.StoreSpec() == "" || a.StoreSpec() == "embedded" {
		return "embedded (" + a.DataDir() + ")"
	}
	return qdrant.Name(a.StoreSpec())
}

// reweight rewrites a Qdrant store's sparse vectors with its current
// average chunk length (see qdrant.Admin.Reweight).
func reweight(ctx context.Context, a App) error {
	if !strings.HasPrefix(a.StoreSpec(), "qdrant://") {
		return cli.Usagef("store reweight: applies to a Qdrant store (--store qdrant://…); the embedded store needs none")
	}
	store, err := a.IndexStore(ctx)
	if err != nil {
		return err
	}
	q, ok := store.(*qdrant.Store)
	if !ok {
		return fmt.Errorf("store reweight: %s is not a Qdrant store", storeName(a))
	}
	adm := qdrant.NewAdmin(q)
	avg, err := adm.AvgLen(ctx)
	if err != nil {
		return err
	}
	start, last := time.Now(), time.Now()
	n, err := adm.Reweight(ctx, func(done int) {
		if time.Since(last) > 2*time.Second {
			last = time.Now()
			fmt.Fprintf(a.Stderr(), "reweight: %d chunks\n", done)
		}
	})
	if err != nil {
		return fmt.Errorf("%w (%d chunks rewritten; re-run to finish)", err, n)
	}
	fmt.Fprintf(a.Stdout(), "reweighted: %d chunks  average chunk length: %.1f terms  took: %s\n", n, avg, time.Since(start).Round(time.Millisecond))
	return nil
}

// migrate copies the store from into the store to (retrieval.Migrate),
// telling stderr how far it is.
func migrate(ctx context.Context, a App, from, to string, o retrieval.CopyOptions) error {
	start := time.Now()
	if from == "embedded" {
		if _, err := os.Stat(filepath.Join(a.DataDir(), embedded.DBFile)); err != nil {
			return fmt.Errorf("migrate: no embedded store in %s (set --data): %w", a.DataDir(), err)
		}
	}
	src, err := a.OpenStore(ctx, from, 0)
	if err != nil {
		return err
	}
	// Names for messages: without URL parameters.
	fromName, _, _ := strings.Cut(from, "?")
	toName, _, _ := strings.Cut(to, "?")
	fromDir := fromName
	if from == "embedded" {
		fromDir = a.DataDir()
	}
	var total int
	var last time.Time
	o.Progress = func(p retrieval.CopyProgress) {
		if time.Since(last) > 2*time.Second || p.Documents == total {
			last = time.Now()
			fmt.Fprintf(a.Stderr(), "migrate: %d/%d documents (%d copied, %d unchanged)\n", p.Documents, total, p.Copied, p.Unchanged)
		}
	}
	m, err := retrieval.Migrate(ctx, src, func(ctx context.Context, avgLen float64) (retrieval.Store, error) {
		return a.OpenStore(ctx, to, avgLen)
	}, retrieval.MigrateOptions{CopyOptions: o, Started: func(st retrieval.ExportStats) {
		total = st.Documents
		fmt.Fprintf(a.Stderr(), "migrate: %d documents, %d chunks (average %.1f terms) from %s to %s\n", st.Documents, st.Chunks, st.AvgLen, fromDir, toName)
	}})
	if errors.Is(err, retrieval.ErrNoExport) {
		return fmt.Errorf("migrate: the store %s cannot export its content", fromName)
	}
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	fmt.Fprintf(a.Stdout(), "migrated: %d documents (%d chunks)  unchanged: %d  tenants: %d  took: %s\n",
		m.Copy.Copied, m.Copy.Chunks, m.Copy.Unchanged, m.Copy.Tenants, time.Since(start).Round(time.Millisecond))
	fmt.Fprintf(a.Stdout(), "target %s: %d documents, %d chunks, %d tenants\n", toName, m.Target.Documents, m.Target.Chunks, m.Target.Tenants)
	return nil
}
