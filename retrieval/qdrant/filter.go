package qdrant

import (
	"sort"

	"github.com/qdrant/go-client/qdrant"

	"github.com/answerdesk/answerdesk/retrieval"
)

// searchFilter is the filter of every search: the tenant always, then the
// request's kinds (any of) and meta filters (every key, any of its values).
func searchFilter(q retrieval.Query) *qdrant.Filter {
	f := &qdrant.Filter{Must: []*qdrant.Condition{qdrant.NewMatchKeyword(fTenant, q.Tenant)}}
	if len(q.Kinds) > 0 {
		kinds := make([]string, len(q.Kinds))
		for i, k := range q.Kinds {
			kinds[i] = string(k)
		}
		f.Must = append(f.Must, qdrant.NewMatchKeywords(fKind, kinds...))
	}
	keys := make([]string, 0, len(q.Meta))
	for k := range q.Meta {
		keys = append(keys, k)
	}
	sort.Strings(keys) // deterministic requests
	for _, k := range keys {
		f.Must = append(f.Must, qdrant.NewMatchKeywords(metaPath(k), q.Meta[k]...))
	}
	return f
}

// docChunksFilter selects every chunk of a document.
func docChunksFilter(tenant, docID string) *qdrant.Filter {
	return &qdrant.Filter{Must: []*qdrant.Condition{
		qdrant.NewMatchKeyword(fTenant, tenant),
		qdrant.NewMatchKeyword(fDocID, docID),
	}}
}

// staleChunksFilter selects the chunks of the given documents that belong to
// another write generation than the one just written: what a replace must
// delete after upserting the new chunks.
func staleChunksFilter(docs []docRecord) *qdrant.Filter {
	if len(docs) == 1 {
		f := docChunksFilter(docs[0].doc.Tenant, docs[0].doc.ID)
		f.MustNot = []*qdrant.Condition{qdrant.NewMatchKeyword(fGen, docs[0].gen)}
		return f
	}
	f := &qdrant.Filter{}
	for _, d := range docs {
		sub := docChunksFilter(d.doc.Tenant, d.doc.ID)
		sub.MustNot = []*qdrant.Condition{qdrant.NewMatchKeyword(fGen, d.gen)}
		f.Should = append(f.Should, qdrant.NewFilterAsCondition(sub))
	}
	return f
}

// docListFilter selects a tenant's document records, optionally of a kind.
func docListFilter(f retrieval.DocFilter) *qdrant.Filter {
	flt := &qdrant.Filter{Must: []*qdrant.Condition{
		qdrant.NewMatchKeyword(fType, typeDocument),
		qdrant.NewMatchKeyword(fTenant, f.Tenant),
	}}
	if f.Kind != "" {
		flt.Must = append(flt.Must, qdrant.NewMatchKeyword(fKind, string(f.Kind)))
	}
	return flt
}

// allDocsFilter selects every document record.
func allDocsFilter() *qdrant.Filter {
	return &qdrant.Filter{Must: []*qdrant.Condition{qdrant.NewMatchKeyword(fType, typeDocument)}}
}
