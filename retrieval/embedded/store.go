package embedded

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"sync"
	"time"

	"github.com/answerdesk/answerdesk/retrieval"
)

// Options configure a Store.
type Options struct {
	// Analyzer defaults to retrieval.DefaultAnalyzer.
	Analyzer *retrieval.Analyzer
	// Now defaults to time.Now.
	Now func() time.Time
	// Watch, when positive, makes the store poll for writes by other
	// processes on the same data directory (a CLI ingest or delete while
	// the server runs) at this interval and apply them to its index; see
	// Refresh. Its errors, and a snapshot Close could not write, go to
	// OnError.
	Watch   time.Duration
	OnError func(error)
}

// Store is the embedded retrieval.Store.
type Store struct {
	db   *sql.DB
	an   *retrieval.Analyzer
	now  func() time.Time
	wmu  sync.Mutex // serializes writers: SQLite transaction, then index update
	mu   sync.RWMutex
	idx  *index
	path string
	// seen is the last change (changes.seq) the index reflects; guarded
	// by mu.
	seen int64
	// dbID is the database's identity (settings.index_id); snapAt is the
	// change the snapshot on disk was taken at, -1 when there is none
	// known to match the index (see snapshot.go). snapAt is guarded by wmu.
	dbID     string
	snapAt   int64
	snapPath string

	onErr     func(error)   // may be nil
	stopWatch chan struct{} // nil unless watching
	watchDone chan struct{}
	closeOnce sync.Once
}

var (
	_ retrieval.Store         = (*Store)(nil)
	_ retrieval.BatchReplacer = (*Store)(nil)
)

// DBFile is the name of the store's database inside the data directory.
const DBFile = "index.db"

// Open opens (creating if needed) the store in dir and loads its index.
func Open(ctx context.Context, dir string, opts Options) (*Store, error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("open store: %w", err)
	}
	path := filepath.Join(dir, DBFile)
	db, err := openDB(path)
	if err != nil {
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	s := &Store{db: db, an: opts.Analyzer, now: opts.Now, path: path, snapPath: filepath.Join(dir, SnapshotFile), snapAt: -1, onErr: opts.OnError}
	if s.an == nil {
		s.an = retrieval.DefaultAnalyzer
	}
	if s.now == nil {
		s.now = time.Now
	}
	// The counter is read before the chunks: a write in between is then
	// replayed by the first refresh, never missed.
	if s.seen, err = lastChange(ctx, db); err != nil {
		db.Close()
		return nil, fmt.Errorf("load index from %s: %w", path, err)
	}
	if s.dbID, err = indexID(ctx, db); err != nil {
		db.Close()
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	if err := s.loadIndex(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("load index from %s: %w", path, err)
	}
	if opts.Watch > 0 {
		s.stopWatch, s.watchDone = make(chan struct{}), make(chan struct{})
		go s.watch(opts.Watch, s.onErr)
	}
	return s, nil
}

// loadIndex loads the index from the snapshot when it is the database's
// current one, else rebuilds it from the database.
func (s *Store) loadIndex(ctx context.Context) error {
	if _, err := os.Stat(s.snapPath); err == nil {
		key, err := currentKey(ctx, s.db, s.dbID, s.seen)
		if err != nil {
			return err
		}
		if x, err := loadSnapshot(s.snapPath, key); err == nil {
			s.idx, s.snapAt = x, s.seen
			return nil
		}
	}
	x, err := load(ctx, s.db)
	if err != nil {
		return err
	}
	s.idx = x
	return nil
}

// Close stops watching, writes the index snapshot when the one on disk is
// not the index's (see snapshot.go) and closes the database. A snapshot
// that cannot be written goes to Options.OnError: the next Open rebuilds.
func (s *Store) Close() error {
	s.closeOnce.Do(func() {
		if s.stopWatch != nil {
			close(s.stopWatch)
			<-s.watchDone
		}
		if err := s.saveSnapshot(context.Background()); err != nil && s.onErr != nil {
			s.onErr(err)
		}
	})
	return s.db.Close()
}

// saveSnapshot writes the index snapshot unless the one on disk is the
// index's already, or the index is not the database's current state (a
// write by another process it has not applied).
func (s *Store) saveSnapshot(ctx context.Context) error {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.snapAt == s.seen {
		return nil
	}
	last, err := lastChange(ctx, s.db)
	if err != nil || last != s.seen {
		return nil // the next Open rebuilds, as it would without a snapshot
	}
	key, err := currentKey(ctx, s.db, s.dbID, s.seen)
	if err != nil {
		return nil
	}
	if err := saveSnapshot(s.snapPath, s.idx, key); err != nil {
		return err
	}
	s.snapAt = s.seen
	return nil
}

// dropSnapshot removes the snapshot before a write; the caller holds wmu.
// A snapshot that cannot be removed is still refused at Open (its change
// counter is behind the database's).
func (s *Store) dropSnapshot() {
	os.Remove(s.snapPath)
	s.snapAt = -1
}

// prepared is a validated document with its chunks' analyzed terms.
type prepared struct {
	doc    retrieval.Document
	chunks []retrieval.Chunk
	terms  [][]byte
	tfs    []map[string]int
	lens   []int
}

func (s *Store) prepare(doc retrieval.Document, chunks []retrieval.Chunk) (prepared, error) {
	if err := retrieval.ValidateDocument(doc, chunks); err != nil {
		return prepared{}, err
	}
	p := prepared{doc: doc, chunks: chunks, terms: make([][]byte, len(chunks)), tfs: make([]map[string]int, len(chunks)), lens: make([]int, len(chunks))}
	for i, c := range chunks {
		tf, n := s.an.TermFreqs(retrieval.IndexText(c))
		p.tfs[i], p.lens[i] = tf, n
		p.terms[i] = encodeTerms(tf, n)
	}
	return p, nil
}

// ReplaceDocument implements retrieval.Store.
func (s *Store) ReplaceDocument(ctx context.Context, doc retrieval.Document, chunks []retrieval.Chunk) error {
	return s.ReplaceDocuments(ctx, []retrieval.DocumentChunks{{Document: doc, Chunks: chunks}})
}

// ReplaceDocuments implements retrieval.BatchReplacer: the batch is one
// transaction, all or nothing.
func (s *Store) ReplaceDocuments(ctx context.Context, docs []retrieval.DocumentChunks) error {
	ps := make([]prepared, 0, len(docs))
	seen := make(map[[2]string]bool, len(docs))
	for _, d := range docs {
		key := [2]string{d.Document.Tenant, d.Document.ID}
		if seen[key] {
			return fmt.Errorf("%w: document %q twice in one batch", retrieval.ErrInvalid, d.Document.ID)
		}
		seen[key] = true
		p, err := s.prepare(d.Document, d.Chunks)
		if err != nil {
			return err
		}
		ps = append(ps, p)
	}
	s.wmu.Lock()
	defer s.wmu.Unlock()
	if err := s.checkDense(ps); err != nil {
		return err
	}
	s.dropSnapshot()
	now := s.now().UTC()
	span, err := writeDocs(ctx, s.db, ps, now)
	if err != nil {
		return fmt.Errorf("replace documents: %w", err)
	}
	s.mu.Lock()
	for _, p := range ps {
		p.doc.Chunks = len(p.chunks)
		p.doc.Updated = now
		s.idx.replace(p)
	}
	s.idx.settle()
	s.applied(span)
	s.mu.Unlock()
	return nil
}

// checkDense refuses vectors of another model or size than the store holds.
func (s *Store) checkDense(ps []prepared) error {
	s.mu.RLock()
	model, dim := s.idx.denseModel, s.idx.denseDim
	s.mu.RUnlock()
	for _, p := range ps {
		for _, c := range p.chunks {
			if len(c.Dense) == 0 {
				continue
			}
			if model == "" && s.idx.liveDense == 0 {
				model, dim = p.doc.DenseModel, len(c.Dense)
			}
			if p.doc.DenseModel != model || len(c.Dense) != dim {
				return fmt.Errorf("%w: store holds %q vectors of size %d, document %q has %q of size %d: re-embed the store",
					retrieval.ErrModelMismatch, model, dim, p.doc.ID, p.doc.DenseModel, len(c.Dense))
			}
		}
	}
	return nil
}

// DeleteDocument implements retrieval.Store.
func (s *Store) DeleteDocument(ctx context.Context, tenant, id string) error {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	s.dropSnapshot()
	span, err := deleteDoc(ctx, s.db, tenant, id, s.now().UTC())
	if err != nil {
		return fmt.Errorf("delete document %q: %w", id, err)
	}
	s.mu.Lock()
	s.idx.remove(tenant, id)
	s.idx.settle()
	s.applied(span)
	s.mu.Unlock()
	return nil
}

// Document implements retrieval.Store.
func (s *Store) Document(ctx context.Context, tenant, id string) (retrieval.Document, error) {
	row := s.db.QueryRowContext(ctx, `SELECT `+docColumns+` FROM documents WHERE tenant=? AND id=?`, tenant, id)
	d, err := scanDoc(row)
	if errors.Is(err, sql.ErrNoRows) {
		return retrieval.Document{}, fmt.Errorf("document %q: %w", id, retrieval.ErrNotFound)
	}
	if err != nil {
		return retrieval.Document{}, fmt.Errorf("document %q: %w", id, err)
	}
	return d, nil
}

// Documents implements retrieval.Store.
func (s *Store) Documents(ctx context.Context, f retrieval.DocFilter) ([]retrieval.Document, error) {
	if f.Tenant == "" {
		return nil, fmt.Errorf("%w: list documents: empty tenant", retrieval.ErrInvalid)
	}
	q := `SELECT ` + docColumns + ` FROM documents WHERE tenant=? AND id>?`
	args := []any{f.Tenant, f.After}
	if f.Kind != "" {
		q += ` AND kind=?`
		args = append(args, f.Kind)
	}
	if f.Source != "" {
		q += ` AND substr(source,1,?)=?`
		args = append(args, len(f.Source), f.Source)
	}
	q += ` ORDER BY id`
	if f.Limit > 0 {
		q += fmt.Sprintf(` LIMIT %d`, f.Limit)
	}
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("list documents: %w", err)
	}
	defer rows.Close()
	var out []retrieval.Document
	for rows.Next() {
		d, err := scanDoc(rows)
		if err != nil {
			return nil, fmt.Errorf("list documents: %w", err)
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// Stats implements retrieval.Store.
func (s *Store) Stats(ctx context.Context) (retrieval.Stats, error) {
	var st retrieval.Stats
	if err := s.db.QueryRowContext(ctx, `SELECT count(*), count(DISTINCT tenant) FROM documents`).Scan(&st.Documents, &st.Tenants); err != nil {
		return st, fmt.Errorf("stats: %w", err)
	}
	s.mu.RLock()
	st.Chunks = s.idx.live
	st.DenseModel, st.DenseDim = s.idx.denseModel, s.idx.denseDim
	s.mu.RUnlock()
	return st, nil
}

// Usage implements retrieval.UsageCounter: documents, chunks and chunk
// text bytes of tenant.
func (s *Store) Usage(ctx context.Context, tenant string) (retrieval.Usage, error) {
	var u retrieval.Usage
	err := s.db.QueryRowContext(ctx, `SELECT count(*), coalesce(sum(length(CAST(text AS BLOB))), 0) FROM chunks WHERE tenant=?`, tenant).Scan(&u.Chunks, &u.Bytes)
	if err == nil {
		err = s.db.QueryRowContext(ctx, `SELECT count(*) FROM documents WHERE tenant=?`, tenant).Scan(&u.Documents)
	}
	if err != nil {
		return u, fmt.Errorf("usage of %s: %w", tenant, err)
	}
	return u, nil
}

var _ retrieval.UsageCounter = (*Store)(nil)

// Search implements retrieval.Store.
func (s *Store) Search(ctx context.Context, q retrieval.Query) (retrieval.Result, error) {
	if q.Tenant == "" {
		return retrieval.Result{}, fmt.Errorf("%w: search: empty tenant", retrieval.ErrInvalid)
	}
	if q.K < 0 || q.K > retrieval.MaxK {
		return retrieval.Result{}, fmt.Errorf("%w: search: k must be between 1 and %d", retrieval.ErrInvalid, retrieval.MaxK)
	}
	if err := ctx.Err(); err != nil {
		return retrieval.Result{}, err
	}
	k := q.K
	if k == 0 {
		k = retrieval.DefaultK
	}
	terms := distinct(slices.Clone(q.TermsOf(s.an))) // distinct sorts in place: not the caller's slice
	s.mu.RLock()
	defer s.mu.RUnlock()
	if len(q.Dense) > 0 && s.idx.denseDim > 0 && len(q.Dense) != s.idx.denseDim {
		return retrieval.Result{}, fmt.Errorf("%w: query vector of size %d, store holds size %d", retrieval.ErrModelMismatch, len(q.Dense), s.idx.denseDim)
	}
	return s.idx.search(terms, q, k), nil
}

func distinct(ts []string) []string {
	sort.Strings(ts)
	out := ts[:0]
	for i, t := range ts {
		if i == 0 || t != ts[i-1] {
			out = append(out, t)
		}
	}
	return out
}

// matchMeta reports whether m satisfies every filter key: the value equals
// one of the key's wanted values.
func matchMeta(m map[string]string, f map[string][]string) bool {
	for k, vals := range f {
		v, ok := m[k]
		if !ok {
			return false
		}
		found := false
		for _, want := range vals {
			if v == want {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}
