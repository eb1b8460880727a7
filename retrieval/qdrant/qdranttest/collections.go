package qdranttest

import (
	"context"
	"sort"
	"sync"

	"github.com/qdrant/go-client/qdrant"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
)

func hasKey(ctx context.Context, key string) bool {
	md, _ := metadata.FromIncomingContext(ctx)
	for _, v := range md.Get("api-key") {
		if v == key {
			return true
		}
	}
	return false
}

// db is the server's state.
type db struct {
	mu   sync.RWMutex
	cols map[string]*collection
}

func newDB() *db { return &db{cols: map[string]*collection{}} }

// collection is one collection: its vector schema, payload indexes and
// points, with per-dimension document frequencies of each sparse vector
// (what Qdrant's IDF modifier uses).
type collection struct {
	name    string
	params  *qdrant.CollectionParams
	dense   map[string]*qdrant.VectorParams
	sparse  map[string]*qdrant.SparseVectorParams
	indexes map[string]*qdrant.PayloadSchemaInfo
	points  map[string]*point
	// post is the inverted index of each sparse vector: dimension → points
	// that have it, with their weight; its sizes are the document
	// frequencies.
	post map[string]map[uint32]map[string]posting
	// kw is the keyword payload index of the indexed top-level fields:
	// field → value → points. Like Qdrant, the server uses it to pick the
	// candidates of a filter before checking the whole filter.
	kw map[string]map[string]map[string]*point
}

type posting struct {
	p   *point
	val float32
}

func (d *db) get(name string) (*collection, error) {
	c, ok := d.cols[name]
	if !ok {
		return nil, status.Errorf(codes.NotFound, "Not found: Collection `%s` doesn't exist!", name)
	}
	return c, nil
}

type collectionsService struct {
	qdrant.UnimplementedCollectionsServer
	db *db
}

func (s *collectionsService) Create(_ context.Context, req *qdrant.CreateCollection) (*qdrant.CollectionOperationResponse, error) {
	if req.GetCollectionName() == "" {
		return nil, status.Error(codes.InvalidArgument, "empty collection name")
	}
	s.db.mu.Lock()
	defer s.db.mu.Unlock()
	if _, ok := s.db.cols[req.GetCollectionName()]; ok {
		return nil, status.Errorf(codes.AlreadyExists, "Collection `%s` already exists!", req.GetCollectionName())
	}
	c := &collection{
		name:    req.GetCollectionName(),
		dense:   map[string]*qdrant.VectorParams{},
		sparse:  map[string]*qdrant.SparseVectorParams{},
		indexes: map[string]*qdrant.PayloadSchemaInfo{},
		points:  map[string]*point{},
		post:    map[string]map[uint32]map[string]posting{},
		kw:      map[string]map[string]map[string]*point{},
	}
	switch vc := req.GetVectorsConfig().GetConfig().(type) {
	case nil:
	case *qdrant.VectorsConfig_ParamsMap:
		for name, p := range vc.ParamsMap.GetMap() {
			if p.GetSize() == 0 || p.GetDistance() == qdrant.Distance_UnknownDistance {
				return nil, status.Errorf(codes.InvalidArgument, "vector %q: size and distance are required", name)
			}
			if p.GetDistance() != qdrant.Distance_Cosine && p.GetDistance() != qdrant.Distance_Dot {
				return nil, status.Errorf(codes.Unimplemented, "qdranttest: distance %v", p.GetDistance())
			}
			c.dense[name] = p
		}
	default:
		return nil, status.Error(codes.Unimplemented, "qdranttest: only named vectors are supported")
	}
	for name, p := range req.GetSparseVectorsConfig().GetMap() {
		c.sparse[name] = p
		c.post[name] = map[uint32]map[string]posting{}
	}
	c.params = &qdrant.CollectionParams{
		ShardNumber:            max(req.GetShardNumber(), 1),
		ReplicationFactor:      qdrant.PtrOf(max(req.GetReplicationFactor(), 1)),
		WriteConsistencyFactor: qdrant.PtrOf(max(req.GetWriteConsistencyFactor(), 1)),
	}
	s.db.cols[c.name] = c
	return &qdrant.CollectionOperationResponse{Result: true}, nil
}

func (s *collectionsService) Get(_ context.Context, req *qdrant.GetCollectionInfoRequest) (*qdrant.GetCollectionInfoResponse, error) {
	s.db.mu.RLock()
	defer s.db.mu.RUnlock()
	c, err := s.db.get(req.GetCollectionName())
	if err != nil {
		return nil, err
	}
	params := proto.Clone(c.params).(*qdrant.CollectionParams)
	params.VectorsConfig = qdrant.NewVectorsConfigMap(c.dense)
	params.SparseVectorsConfig = qdrant.NewSparseVectorsConfig(c.sparse)
	schema := map[string]*qdrant.PayloadSchemaInfo{}
	for k, v := range c.indexes {
		schema[k] = v
	}
	return &qdrant.GetCollectionInfoResponse{Result: &qdrant.CollectionInfo{
		Status:        qdrant.CollectionStatus_Green,
		Config:        &qdrant.CollectionConfig{Params: params},
		PayloadSchema: schema,
		PointsCount:   qdrant.PtrOf(uint64(len(c.points))),
	}}, nil
}

func (s *collectionsService) List(context.Context, *qdrant.ListCollectionsRequest) (*qdrant.ListCollectionsResponse, error) {
	s.db.mu.RLock()
	defer s.db.mu.RUnlock()
	var names []string
	for n := range s.db.cols {
		names = append(names, n)
	}
	sort.Strings(names)
	r := &qdrant.ListCollectionsResponse{}
	for _, n := range names {
		r.Collections = append(r.Collections, &qdrant.CollectionDescription{Name: n})
	}
	return r, nil
}

func (s *collectionsService) Delete(_ context.Context, req *qdrant.DeleteCollection) (*qdrant.CollectionOperationResponse, error) {
	s.db.mu.Lock()
	defer s.db.mu.Unlock()
	_, ok := s.db.cols[req.GetCollectionName()]
	delete(s.db.cols, req.GetCollectionName())
	return &qdrant.CollectionOperationResponse{Result: ok}, nil
}

func (s *collectionsService) CollectionExists(_ context.Context, req *qdrant.CollectionExistsRequest) (*qdrant.CollectionExistsResponse, error) {
	s.db.mu.RLock()
	defer s.db.mu.RUnlock()
	_, ok := s.db.cols[req.GetCollectionName()]
	return &qdrant.CollectionExistsResponse{Result: &qdrant.CollectionExists{Exists: ok}}, nil
}
