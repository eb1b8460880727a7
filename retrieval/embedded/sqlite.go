package embedded

import (
	"context"
	"database/sql"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/answerdesk/answerdesk/retrieval"
	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

const schema = `
CREATE TABLE IF NOT EXISTS documents (
	tenant      TEXT NOT NULL,
	id          TEXT NOT NULL,
	kind        TEXT NOT NULL,
	title       TEXT NOT NULL,
	url         TEXT NOT NULL,
	lang        TEXT NOT NULL,
	source      TEXT NOT NULL,
	hash        TEXT NOT NULL,
	meta        TEXT NOT NULL,
	dense_model TEXT NOT NULL,
	chunks      INTEGER NOT NULL,
	updated     INTEGER NOT NULL,
	PRIMARY KEY (tenant, id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS chunks (
	seq         INTEGER PRIMARY KEY,
	id          TEXT NOT NULL UNIQUE,
	tenant      TEXT NOT NULL,
	document_id TEXT NOT NULL,
	kind        TEXT NOT NULL,
	title       TEXT NOT NULL,
	url         TEXT NOT NULL,
	heading     TEXT NOT NULL,
	text        TEXT NOT NULL,
	lang        TEXT NOT NULL,
	page        INTEGER NOT NULL,
	position    INTEGER NOT NULL,
	meta        TEXT NOT NULL,
	terms       BLOB NOT NULL,
	dense       BLOB
);
CREATE INDEX IF NOT EXISTS chunks_by_document ON chunks (tenant, document_id);
CREATE TABLE IF NOT EXISTS settings (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS changes (
	seq         INTEGER PRIMARY KEY AUTOINCREMENT,
	tenant      TEXT NOT NULL,
	document_id TEXT NOT NULL,
	at          INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS changes_by_time ON changes (at);
`

// schemaVersion changes when the stored term encoding or the analyzer
// changes in a way that needs a re-index.
const schemaVersion = "1"

func openDB(path string) (*sql.DB, error) {
	dsn := "file:" + path + "?_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_pragma=busy_timeout(5000)&_pragma=foreign_keys(ON)&_txlock=immediate"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, err
	}
	if _, err := db.Exec(schema); err != nil {
		db.Close()
		return nil, fmt.Errorf("create schema: %w", err)
	}
	var v string
	err = db.QueryRow(`SELECT value FROM settings WHERE key='schema_version'`).Scan(&v)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		if _, err := db.Exec(`INSERT INTO settings VALUES ('schema_version', ?)`, schemaVersion); err != nil {
			db.Close()
			return nil, err
		}
	case err != nil:
		db.Close()
		return nil, err
	case v != schemaVersion:
		db.Close()
		return nil, fmt.Errorf("data directory has schema version %s, this binary needs %s: re-ingest into a new data directory", v, schemaVersion)
	}
	return db, nil
}

func encodeMeta(m map[string]string) string {
	if len(m) == 0 {
		return "{}"
	}
	b, _ := json.Marshal(m) // map[string]string always marshals
	return string(b)
}

func decodeMeta(s string) map[string]string {
	if s == "" || s == "{}" {
		return nil
	}
	var m map[string]string
	if json.Unmarshal([]byte(s), &m) != nil {
		return nil
	}
	return m
}

// encodeTerms stores a chunk's analyzed terms, so that Open rebuilds the
// index without re-analyzing: uvarint length, then (uvarint len, bytes,
// uvarint tf) per term.
func encodeTerms(tf map[string]int, length int) []byte {
	b := make([]byte, 0, 16+len(tf)*10)
	b = binary.AppendUvarint(b, uint64(length))
	b = binary.AppendUvarint(b, uint64(len(tf)))
	for t, n := range tf {
		b = binary.AppendUvarint(b, uint64(len(t)))
		b = append(b, t...)
		b = binary.AppendUvarint(b, uint64(n))
	}
	return b
}

// decodeTerms calls fn for every stored term; term aliases b.
func decodeTerms(b []byte, fn func(term []byte, tf int)) (length int, err error) {
	l, n := binary.Uvarint(b)
	if n <= 0 {
		return 0, errors.New("corrupt terms")
	}
	b = b[n:]
	count, n := binary.Uvarint(b)
	if n <= 0 {
		return 0, errors.New("corrupt terms")
	}
	b = b[n:]
	for i := uint64(0); i < count; i++ {
		tl, n := binary.Uvarint(b)
		if n <= 0 || uint64(len(b)-n) < tl {
			return 0, errors.New("corrupt terms")
		}
		t := b[n : n+int(tl)]
		b = b[n+int(tl):]
		tf, n := binary.Uvarint(b)
		if n <= 0 {
			return 0, errors.New("corrupt terms")
		}
		b = b[n:]
		fn(t, int(tf))
	}
	return int(l), nil
}

func encodeDense(v []float32) []byte {
	if len(v) == 0 {
		return nil
	}
	b := make([]byte, 4*len(v))
	for i, f := range v {
		binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(f))
	}
	return b
}

func decodeDense(b []byte) []float32 {
	if len(b) == 0 || len(b)%4 != 0 {
		return nil
	}
	v := make([]float32, len(b)/4)
	for i := range v {
		v[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
	}
	return v
}

// writeDocs replaces documents in one transaction and returns the change
// span it logged.
func writeDocs(ctx context.Context, db *sql.DB, docs []prepared, now time.Time) (changeSpan, error) {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return changeSpan{}, fmt.Errorf("begin: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck // after Commit it is a no-op
	delChunks, err := tx.PrepareContext(ctx, `DELETE FROM chunks WHERE tenant=? AND document_id=?`)
	if err != nil {
		return changeSpan{}, err
	}
	upDoc, err := tx.PrepareContext(ctx, `INSERT OR REPLACE INTO documents
		(tenant,id,kind,title,url,lang,source,hash,meta,dense_model,chunks,updated) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)`)
	if err != nil {
		return changeSpan{}, err
	}
	insChunk, err := tx.PrepareContext(ctx, `INSERT INTO chunks
		(id,tenant,document_id,kind,title,url,heading,text,lang,page,position,meta,terms,dense) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)`)
	if err != nil {
		return changeSpan{}, err
	}
	for _, p := range docs {
		d := p.doc
		if _, err := delChunks.ExecContext(ctx, d.Tenant, d.ID); err != nil {
			return changeSpan{}, fmt.Errorf("delete chunks of %s: %w", d.ID, err)
		}
		if _, err := upDoc.ExecContext(ctx, d.Tenant, d.ID, d.Kind, d.Title, d.URL, d.Lang, d.Source, d.Hash,
			encodeMeta(d.Meta), d.DenseModel, len(p.chunks), now.UnixNano()); err != nil {
			return changeSpan{}, fmt.Errorf("write document %s: %w", d.ID, err)
		}
		for i, c := range p.chunks {
			if _, err := insChunk.ExecContext(ctx, c.ID, c.Tenant, c.DocumentID, c.Kind, c.Title, c.URL, c.Heading, c.Text,
				c.Lang, c.Page, c.Position, encodeMeta(c.Meta), p.terms[i], encodeDense(c.Dense)); err != nil {
				return changeSpan{}, fmt.Errorf("write chunk %s: %w", c.ID, err)
			}
		}
	}
	keys := make([][2]string, len(docs))
	for i, p := range docs {
		keys[i] = [2]string{p.doc.Tenant, p.doc.ID}
	}
	span, err := logChanges(ctx, tx, keys, now)
	if err != nil {
		return changeSpan{}, err
	}
	return span, tx.Commit()
}

func deleteDoc(ctx context.Context, db *sql.DB, tenant, id string, now time.Time) (changeSpan, error) {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return changeSpan{}, err
	}
	defer tx.Rollback() //nolint:errcheck
	res, err := tx.ExecContext(ctx, `DELETE FROM documents WHERE tenant=? AND id=?`, tenant, id)
	if err != nil {
		return changeSpan{}, err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return changeSpan{}, retrieval.ErrNotFound
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM chunks WHERE tenant=? AND document_id=?`, tenant, id); err != nil {
		return changeSpan{}, err
	}
	span, err := logChanges(ctx, tx, [][2]string{{tenant, id}}, now)
	if err != nil {
		return changeSpan{}, err
	}
	return span, tx.Commit()
}

func scanDoc(sc interface{ Scan(...any) error }) (retrieval.Document, error) {
	var d retrieval.Document
	var meta string
	var updated int64
	err := sc.Scan(&d.Tenant, &d.ID, &d.Kind, &d.Title, &d.URL, &d.Lang, &d.Source, &d.Hash, &meta, &d.DenseModel, &d.Chunks, &updated)
	d.Meta = decodeMeta(meta)
	d.Updated = time.Unix(0, updated).UTC()
	return d, err
}

const docColumns = `tenant,id,kind,title,url,lang,source,hash,meta,dense_model,chunks,updated`
