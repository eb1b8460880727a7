package embedded

import (
	"context"
	"encoding/binary"
	"fmt"

	"github.com/answerdesk/answerdesk/retrieval"
)

var _ retrieval.Exporter = (*Store)(nil)

// tenantWhere is the filter of an export: one tenant, or every tenant.
func tenantWhere(tenant string) (string, []any) {
	if tenant == "" {
		return "", nil
	}
	return " WHERE tenant=?", []any{tenant}
}

// ExportStats implements retrieval.Exporter. The average length is over
// the stored chunks' BM25 lengths (the first field of their terms).
func (s *Store) ExportStats(ctx context.Context, tenant string) (retrieval.ExportStats, error) {
	var st retrieval.ExportStats
	where, args := tenantWhere(tenant)
	if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM documents`+where, args...).Scan(&st.Documents); err != nil {
		return st, fmt.Errorf("export stats: %w", err)
	}
	rows, err := s.db.QueryContext(ctx, `SELECT substr(terms,1,10) FROM chunks`+where, args...)
	if err != nil {
		return st, fmt.Errorf("export stats: %w", err)
	}
	defer rows.Close()
	var sum uint64
	var b []byte
	for rows.Next() {
		if err := rows.Scan(&b); err != nil {
			return st, fmt.Errorf("export stats: %w", err)
		}
		l, n := binary.Uvarint(b)
		if n <= 0 {
			return st, fmt.Errorf("export stats: corrupt terms in %s", s.path)
		}
		sum += l
		st.Chunks++
	}
	if err := rows.Err(); err != nil {
		return st, fmt.Errorf("export stats: %w", err)
	}
	if st.Chunks > 0 {
		st.AvgLen = float64(sum) / float64(st.Chunks)
	}
	return st, nil
}

// Export implements retrieval.Exporter from the database, the durable copy.
func (s *Store) Export(ctx context.Context, tenant string, fn func(retrieval.DocumentChunks) error) error {
	where, args := tenantWhere(tenant)
	rows, err := s.db.QueryContext(ctx, `SELECT `+docColumns+` FROM documents`+where+` ORDER BY tenant, id`, args...)
	if err != nil {
		return fmt.Errorf("export documents: %w", err)
	}
	var docs []retrieval.Document
	for rows.Next() {
		d, err := scanDoc(rows)
		if err != nil {
			rows.Close()
			return fmt.Errorf("export documents: %w", err)
		}
		docs = append(docs, d)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("export documents: %w", err)
	}
	for _, d := range docs {
		chunks, err := s.exportChunks(ctx, d)
		if err != nil {
			return err
		}
		if err := fn(retrieval.DocumentChunks{Document: d, Chunks: chunks}); err != nil {
			return err
		}
	}
	return nil
}

func (s *Store) exportChunks(ctx context.Context, d retrieval.Document) ([]retrieval.Chunk, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id,tenant,document_id,kind,title,url,heading,text,lang,page,position,meta,dense
		FROM chunks WHERE tenant=? AND document_id=? ORDER BY position, seq`, d.Tenant, d.ID)
	if err != nil {
		return nil, fmt.Errorf("export chunks of %s: %w", d.ID, err)
	}
	defer rows.Close()
	var out []retrieval.Chunk
	for rows.Next() {
		var c retrieval.Chunk
		var meta string
		var dense []byte
		if err := rows.Scan(&c.ID, &c.Tenant, &c.DocumentID, &c.Kind, &c.Title, &c.URL, &c.Heading, &c.Text, &c.Lang, &c.Page, &c.Position, &meta, &dense); err != nil {
			return nil, fmt.Errorf("export chunks of %s: %w", d.ID, err)
		}
		c.Meta = decodeMeta(meta)
		c.Dense = decodeDense(dense)
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("export chunks of %s: %w", d.ID, err)
	}
	return out, nil
}
