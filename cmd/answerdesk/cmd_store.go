package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/answerdesk/answerdesk/api"
	"github.com/answerdesk/answerdesk/retrieval"
	"github.com/answerdesk/answerdesk/retrieval/embedded"
	"github.com/answerdesk/answerdesk/retrieval/qdrant"
)

func runStore(ctx context.Context, a *app, args []string) error {
	fs := flag.NewFlagSet("store", flag.ContinueOnError)
	asJSON := fs.Bool("json", false, "stats: print JSON")
	from := fs.String("from", "embedded", "migrate: source store, embedded (the data dir's) or a store URL")
	to := fs.String("to", "", "migrate: target store, qdrant://HOST:PORT?collection=NAME, or embedded (the data dir's) when --from is a Qdrant URL")
	batch := fs.Int("batch", 64, "migrate: documents per write")
	tenant := fs.String("tenant", "", "migrate: only this tenant (default: every tenant)")
	force := fs.Bool("force", false, "migrate: rewrite documents the target already has with the same hash")
	if err := a.parseFlags(fs, args); err != nil {
		return err
	}
	switch fs.Arg(0) {
	case "stats":
		if fs.NArg() != 1 {
			return usagef("store stats: unexpected arguments %q", fs.Args()[1:])
		}
		return a.storeStats(ctx, *asJSON)
	case "migrate":
		if fs.NArg() != 1 {
			return usagef("store migrate: unexpected arguments %q", fs.Args()[1:])
		}
		// Either direction between the data dir's store and Qdrant, or
		// from one Qdrant collection to another.
		if !strings.HasPrefix(*to, "qdrant://") && *to != "embedded" || *to == *from {
			return usagef("store migrate: --to qdrant://HOST:PORT?collection=NAME (or embedded, with --from qdrant://…) is required, and must differ from --from")
		}
		if *batch < 1 || *batch > 10000 {
			return usagef("store migrate: --batch must be 1..10000")
		}
		return a.migrate(ctx, *from, *to, retrieval.CopyOptions{Tenant: *tenant, Batch: *batch, Force: *force})
	case "reweight":
		if fs.NArg() != 1 {
			return usagef("store reweight: unexpected arguments %q", fs.Args()[1:])
		}
		return a.reweight(ctx)
	case "":
		return usagef("store: want stats, migrate or reweight")
	default:
		return usagef("store: unknown subcommand %q (want stats, migrate or reweight)", fs.Arg(0))
	}
}

func (a *app) storeStats(ctx context.Context, asJSON bool) error {
	store, err := a.indexStore(ctx)
	if err != nil {
		return err
	}
	st, err := store.Stats(ctx)
	if err != nil {
		return err
	}
	out := api.NewStoreStats(a.storeName(), st)
	if q, ok := store.(*qdrant.Store); ok {
		adm := qdrant.NewAdmin(q)
		out.ServerVersion = adm.Version()
		if out.AvgChunkLen, err = adm.AvgLen(ctx); err != nil {
			return err
		}
	}
	if asJSON {
		return writeJSON(a.stdout, out)
	}
	return out.WriteText(a.stdout)
}

// storeName is the store for messages, without URL parameters.
func (a *app) storeName() string {
	if a.store == "" || a.store == "embedded" {
		return "embedded (" + a.data + ")"
	}
	return qdrant.Name(a.store)
}

// reweight rewrites a Qdrant store's sparse vectors with its current
// average chunk length (see qdrant.Admin.Reweight).
func (a *app) reweight(ctx context.Context) error {
	if !strings.HasPrefix(a.store, "qdrant://") {
		return usagef("store reweight: applies to a Qdrant store (--store qdrant://…); the embedded store needs none")
	}
	store, err := a.indexStore(ctx)
	if err != nil {
		return err
	}
	q, ok := store.(*qdrant.Store)
	if !ok {
		return fmt.Errorf("store reweight: %s is not a Qdrant store", a.storeName())
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
			fmt.Fprintf(a.stderr, "reweight: %d chunks\n", done)
		}
	})
	if err != nil {
		return fmt.Errorf("%w (%d chunks rewritten; re-run to finish)", err, n)
	}
	fmt.Fprintf(a.stdout, "reweighted: %d chunks  average chunk length: %.1f terms  took: %s\n", n, avg, time.Since(start).Round(time.Millisecond))
	return nil
}

// migrate copies the store from into the store to (retrieval.Migrate),
// telling stderr how far it is.
func (a *app) migrate(ctx context.Context, from, to string, o retrieval.CopyOptions) error {
	start := time.Now()
	if from == "embedded" {
		if _, err := os.Stat(filepath.Join(a.data, embedded.DBFile)); err != nil {
			return fmt.Errorf("migrate: no embedded store in %s (set --data): %w", a.data, err)
		}
	}
	src, err := a.openStore(ctx, from, 0)
	if err != nil {
		return err
	}
	// Names for messages: without URL parameters.
	fromName, _, _ := strings.Cut(from, "?")
	toName, _, _ := strings.Cut(to, "?")
	fromDir := fromName
	if from == "embedded" {
		fromDir = a.data
	}
	var total int
	var last time.Time
	o.Progress = func(p retrieval.CopyProgress) {
		if time.Since(last) > 2*time.Second || p.Documents == total {
			last = time.Now()
			fmt.Fprintf(a.stderr, "migrate: %d/%d documents (%d copied, %d unchanged)\n", p.Documents, total, p.Copied, p.Unchanged)
		}
	}
	m, err := retrieval.Migrate(ctx, src, func(ctx context.Context, avgLen float64) (retrieval.Store, error) {
		return a.openStore(ctx, to, avgLen)
	}, retrieval.MigrateOptions{CopyOptions: o, Started: func(st retrieval.ExportStats) {
		total = st.Documents
		fmt.Fprintf(a.stderr, "migrate: %d documents, %d chunks (average %.1f terms) from %s to %s\n", st.Documents, st.Chunks, st.AvgLen, fromDir, toName)
	}})
	if errors.Is(err, retrieval.ErrNoExport) {
		return fmt.Errorf("migrate: the store %s cannot export its content", fromName)
	}
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	fmt.Fprintf(a.stdout, "migrated: %d documents (%d chunks)  unchanged: %d  tenants: %d  took: %s\n",
		m.Copy.Copied, m.Copy.Chunks, m.Copy.Unchanged, m.Copy.Tenants, time.Since(start).Round(time.Millisecond))
	fmt.Fprintf(a.stdout, "target %s: %d documents, %d chunks, %d tenants\n", toName, m.Target.Documents, m.Target.Chunks, m.Target.Tenants)
	return nil
}
