package qdrant

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/qdrant/go-client/qdrant"
	"google.golang.org/grpc"
	"google.golang.org/grpc/backoff"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/answerdesk/answerdesk/retrieval"
)

// Store is the Qdrant retrieval.Store. It is safe for concurrent use.
type Store struct {
	cfg     Config
	client  *qdrant.Client
	an      *retrieval.Analyzer
	now     func() time.Time
	version string

	// wmu serializes this process's writers: each write reads and updates
	// a metadata point.
	wmu sync.Mutex

	mu    sync.Mutex
	state map[string]*pairState // by chunk collection name
}

// pairState is what the store caches about one pair of collections.
type pairState struct {
	denseDim int // size of the chunk collection's dense vector, 0 = none
	meta     collectionMeta
	metaAt   time.Time
}

var (
	_ retrieval.Store         = (*Store)(nil)
	_ retrieval.BatchReplacer = (*Store)(nil)
)

// cacheTTL bounds how stale the cached chunk count and dense model may be
// when another replica writes.
const cacheTTL = 10 * time.Second

// reconnect caps gRPC's reconnection backoff at one second (its default
// grows to two minutes): a restarted Qdrant is used again within about a
// second of coming back, instead of reads failing with ErrUnavailable for
// as long as the last backoff (TestE2EQdrantKilledDuringAnswers).
var reconnect = grpc.WithConnectParams(grpc.ConnectParams{
	Backoff:           backoff.Config{BaseDelay: 100 * time.Millisecond, Multiplier: 1.6, Jitter: 0.2, MaxDelay: time.Second},
	MinConnectTimeout: 5 * time.Second,
})

// Open connects to Qdrant, checks that it is reachable and recent enough,
// and creates the collections and payload indexes when they do not exist
// (per-tenant collections are created on each tenant's first write). An
// unreachable server is an error wrapping retrieval.ErrUnavailable.
func Open(ctx context.Context, cfg Config) (*Store, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	cfg = cfg.withDefaults()
	client, err := qdrant.NewClient(&qdrant.Config{
		Host:                   cfg.Host,
		Port:                   cfg.Port,
		APIKey:                 cfg.APIKey,
		UseTLS:                 cfg.TLS,
		PoolSize:               uint(cfg.PoolSize),
		SkipCompatibilityCheck: true, // checked below, with a clear error
		GrpcOptions:            append([]grpc.DialOption{reconnect}, cfg.DialOptions...),
	})
	if err != nil {
		return nil, fmt.Errorf("qdrant %s: %w", cfg.addr(), err)
	}
	s := &Store{cfg: cfg, client: client, an: retrieval.DefaultAnalyzer, now: time.Now, state: map[string]*pairState{}}
	if err := s.init(ctx); err != nil {
		client.Close()
		return nil, err
	}
	return s, nil
}

func (s *Store) init(ctx context.Context) error {
	var reply *qdrant.HealthCheckReply
	err := s.call(ctx, "health check", func(ctx context.Context) (err error) {
		reply, err = s.client.GetQdrantClient().HealthCheck(ctx, &qdrant.HealthCheckRequest{})
		return err
	})
	if errors.Is(err, retrieval.ErrUnavailable) {
		return fmt.Errorf("qdrant at %s is not reachable (check the store URL and that Qdrant is running): %w", s.cfg.addr(), err)
	}
	if err != nil {
		return fmt.Errorf("qdrant at %s: %w", s.cfg.addr(), err)
	}
	s.version = reply.GetVersion()
	v, err := qdrant.ParseVersion(s.version)
	if err != nil {
		return fmt.Errorf("qdrant at %s reports version %q: %w", s.cfg.addr(), s.version, err)
	}
	minV, _ := qdrant.ParseVersion(MinServerVersion)
	if v.Major < minV.Major || (v.Major == minV.Major && v.Minor < minV.Minor) {
		return fmt.Errorf("qdrant at %s is version %s, too old: answerdesk needs %s or newer (Query API, IDF modifier)", s.cfg.addr(), s.version, MinServerVersion)
	}
	if client, err := qdrant.ParseVersion("1.18"); err == nil && (v.Major != client.Major || v.Minor+1 < client.Minor || v.Minor > client.Minor+1) {
		s.cfg.Logger.Warn("qdrant server and client versions differ by more than one minor version", "server", s.version, "client", "1.18")
	}
	if s.cfg.TenantCollections {
		return nil
	}
	if _, err = s.open(ctx, s.cfg.shared(), true); err != nil {
		return fmt.Errorf("qdrant at %s: %w", s.cfg.addr(), err)
	}
	return nil
}

// pairOf is the pair of collections that holds tenant's documents.
func (s *Store) pairOf(tenant string) pair {
	if s.cfg.TenantCollections {
		return s.cfg.tenantPair(tenant)
	}
	return s.cfg.shared()
}

// open returns the state of a pair, checking (and with create, creating)
// its collections, indexes and metadata on first use. Without create, a
// pair whose collections do not exist yet gives nil, nil.
func (s *Store) open(ctx context.Context, p pair, create bool) (*pairState, error) {
	s.mu.Lock()
	st := s.state[p.chunks]
	s.mu.Unlock()
	if st != nil {
		return st, nil
	}
	if !create {
		exists, err := s.exists(ctx, p.chunks)
		if err != nil || !exists {
			return nil, err
		}
	}
	if err := s.ensureCollection(ctx, chunkCollection(s.cfg, p)); err != nil {
		return nil, err
	}
	if err := s.ensureCollection(ctx, docCollection(s.cfg, p)); err != nil {
		return nil, err
	}
	st = &pairState{}
	if err := s.checkSchema(ctx, p, st); err != nil {
		return nil, err
	}
	m, err := s.readMeta(ctx, p)
	if err != nil {
		return nil, err
	}
	st.meta, st.metaAt = m, s.now()
	s.mu.Lock()
	if prev := s.state[p.chunks]; prev != nil {
		st = prev
	} else {
		s.state[p.chunks] = st
	}
	s.mu.Unlock()
	return st, nil
}

func (s *Store) exists(ctx context.Context, collection string) (bool, error) {
	var exists bool
	err := s.call(ctx, "collection exists", func(ctx context.Context) error {
		r, err := s.client.GetCollectionsClient().CollectionExists(ctx, &qdrant.CollectionExistsRequest{CollectionName: collection})
		exists = r.GetResult().GetExists()
		return err
	})
	return exists, err
}

// ensureCollection creates a collection unless it exists; another replica
// creating it at the same time is fine.
func (s *Store) ensureCollection(ctx context.Context, req *qdrant.CreateCollection) error {
	exists, err := s.exists(ctx, req.CollectionName)
	if err != nil || exists {
		return err
	}
	s.cfg.Logger.Info("creating qdrant collection", "collection", req.CollectionName)
	return s.write(ctx, "create collection "+req.CollectionName, func(ctx context.Context) error {
		_, err := s.client.GetCollectionsClient().Create(ctx, req)
		if status.Code(err) == codes.AlreadyExists {
			return nil
		}
		return err
	})
}

// checkSchema verifies a pair's vectors and creates missing payload
// indexes.
func (s *Store) checkSchema(ctx context.Context, p pair, st *pairState) error {
	info := map[string]*qdrant.CollectionInfo{}
	for _, name := range []string{p.chunks, p.docs} {
		err := s.call(ctx, "collection info", func(ctx context.Context) error {
			r, err := s.client.GetCollectionsClient().Get(ctx, &qdrant.GetCollectionInfoRequest{CollectionName: name})
			info[name] = r.GetResult()
			return err
		})
		if err != nil {
			return err
		}
	}
	params := info[p.chunks].GetConfig().GetParams()
	sp := params.GetSparseVectorsConfig().GetMap()[vecSparse]
	if sp == nil || sp.GetModifier() != qdrant.Modifier_Idf {
		return fmt.Errorf("qdrant collection %q has no sparse vector %q with the IDF modifier: it was not created by answerdesk; choose another collection", p.chunks, vecSparse)
	}
	if dv := params.GetVectorsConfig().GetParamsMap().GetMap()[vecDense]; dv != nil {
		if s.cfg.DenseDim > 0 && int(dv.GetSize()) != s.cfg.DenseDim {
			return fmt.Errorf("%w: qdrant collection %q holds dense vectors of size %d, the embedding provider makes %d: use a new collection and re-ingest",
				retrieval.ErrModelMismatch, p.chunks, dv.GetSize(), s.cfg.DenseDim)
		}
		st.denseDim = int(dv.GetSize())
	}
	for _, req := range payloadIndexes(s.cfg, p) {
		if _, ok := info[req.CollectionName].GetPayloadSchema()[req.FieldName]; ok {
			continue
		}
		err := s.write(ctx, "create payload index "+req.FieldName, func(ctx context.Context) error {
			_, err := s.client.GetPointsClient().CreateFieldIndex(ctx, req)
			return err
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// ensureDense adds the named dense vector to a chunk collection created
// without one, on servers that can (Qdrant 1.18's CreateVectorName); older
// servers need dense_dim in the store URL before the collection is created.
func (s *Store) ensureDense(ctx context.Context, p pair, st *pairState, dim int) error {
	s.mu.Lock()
	have := st.denseDim
	s.mu.Unlock()
	if have == dim {
		return nil
	}
	if have != 0 {
		return fmt.Errorf("%w: qdrant collection %q holds dense vectors of size %d, got %d: use a new collection and re-ingest",
			retrieval.ErrModelMismatch, p.chunks, have, dim)
	}
	err := s.write(ctx, "create dense vector", func(ctx context.Context) error {
		_, err := s.client.GetPointsClient().CreateVectorName(ctx, &qdrant.CreateVectorNameRequest{
			CollectionName: p.chunks,
			Wait:           qdrant.PtrOf(true),
			VectorName:     vecDense,
			VectorConfig:   &qdrant.CreateVectorNameRequest_DenseConfig{DenseConfig: &qdrant.DenseVectorCreationConfig{Size: uint64(dim), Distance: qdrant.Distance_Cosine}},
		})
		if status.Code(err) == codes.AlreadyExists {
			return nil
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("qdrant collection %q has no dense vector and the server could not add one (set dense_dim=%d in the store URL for a new collection): %w", p.chunks, dim, err)
	}
	s.mu.Lock()
	st.denseDim = dim
	s.mu.Unlock()
	return nil
}

// Close closes the connections.
func (s *Store) Close() error { return s.client.Close() }

// readMeta reads a pair's metadata point (zero when absent).
func (s *Store) readMeta(ctx context.Context, p pair) (collectionMeta, error) {
	pts, err := s.getDocPoints(ctx, p, metaPointID)
	if err != nil {
		return collectionMeta{}, err
	}
	if pt, ok := pts[metaPointID]; ok {
		return parseMeta(pt.GetPayload()), nil
	}
	return collectionMeta{}, nil
}

// getDocPoints fetches points of a docs collection by id.
func (s *Store) getDocPoints(ctx context.Context, p pair, ids ...string) (map[string]*qdrant.RetrievedPoint, error) {
	pids := make([]*qdrant.PointId, len(ids))
	for i, id := range ids {
		pids[i] = qdrant.NewIDUUID(id)
	}
	var res []*qdrant.RetrievedPoint
	err := s.call(ctx, "get documents", func(ctx context.Context) error {
		r, err := s.client.GetPointsClient().Get(ctx, &qdrant.GetPoints{
			CollectionName: p.docs,
			Ids:            pids,
			WithPayload:    qdrant.NewWithPayload(true),
		})
		res = r.GetResult()
		return err
	})
	if err != nil {
		return nil, err
	}
	out := make(map[string]*qdrant.RetrievedPoint, len(res))
	for _, pt := range res {
		out[pointID(pt.GetId())] = pt
	}
	return out, nil
}

// prepared is a validated document ready to write.
type prepared struct {
	rec    docRecord
	chunks []retrieval.Chunk
	tfs    []map[string]int
	lens   []int
	dense  int // number of chunks with a dense vector
}

// ReplaceDocument implements retrieval.Store. See the package comment for
// what Qdrant makes of the atomicity promise.
func (s *Store) ReplaceDocument(ctx context.Context, doc retrieval.Document, chunks []retrieval.Chunk) error {
	return s.ReplaceDocuments(ctx, []retrieval.DocumentChunks{{Document: doc, Chunks: chunks}})
}

// ReplaceDocuments implements retrieval.BatchReplacer: the chunks of all
// documents share upsert requests. Each document is replaced as by
// ReplaceDocument; the batch as a whole is not atomic.
func (s *Store) ReplaceDocuments(ctx context.Context, docs []retrieval.DocumentChunks) error {
	var order []pair
	groups := map[pair][]prepared{}
	seen := map[[2]string]bool{}
	for _, d := range docs {
		key := [2]string{d.Document.Tenant, d.Document.ID}
		if seen[key] {
			return fmt.Errorf("%w: document %q twice in one batch", retrieval.ErrInvalid, d.Document.ID)
		}
		seen[key] = true
		if err := retrieval.ValidateDocument(d.Document, d.Chunks); err != nil {
			return err
		}
		p := prepared{rec: docRecord{doc: d.Document, gen: uuid.NewString()}, chunks: d.Chunks,
			tfs: make([]map[string]int, len(d.Chunks)), lens: make([]int, len(d.Chunks))}
		for i, c := range d.Chunks {
			p.tfs[i], p.lens[i] = s.an.TermFreqs(retrieval.IndexText(c))
			p.rec.lenSum += int64(p.lens[i])
			if len(c.Dense) > 0 {
				p.dense++
			}
		}
		pr := s.pairOf(d.Document.Tenant)
		if _, ok := groups[pr]; !ok {
			order = append(order, pr)
		}
		groups[pr] = append(groups[pr], p)
	}
	s.wmu.Lock()
	defer s.wmu.Unlock()
	for _, pr := range order {
		if err := s.replaceIn(ctx, pr, groups[pr]); err != nil {
			return err
		}
	}
	return nil
}

// replaceIn writes prepared documents of one pair: chunks, stale-chunk
// delete, then records and metadata (see the package comment).
func (s *Store) replaceIn(ctx context.Context, pr pair, ps []prepared) error {
	st, err := s.open(ctx, pr, true)
	if err != nil {
		return fmt.Errorf("replace documents: %w", err)
	}
	ids := []string{metaPointID}
	for _, p := range ps {
		ids = append(ids, DocumentPointID(p.rec.doc.Tenant, p.rec.doc.ID))
	}
	old, err := s.getDocPoints(ctx, pr, ids...)
	if err != nil {
		return fmt.Errorf("replace documents: %w", err)
	}
	meta := parseMeta(old[metaPointID].GetPayload())
	for _, p := range ps {
		if r, ok := old[DocumentPointID(p.rec.doc.Tenant, p.rec.doc.ID)]; ok {
			if o, err := parseDoc(r.GetPayload()); err == nil {
				meta.forget(o)
			}
		}
		meta.chunks += int64(len(p.chunks))
		meta.lenSum += p.rec.lenSum
		meta.denseChunks += int64(p.dense)
	}
	meta.settle()
	if err := s.checkDense(ctx, pr, st, ps, &meta); err != nil {
		return err
	}
	avg := s.cfg.AvgLen
	if avg <= 0 {
		avg = meta.avgLen()
	}
	now := s.now().UTC()
	var points []*qdrant.PointStruct
	for _, p := range ps {
		for i, c := range p.chunks {
			points = append(points, chunkPoint(c, p.rec.gen, p.tfs[i], p.lens[i], avg))
		}
	}
	if err := s.upsert(ctx, pr.chunks, points); err != nil {
		return fmt.Errorf("replace documents: write chunks: %w", err)
	}
	recs := make([]docRecord, len(ps))
	for i, p := range ps {
		recs[i] = p.rec
	}
	err = s.write(ctx, "delete stale chunks", func(ctx context.Context) error {
		_, err := s.client.GetPointsClient().Delete(ctx, &qdrant.DeletePoints{
			CollectionName: pr.chunks,
			Wait:           qdrant.PtrOf(true),
			Points:         qdrant.NewPointsSelectorFilter(staleChunksFilter(recs)),
		})
		return err
	})
	if err != nil {
		return fmt.Errorf("replace documents: delete old chunks: %w", err)
	}
	recPoints := make([]*qdrant.PointStruct, 0, len(ps)+1)
	for _, p := range ps {
		r := p.rec
		r.doc.Chunks = len(p.chunks)
		r.doc.Updated = now
		if p.dense == 0 {
			r.doc.DenseModel = ""
		}
		recPoints = append(recPoints, docPoint(r))
	}
	recPoints = append(recPoints, metaPoint(meta))
	if err := s.upsert(ctx, pr.docs, recPoints); err != nil {
		return fmt.Errorf("replace documents: write document records: %w", err)
	}
	s.setMeta(st, meta)
	return nil
}

// checkDense refuses dense vectors of another model or size than the pair
// holds (retrieval.ErrModelMismatch) and records the model of the first.
func (s *Store) checkDense(ctx context.Context, pr pair, st *pairState, ps []prepared, meta *collectionMeta) error {
	for _, p := range ps {
		for _, c := range p.chunks {
			if len(c.Dense) == 0 {
				continue
			}
			if meta.model == "" {
				meta.model, meta.dim = p.rec.doc.DenseModel, len(c.Dense)
			}
			if p.rec.doc.DenseModel != meta.model || len(c.Dense) != meta.dim {
				return fmt.Errorf("%w: store holds %q vectors of size %d, document %q has %q of size %d: re-embed the store",
					retrieval.ErrModelMismatch, meta.model, meta.dim, p.rec.doc.ID, p.rec.doc.DenseModel, len(c.Dense))
			}
		}
	}
	if meta.dim > 0 {
		return s.ensureDense(ctx, pr, st, meta.dim)
	}
	return nil
}

// upsert writes points in batches, each with wait=true and retries.
func (s *Store) upsert(ctx context.Context, collection string, points []*qdrant.PointStruct) error {
	for len(points) > 0 {
		n := min(len(points), s.cfg.BatchSize)
		batch := points[:n]
		points = points[n:]
		err := s.write(ctx, "upsert", func(ctx context.Context) error {
			_, err := s.client.GetPointsClient().Upsert(ctx, &qdrant.UpsertPoints{
				CollectionName: collection,
				Wait:           qdrant.PtrOf(true),
				Points:         batch,
			})
			return err
		})
		if err != nil {
			return err
		}
	}
	return nil
}

func (s *Store) setMeta(st *pairState, m collectionMeta) {
	s.mu.Lock()
	st.meta, st.metaAt = m, s.now()
	s.mu.Unlock()
}

// DeleteDocument implements retrieval.Store: the chunks first, then the
// record, so that an interrupted delete leaves a listed document that a
// second delete finishes.
func (s *Store) DeleteDocument(ctx context.Context, tenant, id string) error {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	pr := s.pairOf(tenant)
	st, err := s.open(ctx, pr, false)
	if err != nil {
		return fmt.Errorf("delete document %q: %w", id, err)
	}
	if st == nil {
		return fmt.Errorf("delete document %q: %w", id, retrieval.ErrNotFound)
	}
	rid := DocumentPointID(tenant, id)
	old, err := s.getDocPoints(ctx, pr, rid, metaPointID)
	if err != nil {
		return fmt.Errorf("delete document %q: %w", id, err)
	}
	r, ok := old[rid]
	if !ok {
		return fmt.Errorf("delete document %q: %w", id, retrieval.ErrNotFound)
	}
	o, err := parseDoc(r.GetPayload())
	if err != nil {
		return fmt.Errorf("delete document %q: %w", id, err)
	}
	err = s.write(ctx, "delete chunks", func(ctx context.Context) error {
		_, err := s.client.GetPointsClient().Delete(ctx, &qdrant.DeletePoints{
			CollectionName: pr.chunks,
			Wait:           qdrant.PtrOf(true),
			Points:         qdrant.NewPointsSelectorFilter(docChunksFilter(tenant, id)),
		})
		return err
	})
	if err != nil {
		return fmt.Errorf("delete document %q: %w", id, err)
	}
	err = s.write(ctx, "delete document record", func(ctx context.Context) error {
		_, err := s.client.GetPointsClient().Delete(ctx, &qdrant.DeletePoints{
			CollectionName: pr.docs,
			Wait:           qdrant.PtrOf(true),
			Points:         qdrant.NewPointsSelector(qdrant.NewIDUUID(rid)),
		})
		return err
	})
	if err != nil {
		return fmt.Errorf("delete document %q: %w", id, err)
	}
	meta := parseMeta(old[metaPointID].GetPayload())
	meta.forget(o)
	meta.settle()
	if err := s.upsert(ctx, pr.docs, []*qdrant.PointStruct{metaPoint(meta)}); err != nil {
		return fmt.Errorf("delete document %q: update metadata: %w", id, err)
	}
	s.setMeta(st, meta)
	return nil
}

// Document implements retrieval.Store.
func (s *Store) Document(ctx context.Context, tenant, id string) (retrieval.Document, error) {
	pr := s.pairOf(tenant)
	st, err := s.open(ctx, pr, false)
	if err != nil {
		return retrieval.Document{}, fmt.Errorf("document %q: %w", id, err)
	}
	if st == nil {
		return retrieval.Document{}, fmt.Errorf("document %q: %w", id, retrieval.ErrNotFound)
	}
	rid := DocumentPointID(tenant, id)
	pts, err := s.getDocPoints(ctx, pr, rid)
	if err != nil {
		return retrieval.Document{}, fmt.Errorf("document %q: %w", id, err)
	}
	p, ok := pts[rid]
	if !ok {
		return retrieval.Document{}, fmt.Errorf("document %q: %w", id, retrieval.ErrNotFound)
	}
	r, err := parseDoc(p.GetPayload())
	if err != nil {
		return retrieval.Document{}, fmt.Errorf("document %q: %w", id, err)
	}
	return r.doc, nil
}

// scrollPage is the page size of scrolls.
const scrollPage = 512

// scroll calls fn for every point of collection matching filter.
func (s *Store) scroll(ctx context.Context, collection string, filter *qdrant.Filter, payload *qdrant.WithPayloadSelector, fn func(*qdrant.RetrievedPoint) error) error {
	return s.scrollPoints(ctx, &qdrant.ScrollPoints{CollectionName: collection, Filter: filter, WithPayload: payload}, fn)
}

// scrollPoints calls fn for every point req selects, a page at a time.
func (s *Store) scrollPoints(ctx context.Context, req *qdrant.ScrollPoints, fn func(*qdrant.RetrievedPoint) error) error {
	req.Limit = qdrant.PtrOf(uint32(scrollPage))
	for {
		var res *qdrant.ScrollResponse
		err := s.call(ctx, "scroll", func(ctx context.Context) (err error) {
			res, err = s.client.GetPointsClient().Scroll(ctx, req)
			return err
		})
		if err != nil {
			return err
		}
		for _, p := range res.GetResult() {
			if err := fn(p); err != nil {
				return err
			}
		}
		req.Offset = res.NextPageOffset
		if req.Offset == nil || len(res.GetResult()) == 0 {
			return nil
		}
	}
}

// Documents implements retrieval.Store. Qdrant orders scrolls by point id,
// not by document id, so the tenant's records are read and sorted here:
// O(documents of the tenant) per call.
func (s *Store) Documents(ctx context.Context, f retrieval.DocFilter) ([]retrieval.Document, error) {
	if f.Tenant == "" {
		return nil, fmt.Errorf("%w: list documents: empty tenant", retrieval.ErrInvalid)
	}
	pr := s.pairOf(f.Tenant)
	st, err := s.open(ctx, pr, false)
	if err != nil || st == nil {
		return nil, err
	}
	var out []retrieval.Document
	err = s.scroll(ctx, pr.docs, docListFilter(f), qdrant.NewWithPayload(true), func(p *qdrant.RetrievedPoint) error {
		r, err := parseDoc(p.GetPayload())
		if err != nil {
			return err
		}
		if r.doc.ID > f.After && strings.HasPrefix(r.doc.Source, f.Source) {
			out = append(out, r.doc)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list documents: %w", err)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	if f.Limit > 0 && len(out) > f.Limit {
		out = out[:f.Limit]
	}
	return out, nil
}

// pairs lists the store's pairs of collections: the shared one, or every
// tenant's.
func (s *Store) pairs(ctx context.Context) ([]pair, error) {
	if !s.cfg.TenantCollections {
		return []pair{s.cfg.shared()}, nil
	}
	var names []string
	err := s.call(ctx, "list collections", func(ctx context.Context) error {
		r, err := s.client.GetCollectionsClient().List(ctx, &qdrant.ListCollectionsRequest{})
		for _, c := range r.GetCollections() {
			names = append(names, c.GetName())
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	var out []pair
	for _, n := range names {
		if strings.HasPrefix(n, s.cfg.tenantPrefix()) && !strings.HasSuffix(n, "_docs") {
			out = append(out, pairNamed(n))
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].chunks < out[j].chunks })
	return out, nil
}

// Stats implements retrieval.Store. Counts are exact; the tenant count
// scrolls the document records.
func (s *Store) Stats(ctx context.Context) (retrieval.Stats, error) {
	var st retrieval.Stats
	prs, err := s.pairs(ctx)
	if err != nil {
		return st, fmt.Errorf("stats: %w", err)
	}
	count := func(collection string, f *qdrant.Filter) (int, error) {
		var n uint64
		err := s.call(ctx, "count", func(ctx context.Context) error {
			r, err := s.client.GetPointsClient().Count(ctx, &qdrant.CountPoints{CollectionName: collection, Filter: f, Exact: qdrant.PtrOf(true)})
			n = r.GetResult().GetCount()
			return err
		})
		return int(n), err
	}
	tenants := map[string]bool{}
	for _, pr := range prs {
		docs, err := count(pr.docs, allDocsFilter())
		if err != nil {
			return st, fmt.Errorf("stats: %w", err)
		}
		chunks, err := count(pr.chunks, nil)
		if err != nil {
			return st, fmt.Errorf("stats: %w", err)
		}
		st.Documents += docs
		st.Chunks += chunks
		err = s.scroll(ctx, pr.docs, allDocsFilter(), qdrant.NewWithPayloadInclude(fTenant), func(p *qdrant.RetrievedPoint) error {
			tenants[getStr(p.GetPayload(), fTenant)] = true
			return nil
		})
		if err != nil {
			return st, fmt.Errorf("stats: %w", err)
		}
		m, err := s.readMeta(ctx, pr)
		if err != nil {
			return st, fmt.Errorf("stats: %w", err)
		}
		if st.DenseModel == "" {
			st.DenseModel, st.DenseDim = m.model, m.dim
		}
	}
	st.Tenants = len(tenants)
	return st, nil
}

// meta returns a pair's metadata, re-read when older than cacheTTL.
func (s *Store) meta(ctx context.Context, pr pair, st *pairState) (collectionMeta, error) {
	s.mu.Lock()
	m, at := st.meta, st.metaAt
	s.mu.Unlock()
	if s.now().Sub(at) < cacheTTL {
		return m, nil
	}
	m, err := s.readMeta(ctx, pr)
	if err != nil {
		return m, err
	}
	s.setMeta(st, m)
	return m, nil
}

// Search implements retrieval.Store.
func (s *Store) Search(ctx context.Context, q retrieval.Query) (retrieval.Result, error) {
	if q.Tenant == "" {
		return retrieval.Result{}, fmt.Errorf("%w: search: empty tenant", retrieval.ErrInvalid)
	}
	if q.K < 0 || q.K > retrieval.MaxK {
		return retrieval.Result{}, fmt.Errorf("%w: search: k must be between 1 and %d", retrieval.ErrInvalid, retrieval.MaxK)
	}
	k := q.K
	if k == 0 {
		k = retrieval.DefaultK
	}
	seen := map[string]bool{}
	var terms []string
	for _, t := range q.TermsOf(s.an) {
		if !seen[t] {
			seen[t] = true
			terms = append(terms, t)
		}
	}
	sort.Strings(terms)
	pr := s.pairOf(q.Tenant)
	st, err := s.open(ctx, pr, false)
	if err != nil {
		return retrieval.Result{}, fmt.Errorf("search: %w", err)
	}
	if st == nil { // a tenant with its own collections, none written yet
		return retrieval.Result{}, nil
	}
	m, err := s.meta(ctx, pr, st)
	if err != nil {
		return retrieval.Result{}, fmt.Errorf("search: %w", err)
	}
	useDense := false
	if len(q.Dense) > 0 && m.dim > 0 {
		if len(q.Dense) != m.dim {
			return retrieval.Result{}, fmt.Errorf("%w: query vector of size %d, store holds size %d", retrieval.ErrModelMismatch, len(q.Dense), m.dim)
		}
		s.mu.Lock()
		useDense = st.denseDim == m.dim
		s.mu.Unlock()
		if !useDense {
			// Another replica added the dense vector; learn it.
			if err := s.refreshDense(ctx, pr, st); err != nil {
				return retrieval.Result{}, fmt.Errorf("search: %w", err)
			}
			useDense = true
		}
	}
	if len(terms) == 0 && !useDense {
		return retrieval.Result{}, nil
	}
	plan := buildSearch(pr.chunks, q, terms, k, useDense)
	var results []*qdrant.BatchResult
	err = s.call(ctx, "query", func(ctx context.Context) error {
		r, err := s.client.GetPointsClient().QueryBatch(ctx, plan.req)
		results = r.GetResult()
		return err
	})
	if err != nil {
		return retrieval.Result{}, fmt.Errorf("search: %w", err)
	}
	return plan.assemble(results, int(m.chunks)), nil
}

// refreshDense re-reads a chunk collection's dense vector size.
func (s *Store) refreshDense(ctx context.Context, pr pair, st *pairState) error {
	return s.call(ctx, "collection info", func(ctx context.Context) error {
		r, err := s.client.GetCollectionsClient().Get(ctx, &qdrant.GetCollectionInfoRequest{CollectionName: pr.chunks})
		if err != nil {
			return err
		}
		dv := r.GetResult().GetConfig().GetParams().GetVectorsConfig().GetParamsMap().GetMap()[vecDense]
		if dv == nil {
			return errors.New("metadata names a dense model but the collection has no dense vector")
		}
		s.mu.Lock()
		st.denseDim = int(dv.GetSize())
		s.mu.Unlock()
		return nil
	})
}
