package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

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
		return a.migrate(ctx, migrateOptions{from: *from, to: *to, batch: *batch, tenant: *tenant, force: *force})
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

type storeStatsJSON struct {
	Store         string  `json:"store"`
	ServerVersion string  `json:"server_version,omitempty"`
	Documents     int     `json:"documents"`
	Chunks        int     `json:"chunks"`
	Tenants       int     `json:"tenants"`
	DenseModel    string  `json:"dense_model"`
	DenseDim      int     `json:"dense_dim"`
	AvgChunkLen   float64 `json:"avg_chunk_len,omitempty"`
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
	out := storeStatsJSON{Store: a.storeName(), Documents: st.Documents, Chunks: st.Chunks, Tenants: st.Tenants, DenseModel: st.DenseModel, DenseDim: st.DenseDim}
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
	fmt.Fprintf(a.stdout, "store:      %s\n", out.Store)
	if out.ServerVersion != "" {
		fmt.Fprintf(a.stdout, "server:     qdrant %s\n", out.ServerVersion)
	}
	fmt.Fprintf(a.stdout, "documents:  %d\nchunks:     %d\ntenants:    %d\n", out.Documents, out.Chunks, out.Tenants)
	if out.DenseModel != "" {
		fmt.Fprintf(a.stdout, "dense:      %s (%d dimensions)\n", out.DenseModel, out.DenseDim)
	} else {
		fmt.Fprintf(a.stdout, "dense:      none (sparse retrieval only)\n")
	}
	if out.AvgChunkLen > 0 {
		fmt.Fprintf(a.stdout, "avg chunk:  %.1f terms\n", out.AvgChunkLen)
	}
	return nil
}

// storeName is the store for messages, without URL parameters.
func (a *app) storeName() string {
	if a.store == "" || a.store == "embedded" {
		return "embedded (" + a.data + ")"
	}
	if i := strings.IndexByte(a.store, '?'); i >= 0 {
		return a.store[:i] + " (" + collectionOf(a.store) + ")"
	}
	return a.store
}

func collectionOf(rawURL string) string {
	if cfg, err := qdrant.ParseURL(rawURL); err == nil && cfg.Collection != "" {
		return "collection " + cfg.Collection
	}
	return "collection " + qdrant.DefaultCollection
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

type migrateOptions struct {
	from   string
	to     string
	batch  int
	tenant string
	force  bool
}

// migrate copies every document with its chunks and dense vectors from
// the store o.from into the store o.to (see retrieval.Copy: idempotent and
// resumable). A target that bakes BM25 weights into its vectors computes
// them with the source's exact average chunk length.
func (a *app) migrate(ctx context.Context, o migrateOptions) error {
	start := time.Now()
	if o.from == "embedded" {
		if _, err := os.Stat(filepath.Join(a.data, embedded.DBFile)); err != nil {
			return fmt.Errorf("migrate: no embedded store in %s (set --data): %w", a.data, err)
		}
	}
	store, err := a.openStore(ctx, o.from, 0)
	if err != nil {
		return err
	}
	src, ok := store.(retrieval.Exporter)
	if !ok {
		return fmt.Errorf("migrate: the store %s cannot export its content", redactURL(o.from))
	}
	st, err := src.ExportStats(ctx, o.tenant)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	from := redactURL(o.from)
	if o.from == "embedded" {
		from = a.data
	}
	fmt.Fprintf(a.stderr, "migrate: %d documents, %d chunks (average %.1f terms) from %s to %s\n", st.Documents, st.Chunks, st.AvgLen, from, redactURL(o.to))
	dst, err := a.openStore(ctx, o.to, st.AvgLen)
	if err != nil {
		return err
	}
	var last time.Time
	p, err := retrieval.Copy(ctx, dst, src, retrieval.CopyOptions{Tenant: o.tenant, Batch: o.batch, Force: o.force,
		Progress: func(p retrieval.CopyProgress) {
			if time.Since(last) > 2*time.Second || p.Documents == st.Documents {
				last = time.Now()
				fmt.Fprintf(a.stderr, "migrate: %d/%d documents (%d copied, %d unchanged)\n", p.Documents, st.Documents, p.Copied, p.Unchanged)
			}
		}})
	if err != nil {
		return fmt.Errorf("migrate: %w (re-run to resume)", err)
	}
	dstStats, err := dst.Stats(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(a.stdout, "migrated: %d documents (%d chunks)  unchanged: %d  tenants: %d  took: %s\n",
		p.Copied, p.Chunks, p.Unchanged, p.Tenants, time.Since(start).Round(time.Millisecond))
	fmt.Fprintf(a.stdout, "target %s: %d documents, %d chunks, %d tenants\n", redactURL(o.to), dstStats.Documents, dstStats.Chunks, dstStats.Tenants)
	return nil
}

func redactURL(u string) string {
	if i := strings.IndexByte(u, '?'); i >= 0 {
		return u[:i]
	}
	return u
}
