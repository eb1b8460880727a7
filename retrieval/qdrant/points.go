package qdrant

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/qdrant/go-client/qdrant"

	"github.com/answerdesk/answerdesk/retrieval"
)

// namespace is the UUIDv5 namespace of answerdesk point ids.
var namespace = uuid.NewSHA1(uuid.NameSpaceURL, []byte("https://answerdesk.dev/qdrant/points"))

// ChunkPointID is the point id of a chunk: UUIDv5 of the tenant and the
// chunk id. Chunk ids are derived from the document id and position, which
// two tenants may share, so the tenant is part of the name.
func ChunkPointID(tenant, chunkID string) string {
	return uuid.NewSHA1(namespace, []byte("chunk\x00"+tenant+"\x00"+chunkID)).String()
}

// DocumentPointID is the point id of a document record.
func DocumentPointID(tenant, docID string) string {
	return uuid.NewSHA1(namespace, []byte("doc\x00"+tenant+"\x00"+docID)).String()
}

// metaPointID is the id of the collection's metadata point.
var metaPointID = uuid.NewSHA1(namespace, []byte("meta")).String()

var simpleKey = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)

// metaPath is the payload path of a meta filter key. Keys that are not
// plain identifiers are quoted, as Qdrant's JSON path syntax allows.
func metaPath(key string) string {
	if simpleKey.MatchString(key) {
		return fMetaF + "." + key
	}
	return fMetaF + `."` + strings.ReplaceAll(key, `"`, ``) + `"`
}

// filterValues are the values a meta filter matches for v: the value itself
// and, for a comma-separated list ("tags": "a, b"), each trimmed element —
// the embedded store's semantics.
func filterValues(v string) []string {
	out := []string{v}
	if strings.Contains(v, ",") {
		for _, t := range strings.Split(v, ",") {
			if t = strings.TrimSpace(t); t != "" && t != v {
				out = append(out, t)
			}
		}
	}
	return out
}

func strMap(m map[string]string) *qdrant.Value {
	f := make(map[string]*qdrant.Value, len(m))
	for k, v := range m {
		f[k] = qdrant.NewValueString(v)
	}
	return qdrant.NewValueFromFields(f)
}

func metaFilterMap(m map[string]string) *qdrant.Value {
	f := make(map[string]*qdrant.Value, len(m))
	for k, v := range m {
		vals := filterValues(v)
		list := make([]*qdrant.Value, len(vals))
		for i, s := range vals {
			list[i] = qdrant.NewValueString(s)
		}
		f[k] = qdrant.NewValueFromList(list...)
	}
	return qdrant.NewValueFromFields(f)
}

// chunkPoint is the point of one chunk: payload, sparse vector of BM25TF
// weights for avgLen, and the dense vector if any. n is the chunk's BM25
// length.
func chunkPoint(c retrieval.Chunk, gen string, tf map[string]int, n int, avgLen float64) *qdrant.PointStruct {
	idx, vals := sparseWeights(tf, n, avgLen)
	vecs := map[string]*qdrant.Vector{}
	if len(idx) > 0 {
		vecs[vecSparse] = qdrant.NewVectorSparse(idx, vals)
	}
	if len(c.Dense) > 0 {
		vecs[vecDense] = qdrant.NewVectorDense(c.Dense)
	}
	payload := map[string]*qdrant.Value{
		fTenant:   qdrant.NewValueString(c.Tenant),
		fDocID:    qdrant.NewValueString(c.DocumentID),
		fKind:     qdrant.NewValueString(string(c.Kind)),
		fChunkID:  qdrant.NewValueString(c.ID),
		fTitle:    qdrant.NewValueString(c.Title),
		fURL:      qdrant.NewValueString(c.URL),
		fHeading:  qdrant.NewValueString(c.Heading),
		fText:     qdrant.NewValueString(c.Text),
		fLang:     qdrant.NewValueString(c.Lang),
		fPage:     qdrant.NewValueInt(int64(c.Page)),
		fPosition: qdrant.NewValueInt(int64(c.Position)),
		fMeta:     strMap(c.Meta),
		fMetaF:    metaFilterMap(c.Meta),
		fGen:      qdrant.NewValueString(gen),
		fLen:      qdrant.NewValueInt(int64(n)),
	}
	return &qdrant.PointStruct{
		Id:      qdrant.NewIDUUID(ChunkPointID(c.Tenant, c.ID)),
		Payload: payload,
		Vectors: qdrant.NewVectorsMap(vecs),
	}
}

// sparseWeights is a chunk's sparse vector: BM25TF per term for avgLen,
// indices sorted. Distinct terms may collide on a 32-bit id; their weights
// add up, as they would in any hashed sparse index.
func sparseWeights(tf map[string]int, n int, avgLen float64) ([]uint32, []float32) {
	idx := make([]uint32, 0, len(tf))
	w := make(map[uint32]float32, len(tf))
	for t, f := range tf {
		id := retrieval.TermID(t)
		if _, dup := w[id]; !dup {
			idx = append(idx, id)
		}
		w[id] += float32(retrieval.BM25TF(float64(f), float64(n), avgLen))
	}
	sort.Slice(idx, func(i, j int) bool { return idx[i] < idx[j] })
	vals := make([]float32, len(idx))
	for i, id := range idx {
		vals[i] = w[id]
	}
	return idx, vals
}

// docRecord is what the document record point stores beyond the Document.
type docRecord struct {
	doc    retrieval.Document
	gen    string
	lenSum int64
}

// docPoint is the document record point.
func docPoint(r docRecord) *qdrant.PointStruct {
	d := r.doc
	return &qdrant.PointStruct{
		Id: qdrant.NewIDUUID(DocumentPointID(d.Tenant, d.ID)),
		Payload: map[string]*qdrant.Value{
			fType:    qdrant.NewValueString(typeDocument),
			fTenant:  qdrant.NewValueString(d.Tenant),
			fDocID:   qdrant.NewValueString(d.ID),
			fKind:    qdrant.NewValueString(string(d.Kind)),
			fTitle:   qdrant.NewValueString(d.Title),
			fURL:     qdrant.NewValueString(d.URL),
			fLang:    qdrant.NewValueString(d.Lang),
			fSource:  qdrant.NewValueString(d.Source),
			fHash:    qdrant.NewValueString(d.Hash),
			fMeta:    strMap(d.Meta),
			fModel:   qdrant.NewValueString(d.DenseModel),
			fChunks:  qdrant.NewValueInt(int64(d.Chunks)),
			fUpdated: qdrant.NewValueString(d.Updated.UTC().Format(time.RFC3339Nano)),
			fGen:     qdrant.NewValueString(r.gen),
			fLen:     qdrant.NewValueInt(r.lenSum),
		},
		Vectors: qdrant.NewVectorsMap(map[string]*qdrant.Vector{}),
	}
}

// collectionMeta is the metadata point: collection-wide BM25 length
// statistics and the dense model. It is maintained by read-modify-write
// under the store's write lock; writers in several processes may race and
// lose an update, which only makes the running average approximate.
type collectionMeta struct {
	chunks      int64
	lenSum      int64
	denseChunks int64
	model       string
	dim         int
}

func (m collectionMeta) avgLen() float64 {
	if m.chunks <= 0 {
		return 0
	}
	return float64(m.lenSum) / float64(m.chunks)
}

func metaPoint(m collectionMeta) *qdrant.PointStruct {
	return &qdrant.PointStruct{
		Id: qdrant.NewIDUUID(metaPointID),
		Payload: map[string]*qdrant.Value{
			fType:   qdrant.NewValueString(typeMeta),
			fChunks: qdrant.NewValueInt(m.chunks),
			fLen:    qdrant.NewValueInt(m.lenSum),
			fModel:  qdrant.NewValueString(m.model),
			fDim:    qdrant.NewValueInt(int64(m.dim)),
			fDenseN: qdrant.NewValueInt(m.denseChunks),
			fSchema: qdrant.NewValueInt(schemaVersion),
		},
		Vectors: qdrant.NewVectorsMap(map[string]*qdrant.Vector{}),
	}
}

func parseMeta(p map[string]*qdrant.Value) collectionMeta {
	return collectionMeta{
		chunks:      getInt(p, fChunks),
		lenSum:      getInt(p, fLen),
		denseChunks: getInt(p, fDenseN),
		model:       getStr(p, fModel),
		dim:         int(getInt(p, fDim)),
	}
}

func getStr(p map[string]*qdrant.Value, k string) string { return p[k].GetStringValue() }

func getInt(p map[string]*qdrant.Value, k string) int64 {
	v := p[k]
	if v == nil {
		return 0
	}
	if _, ok := v.GetKind().(*qdrant.Value_DoubleValue); ok {
		return int64(v.GetDoubleValue())
	}
	return v.GetIntegerValue()
}

func getStrMap(p map[string]*qdrant.Value, k string) map[string]string {
	fs := p[k].GetStructValue().GetFields()
	if len(fs) == 0 {
		return nil
	}
	m := make(map[string]string, len(fs))
	for k, v := range fs {
		m[k] = v.GetStringValue()
	}
	return m
}

// parseDoc reads a document record.
func parseDoc(p map[string]*qdrant.Value) (docRecord, error) {
	if getStr(p, fType) != typeDocument {
		return docRecord{}, fmt.Errorf("point is not a document record")
	}
	d := retrieval.Document{
		ID:         getStr(p, fDocID),
		Tenant:     getStr(p, fTenant),
		Kind:       retrieval.Kind(getStr(p, fKind)),
		Title:      getStr(p, fTitle),
		URL:        getStr(p, fURL),
		Lang:       getStr(p, fLang),
		Source:     getStr(p, fSource),
		Hash:       getStr(p, fHash),
		Meta:       getStrMap(p, fMeta),
		DenseModel: getStr(p, fModel),
		Chunks:     int(getInt(p, fChunks)),
	}
	if u := getStr(p, fUpdated); u != "" {
		t, err := time.Parse(time.RFC3339Nano, u)
		if err != nil {
			return docRecord{}, fmt.Errorf("document %q: bad updated time: %w", d.ID, err)
		}
		d.Updated = t
	}
	return docRecord{doc: d, gen: getStr(p, fGen), lenSum: getInt(p, fLen)}, nil
}

// parseChunk reads a chunk point's payload.
func parseChunk(p map[string]*qdrant.Value) retrieval.Chunk {
	return retrieval.Chunk{
		ID:         getStr(p, fChunkID),
		DocumentID: getStr(p, fDocID),
		Tenant:     getStr(p, fTenant),
		Kind:       retrieval.Kind(getStr(p, fKind)),
		Title:      getStr(p, fTitle),
		URL:        getStr(p, fURL),
		Heading:    getStr(p, fHeading),
		Text:       getStr(p, fText),
		Lang:       getStr(p, fLang),
		Page:       int(getInt(p, fPage)),
		Position:   int(getInt(p, fPosition)),
		Meta:       getStrMap(p, fMeta),
	}
}

// pointID returns the string form of a point id.
func pointID(id *qdrant.PointId) string {
	if u := id.GetUuid(); u != "" {
		return u
	}
	return fmt.Sprint(id.GetNum())
}

// forget removes a document's chunks from the counters.
func (m *collectionMeta) forget(o docRecord) {
	m.chunks -= int64(o.doc.Chunks)
	m.lenSum -= o.lenSum
	if o.doc.DenseModel != "" {
		m.denseChunks -= int64(o.doc.Chunks)
	}
}

// settle clamps the counters (writers in several processes may have raced)
// and forgets the dense model once no chunk has a vector.
func (m *collectionMeta) settle() {
	m.chunks, m.lenSum = max(m.chunks, 0), max(m.lenSum, 0)
	if m.denseChunks <= 0 {
		m.denseChunks, m.model, m.dim = 0, "", 0
	}
}
