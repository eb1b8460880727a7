package embedded

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/answerdesk/answerdesk/retrieval"
)

// Writes by other processes. The in-memory index is built from the
// database once, at Open; a CLI `ingest` or `docs delete` run while `serve`
// holds the store open writes only the database. So every write also
// appends, in its own transaction, one row per document it touched to the
// changes table (a change counter with the documents' keys); a store
// opened with Options.Watch polls the counter and replays the documents
// changed since the last one it applied — reading each one's current rows,
// so that replaying is idempotent and the order of writers does not matter.
// Change rows older than changeTTL are pruned by writers; a store that
// finds a gap reloads the whole index.

// changeTTL is how long change rows are kept: far longer than any watch
// interval, short enough that the table stays small.
const changeTTL = time.Hour

// changeSpan is the sequence numbers a write logged, first to last.
type changeSpan struct{ first, last int64 }

// logChanges appends a change row per document in tx and prunes old rows.
func logChanges(ctx context.Context, tx *sql.Tx, docs [][2]string, now time.Time) (changeSpan, error) {
	var span changeSpan
	for i, d := range docs {
		res, err := tx.ExecContext(ctx, `INSERT INTO changes(tenant, document_id, at) VALUES (?,?,?)`, d[0], d[1], now.UnixNano())
		if err != nil {
			return span, fmt.Errorf("log change: %w", err)
		}
		seq, err := res.LastInsertId()
		if err != nil {
			return span, fmt.Errorf("log change: %w", err)
		}
		if i == 0 {
			span.first = seq
		}
		span.last = seq
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM changes WHERE at < ?`, now.Add(-changeTTL).UnixNano()); err != nil {
		return span, fmt.Errorf("prune changes: %w", err)
	}
	return span, nil
}

// lastChange is the newest change sequence number (0 when none).
func lastChange(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}) (int64, error) {
	var seq int64
	err := q.QueryRowContext(ctx, `SELECT COALESCE(MAX(seq), 0) FROM changes`).Scan(&seq)
	return seq, err
}

// applied records that this process's own write span is in the index;
// the caller holds s.mu. A span that does not follow the last applied
// change leaves the counter behind, so that the next refresh replays the
// other writers' changes in between.
func (s *Store) applied(span changeSpan) {
	if span.first == s.seen+1 {
		s.seen = span.last
	}
}

// Refresh brings the index up to date with writes made through other
// handles on the same data directory (another process, typically) and
// reports how many documents it reloaded; -1 means it rebuilt the whole
// index.
func (s *Store) Refresh(ctx context.Context) (int, error) {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	last, err := lastChange(ctx, s.db)
	if err != nil {
		return 0, fmt.Errorf("refresh: %w", err)
	}
	s.mu.RLock()
	seen := s.seen
	s.mu.RUnlock()
	if last == seen {
		return 0, nil
	}
	rows, err := s.db.QueryContext(ctx, `SELECT seq, tenant, document_id FROM changes WHERE seq > ? ORDER BY seq`, seen)
	if err != nil {
		return 0, fmt.Errorf("refresh: %w", err)
	}
	var docs [][2]string
	have := map[[2]string]bool{}
	first := int64(0)
	for rows.Next() {
		var seq int64
		var d [2]string
		if err := rows.Scan(&seq, &d[0], &d[1]); err != nil {
			rows.Close()
			return 0, fmt.Errorf("refresh: %w", err)
		}
		if first == 0 {
			first = seq
		}
		last = max(last, seq)
		if !have[d] {
			have[d] = true
			docs = append(docs, d)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, fmt.Errorf("refresh: %w", err)
	}
	if last < seen || first > seen+1 {
		// The change log was pruned past what this store applied (or the
		// database was replaced): rebuild.
		return -1, s.reload(ctx)
	}
	loaded := make([][]loadedChunk, len(docs))
	for i, d := range docs {
		if loaded[i], err = loadDocument(ctx, s.db, d[0], d[1]); err != nil {
			return 0, fmt.Errorf("refresh %s: %w", d[1], err)
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	// Settled even when a chunk fails: searches need its postings in order.
	defer s.idx.settle()
	for i, d := range docs {
		s.idx.remove(d[0], d[1])
		for _, lc := range loaded[i] {
			if err := s.idx.addLoaded(lc); err != nil {
				return 0, fmt.Errorf("refresh %s: chunk %s: %w", d[1], lc.c.ID, err)
			}
		}
	}
	s.seen = last
	return len(docs), nil
}

// reload rebuilds the index from the database; the caller holds s.wmu.
func (s *Store) reload(ctx context.Context) error {
	last, err := lastChange(ctx, s.db)
	if err != nil {
		return fmt.Errorf("reload: %w", err)
	}
	x, err := load(ctx, s.db)
	if err != nil {
		return fmt.Errorf("reload: %w", err)
	}
	s.mu.Lock()
	s.idx, s.seen = x, last
	s.mu.Unlock()
	return nil
}

// watch refreshes every interval until stop is closed.
func (s *Store) watch(every time.Duration, onErr func(error)) {
	defer close(s.watchDone)
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-s.stopWatch:
			return
		case <-t.C:
			if _, err := s.Refresh(context.Background()); err != nil && onErr != nil {
				onErr(err)
			}
		}
	}
}

// loadedChunk is a stored chunk with its encoded terms and its document's
// dense model.
type loadedChunk struct {
	c     retrieval.Chunk
	terms []byte
	model string
}

// chunkQuery reads chunks with their terms, vectors and dense model.
const chunkQuery = `SELECT c.id,c.tenant,c.document_id,c.kind,c.title,c.url,c.heading,c.text,c.lang,c.page,c.position,c.meta,c.terms,c.dense,d.dense_model
	FROM chunks c JOIN documents d ON d.tenant=c.tenant AND d.id=c.document_id`

func scanChunk(rows *sql.Rows) (loadedChunk, error) {
	var lc loadedChunk
	var meta string
	var dense []byte
	c := &lc.c
	if err := rows.Scan(&c.ID, &c.Tenant, &c.DocumentID, &c.Kind, &c.Title, &c.URL, &c.Heading, &c.Text, &c.Lang, &c.Page, &c.Position, &meta, &lc.terms, &dense, &lc.model); err != nil {
		return lc, err
	}
	c.Meta = decodeMeta(meta)
	c.Dense = decodeDense(dense)
	return lc, nil
}

// loadDocument reads one document's chunks (none when it was deleted).
func loadDocument(ctx context.Context, db *sql.DB, tenant, id string) ([]loadedChunk, error) {
	rows, err := db.QueryContext(ctx, chunkQuery+` WHERE c.tenant=? AND c.document_id=? ORDER BY c.seq`, tenant, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []loadedChunk
	for rows.Next() {
		lc, err := scanChunk(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, lc)
	}
	return out, rows.Err()
}

// addLoaded indexes a chunk read from the database.
func (x *index) addLoaded(lc loadedChunk) error {
	if len(lc.c.Dense) > 0 {
		x.denseModel, x.denseDim = lc.model, len(lc.c.Dense)
	}
	return x.add(lc.c, lc.terms)
}
