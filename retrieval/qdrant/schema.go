package qdrant

import (
	"github.com/qdrant/go-client/qdrant"
)

// Names of the vectors and payload fields. They are part of the on-disk
// format of a deployment: changing one needs a migration.
const (
	vecSparse = "bm25"  // sparse BM25TF weights, IDF modifier
	vecDense  = "dense" // cosine

	fTenant   = "tenant"
	fDocID    = "document_id"
	fKind     = "kind"
	fType     = "type" // docs collection: typeDocument or typeMeta
	fChunkID  = "chunk_id"
	fTitle    = "title"
	fURL      = "url"
	fHeading  = "heading"
	fText     = "text"
	fLang     = "lang"
	fPage     = "page"
	fPosition = "position"
	fMeta     = "meta" // Document/Chunk.Meta as given
	fMetaF    = "mf"   // meta for filtering: key → [value, comma-separated tags…]
	fGen      = "gen"  // write generation of a chunk / document record
	fLen      = "len"  // BM25 length of a chunk, or summed over a document
	fSource   = "source"
	fHash     = "hash"
	fModel    = "dense_model"
	fDim      = "dense_dim"
	fDenseN   = "dense_chunks"
	fChunks   = "chunks"
	fUpdated  = "updated"
	fSchema   = "schema"

	typeDocument = "document"
	typeMeta     = "meta"

	schemaVersion = 1
)

// chunkCollection is the CreateCollection request of the chunk collection:
// a named sparse vector with the IDF modifier and, when the embedding size is
// known, a named cosine dense vector.
func chunkCollection(cfg Config, p pair) *qdrant.CreateCollection {
	req := &qdrant.CreateCollection{
		CollectionName: p.chunks,
		SparseVectorsConfig: qdrant.NewSparseVectorsConfig(map[string]*qdrant.SparseVectorParams{
			vecSparse: {Modifier: qdrant.Modifier_Idf.Enum()},
		}),
	}
	if cfg.DenseDim > 0 {
		req.VectorsConfig = qdrant.NewVectorsConfigMap(map[string]*qdrant.VectorParams{
			vecDense: denseParams(cfg.DenseDim),
		})
	}
	cluster(req, cfg)
	return req
}

func denseParams(dim int) *qdrant.VectorParams {
	return &qdrant.VectorParams{Size: uint64(dim), Distance: qdrant.Distance_Cosine}
}

// docCollection is the CreateCollection request of the document-record
// collection. Its points carry payload only; the sparse vector config is
// there because a collection needs at least one vector definition on older
// servers, and no point ever sets it.
func docCollection(cfg Config, p pair) *qdrant.CreateCollection {
	req := &qdrant.CreateCollection{
		CollectionName: p.docs,
		SparseVectorsConfig: qdrant.NewSparseVectorsConfig(map[string]*qdrant.SparseVectorParams{
			"unused": {},
		}),
	}
	cluster(req, cfg)
	return req
}

func cluster(req *qdrant.CreateCollection, cfg Config) {
	if cfg.Shards > 0 {
		req.ShardNumber = &cfg.Shards
	}
	if cfg.ReplicationFactor > 0 {
		req.ReplicationFactor = &cfg.ReplicationFactor
	}
	if cfg.WriteConsistency > 0 {
		req.WriteConsistencyFactor = &cfg.WriteConsistency
	}
}

// keywordIndex is a keyword payload index request; tenant marks the field
// as the tenant key, which lets Qdrant co-locate each tenant's points.
func keywordIndex(collection, field string, tenant bool) *qdrant.CreateFieldIndexCollection {
	req := &qdrant.CreateFieldIndexCollection{
		CollectionName: collection,
		Wait:           qdrant.PtrOf(true),
		FieldName:      field,
		FieldType:      qdrant.FieldType_FieldTypeKeyword.Enum(),
	}
	if tenant {
		req.FieldIndexParams = qdrant.NewPayloadIndexParamsKeyword(&qdrant.KeywordIndexParams{IsTenant: qdrant.PtrOf(true)})
	}
	return req
}

// payloadIndexes lists the payload indexes of both collections.
func payloadIndexes(cfg Config, p pair) []*qdrant.CreateFieldIndexCollection {
	reqs := []*qdrant.CreateFieldIndexCollection{
		keywordIndex(p.chunks, fTenant, true),
		keywordIndex(p.chunks, fKind, false),
		keywordIndex(p.chunks, fDocID, false),
	}
	for _, f := range cfg.MetaFields {
		reqs = append(reqs, keywordIndex(p.chunks, metaPath(f), false))
	}
	dc := p.docs
	return append(reqs,
		keywordIndex(dc, fTenant, true),
		keywordIndex(dc, fType, false),
		keywordIndex(dc, fKind, false),
		keywordIndex(dc, fDocID, false),
	)
}
