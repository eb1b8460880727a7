package main

import (
	"context"
	"database/sql"
	"encoding/binary"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"math"
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
	to := fs.String("to", "", "migrate: target store URL, qdrant://HOST:PORT?collection=NAME")
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
		if !strings.HasPrefix(*to, "qdrant://") {
			return usagef("store migrate: --to qdrant://HOST:PORT?collection=NAME is required")
		}
		if *batch < 1 || *batch > 10000 {
			return usagef("store migrate: --batch must be 1..10000")
		}
		return a.migrate(ctx, migrateOptions{to: *to, batch: *batch, tenant: *tenant, force: *force})
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
		out.ServerVersion = q.Version()
		if out.AvgChunkLen, err = q.AvgLen(ctx); err != nil {
			return err
		}
	}
	if asJSON {
		enc := json.NewEncoder(a.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
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
// average chunk length (see qdrant.Store.Reweight).
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
	avg, err := q.AvgLen(ctx)
	if err != nil {
		return err
	}
	start, last := time.Now(), time.Now()
	n, err := q.Reweight(ctx, func(done int) {
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
	to     string
	batch  int
	tenant string
	force  bool
}

// migrate copies every document and chunk (with its dense vector) of the
// embedded data directory into Qdrant. It is idempotent and resumable:
// point ids are deterministic, and a document the target already holds
// with the same hash and chunk count is skipped (its record is written
// last, so a hash match means the copy completed). Sparse vectors are
// computed with the source's exact average chunk length.
func (a *app) migrate(ctx context.Context, o migrateOptions) error {
	start := time.Now()
	src, err := openEmbeddedExport(ctx, a.data)
	if err != nil {
		return err
	}
	defer src.close()
	total, chunks, avg, err := src.counts(ctx, o.tenant)
	if err != nil {
		return err
	}
	fmt.Fprintf(a.stderr, "migrate: %d documents, %d chunks (average %.1f terms) from %s to %s\n", total, chunks, avg, a.data, redactURL(o.to))
	dst, err := a.openQdrant(ctx, o.to, avg)
	if err != nil {
		return err
	}
	defer dst.Close()

	var (
		pending            []retrieval.DocumentChunks
		done, copied, same int
		copiedChunks       int
		curTenant          string
		have               map[string]retrieval.Document
		lastReport         time.Time
		tenants            = map[string]bool{}
	)
	flush := func() error {
		if len(pending) == 0 {
			return nil
		}
		if err := dst.ReplaceDocuments(ctx, pending); err != nil {
			return fmt.Errorf("migrate: write %d documents starting at %s/%s: %w (re-run to resume)", len(pending), pending[0].Document.Tenant, pending[0].Document.ID, err)
		}
		for _, d := range pending {
			copiedChunks += len(d.Chunks)
		}
		copied += len(pending)
		pending = pending[:0]
		return nil
	}
	err = src.each(ctx, o.tenant, func(d retrieval.DocumentChunks) error {
		doc := d.Document
		tenants[doc.Tenant] = true
		if doc.Tenant != curTenant || have == nil {
			if err := flush(); err != nil {
				return err
			}
			curTenant = doc.Tenant
			have = map[string]retrieval.Document{}
			if !o.force {
				existing, err := dst.Documents(ctx, retrieval.DocFilter{Tenant: doc.Tenant})
				if err != nil {
					return fmt.Errorf("migrate: list target documents of tenant %q: %w", doc.Tenant, err)
				}
				for _, x := range existing {
					have[x.ID] = x
				}
			}
		}
		done++
		if x, ok := have[doc.ID]; ok && x.Hash == doc.Hash && x.Chunks == len(d.Chunks) && x.DenseModel == doc.DenseModel {
			same++
		} else {
			pending = append(pending, d)
			if len(pending) >= o.batch {
				if err := flush(); err != nil {
					return err
				}
			}
		}
		if time.Since(lastReport) > 2*time.Second || done == total {
			lastReport = time.Now()
			fmt.Fprintf(a.stderr, "migrate: %d/%d documents (%d copied, %d unchanged)\n", done, total, copied+len(pending), same)
		}
		return nil
	})
	if err == nil {
		err = flush()
	}
	if err != nil {
		return err
	}
	st, err := dst.Stats(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(a.stdout, "migrated: %d documents (%d chunks)  unchanged: %d  tenants: %d  took: %s\n",
		copied, copiedChunks, same, len(tenants), time.Since(start).Round(time.Millisecond))
	fmt.Fprintf(a.stdout, "target %s: %d documents, %d chunks, %d tenants\n", redactURL(o.to), st.Documents, st.Chunks, st.Tenants)
	return nil
}

func redactURL(u string) string {
	if i := strings.IndexByte(u, '?'); i >= 0 {
		return u[:i]
	}
	return u
}

// embeddedExport reads an embedded data directory's database directly.
// retrieval/embedded has no export API (its Store lists documents but not
// their chunks), so this reader knows its schema version 1: documents and
// chunks tables, meta as JSON, terms with the chunk length first, dense
// vectors as little-endian float32.
type embeddedExport struct {
	db *sql.DB
}

// embeddedSchema is the embedded store schema this reader understands.
const embeddedSchema = "1"

func openEmbeddedExport(ctx context.Context, dir string) (*embeddedExport, error) {
	path := filepath.Join(dir, embedded.DBFile)
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("migrate: no embedded store in %s (set --data): %w", dir, err)
	}
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro&_pragma=busy_timeout(5000)")
	if err != nil {
		return nil, fmt.Errorf("migrate: open %s: %w", path, err)
	}
	var v string
	if err := db.QueryRowContext(ctx, `SELECT value FROM settings WHERE key='schema_version'`).Scan(&v); err != nil {
		db.Close()
		return nil, fmt.Errorf("migrate: read %s: %w", path, err)
	}
	if v != embeddedSchema {
		db.Close()
		return nil, fmt.Errorf("migrate: %s has embedded schema %s, this binary migrates schema %s", path, v, embeddedSchema)
	}
	return &embeddedExport{db: db}, nil
}

func (x *embeddedExport) close() { x.db.Close() }

// counts returns the number of documents and chunks and the average chunk
// length (BM25 length, stored first in each chunk's terms).
func (x *embeddedExport) counts(ctx context.Context, tenant string) (docs, chunks int, avg float64, err error) {
	where, args := "", []any{}
	if tenant != "" {
		where, args = " WHERE tenant=?", []any{tenant}
	}
	if err := x.db.QueryRowContext(ctx, `SELECT count(*) FROM documents`+where, args...).Scan(&docs); err != nil {
		return 0, 0, 0, fmt.Errorf("migrate: count documents: %w", err)
	}
	rows, err := x.db.QueryContext(ctx, `SELECT terms FROM chunks`+where, args...)
	if err != nil {
		return 0, 0, 0, fmt.Errorf("migrate: read chunk lengths: %w", err)
	}
	defer rows.Close()
	var sum uint64
	for rows.Next() {
		var b []byte
		if err := rows.Scan(&b); err != nil {
			return 0, 0, 0, fmt.Errorf("migrate: read chunk lengths: %w", err)
		}
		l, n := binary.Uvarint(b)
		if n <= 0 {
			return 0, 0, 0, errors.New("migrate: corrupt terms in the embedded store")
		}
		sum += l
		chunks++
	}
	if chunks > 0 {
		avg = float64(sum) / float64(chunks)
	}
	return docs, chunks, avg, rows.Err()
}

// each calls fn for every document with its chunks, ordered by tenant and id.
func (x *embeddedExport) each(ctx context.Context, tenant string, fn func(retrieval.DocumentChunks) error) error {
	where, args := "", []any{}
	if tenant != "" {
		where, args = " WHERE tenant=?", []any{tenant}
	}
	rows, err := x.db.QueryContext(ctx, `SELECT tenant,id,kind,title,url,lang,source,hash,meta,dense_model,chunks,updated FROM documents`+where+` ORDER BY tenant,id`, args...)
	if err != nil {
		return fmt.Errorf("migrate: read documents: %w", err)
	}
	var docs []retrieval.Document
	for rows.Next() {
		var d retrieval.Document
		var meta string
		var updated int64
		if err := rows.Scan(&d.Tenant, &d.ID, &d.Kind, &d.Title, &d.URL, &d.Lang, &d.Source, &d.Hash, &meta, &d.DenseModel, &d.Chunks, &updated); err != nil {
			rows.Close()
			return fmt.Errorf("migrate: read documents: %w", err)
		}
		d.Meta = decodeStringMap(meta)
		d.Updated = time.Unix(0, updated).UTC()
		docs = append(docs, d)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("migrate: read documents: %w", err)
	}
	for _, d := range docs {
		cs, err := x.chunks(ctx, d)
		if err != nil {
			return err
		}
		if err := fn(retrieval.DocumentChunks{Document: d, Chunks: cs}); err != nil {
			return err
		}
	}
	return nil
}

func (x *embeddedExport) chunks(ctx context.Context, d retrieval.Document) ([]retrieval.Chunk, error) {
	rows, err := x.db.QueryContext(ctx, `SELECT id,tenant,document_id,kind,title,url,heading,text,lang,page,position,meta,dense
		FROM chunks WHERE tenant=? AND document_id=? ORDER BY position, seq`, d.Tenant, d.ID)
	if err != nil {
		return nil, fmt.Errorf("migrate: read chunks of %s: %w", d.ID, err)
	}
	defer rows.Close()
	var out []retrieval.Chunk
	for rows.Next() {
		var c retrieval.Chunk
		var meta string
		var dense []byte
		if err := rows.Scan(&c.ID, &c.Tenant, &c.DocumentID, &c.Kind, &c.Title, &c.URL, &c.Heading, &c.Text, &c.Lang, &c.Page, &c.Position, &meta, &dense); err != nil {
			return nil, fmt.Errorf("migrate: read chunks of %s: %w", d.ID, err)
		}
		c.Meta = decodeStringMap(meta)
		if len(dense)%4 == 0 && len(dense) > 0 {
			c.Dense = make([]float32, len(dense)/4)
			for i := range c.Dense {
				c.Dense[i] = math.Float32frombits(binary.LittleEndian.Uint32(dense[4*i:]))
			}
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

func decodeStringMap(s string) map[string]string {
	if s == "" || s == "{}" {
		return nil
	}
	var m map[string]string
	if json.Unmarshal([]byte(s), &m) != nil {
		return nil
	}
	return m
}
