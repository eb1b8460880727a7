package qdranttest

import (
	"context"
	"fmt"
	"sort"

	"github.com/google/uuid"
	"github.com/qdrant/go-client/qdrant"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	"github.com/answerdesk/answerdesk/retrieval/dense"
)

// point is one stored point.
type point struct {
	id      *qdrant.PointId
	key     string // canonical id, for ordering and maps
	payload map[string]*qdrant.Value
	dense   map[string][]float32 // normalized when the distance is cosine
	sparse  map[string]sparseVec
}

type sparseVec struct {
	idx  []uint32
	vals []float32
}

// idKey is the canonical form of a point id; numeric ids sort before
// UUIDs, as in Qdrant.
func idKey(id *qdrant.PointId) (string, error) {
	switch v := id.GetPointIdOptions().(type) {
	case *qdrant.PointId_Num:
		return fmt.Sprintf("0%020d", v.Num), nil
	case *qdrant.PointId_Uuid:
		u, err := uuid.Parse(v.Uuid)
		if err != nil {
			return "", status.Errorf(codes.InvalidArgument, "Unable to parse UUID: %s", v.Uuid)
		}
		return "1" + u.String(), nil
	default:
		return "", status.Error(codes.InvalidArgument, "empty point id")
	}
}

func canonID(id *qdrant.PointId) *qdrant.PointId {
	if u := id.GetUuid(); u != "" {
		if p, err := uuid.Parse(u); err == nil {
			return qdrant.NewIDUUID(p.String())
		}
	}
	return proto.Clone(id).(*qdrant.PointId)
}

type pointsService struct {
	qdrant.UnimplementedPointsServer
	db *db
}

func done() *qdrant.PointsOperationResponse {
	return &qdrant.PointsOperationResponse{Result: &qdrant.UpdateResult{Status: qdrant.UpdateStatus_Completed}}
}

// vectorOf reads a Vector in the current (oneof) or the deprecated form.
func vectorOf(v *qdrant.Vector) (dense []float32, sparse *sparseVec, err error) {
	switch x := v.GetVector().(type) {
	case *qdrant.Vector_Dense:
		return x.Dense.GetData(), nil, nil
	case *qdrant.Vector_Sparse:
		return nil, &sparseVec{idx: x.Sparse.GetIndices(), vals: x.Sparse.GetValues()}, nil
	case nil:
		//lint:ignore SA1019 the fake accepts the deprecated form older clients send
		if idx := v.GetIndices(); idx != nil {
			//lint:ignore SA1019 the fake accepts the deprecated form older clients send
			return nil, &sparseVec{idx: idx.GetData(), vals: v.GetData()}, nil
		}
		//lint:ignore SA1019 the fake accepts the deprecated form older clients send
		return v.GetData(), nil, nil
	default:
		return nil, nil, status.Error(codes.Unimplemented, "qdranttest: only dense and sparse vectors")
	}
}

// normalize is v at unit length as Qdrant stores it for cosine distance
// (a zero vector stays zero).
func normalize(v []float32) []float32 {
	if u := dense.Unit(v); u != nil {
		return u
	}
	return make([]float32, len(v))
}

// newPoint validates a PointStruct against the collection's schema.
func (c *collection) newPoint(ps *qdrant.PointStruct) (*point, error) {
	key, err := idKey(ps.GetId())
	if err != nil {
		return nil, err
	}
	p := &point{id: canonID(ps.GetId()), key: key, payload: ps.GetPayload(), dense: map[string][]float32{}, sparse: map[string]sparseVec{}}
	if p.payload == nil {
		p.payload = map[string]*qdrant.Value{}
	}
	var named map[string]*qdrant.Vector
	switch v := ps.GetVectors().GetVectorsOptions().(type) {
	case nil:
	case *qdrant.Vectors_Vectors:
		named = v.Vectors.GetVectors()
	default:
		return nil, status.Error(codes.InvalidArgument, "Wrong input: Not existing vector name error: (unnamed vector)")
	}
	for name, v := range named {
		dense, sparse, err := vectorOf(v)
		if err != nil {
			return nil, err
		}
		if sparse != nil {
			if _, ok := c.sparse[name]; !ok {
				return nil, status.Errorf(codes.InvalidArgument, "Wrong input: Not existing vector name error: %s", name)
			}
			if len(sparse.idx) != len(sparse.vals) {
				return nil, status.Error(codes.InvalidArgument, "Validation error: indices and values must be the same length")
			}
			seen := map[uint32]bool{}
			for _, i := range sparse.idx {
				if seen[i] {
					return nil, status.Error(codes.InvalidArgument, "Validation error: indices must be unique")
				}
				seen[i] = true
			}
			p.sparse[name] = *sparse
			continue
		}
		params, ok := c.dense[name]
		if !ok {
			return nil, status.Errorf(codes.InvalidArgument, "Wrong input: Not existing vector name error: %s", name)
		}
		if uint64(len(dense)) != params.GetSize() {
			return nil, status.Errorf(codes.InvalidArgument, "Wrong input: Vector dimension error: expected dim: %d, got %d", params.GetSize(), len(dense))
		}
		if params.GetDistance() == qdrant.Distance_Cosine {
			dense = normalize(dense)
		}
		p.dense[name] = dense
	}
	return p, nil
}

func (c *collection) put(p *point) {
	c.remove(p.key)
	c.points[p.key] = p
	for name, v := range p.sparse {
		for j, i := range v.idx {
			set := c.post[name][i]
			if set == nil {
				set = map[string]posting{}
				c.post[name][i] = set
			}
			set[p.key] = posting{p: p, val: v.vals[j]}
		}
	}
	for field, idx := range c.kw {
		for _, kw := range keywords(p.payload[field]) {
			set := idx[kw]
			if set == nil {
				set = map[string]*point{}
				idx[kw] = set
			}
			set[p.key] = p
		}
	}
}

func (c *collection) remove(key string) {
	old, ok := c.points[key]
	if !ok {
		return
	}
	for name, v := range old.sparse {
		for _, i := range v.idx {
			delete(c.post[name][i], key)
			if len(c.post[name][i]) == 0 {
				delete(c.post[name], i)
			}
		}
	}
	for field, idx := range c.kw {
		for _, kw := range keywords(old.payload[field]) {
			delete(idx[kw], key)
			if len(idx[kw]) == 0 {
				delete(idx, kw)
			}
		}
	}
	delete(c.points, key)
}

func (s *pointsService) Upsert(_ context.Context, req *qdrant.UpsertPoints) (*qdrant.PointsOperationResponse, error) {
	s.db.mu.Lock()
	defer s.db.mu.Unlock()
	c, err := s.db.get(req.GetCollectionName())
	if err != nil {
		return nil, err
	}
	if req.UpdateFilter != nil || req.UpdateMode != nil {
		return nil, status.Error(codes.Unimplemented, "qdranttest: conditional upserts")
	}
	// Validate all before applying any: one request is one operation.
	pts := make([]*point, 0, len(req.GetPoints()))
	for _, ps := range req.GetPoints() {
		p, err := c.newPoint(ps)
		if err != nil {
			return nil, err
		}
		pts = append(pts, p)
	}
	for _, p := range pts {
		c.put(p)
	}
	return done(), nil
}

func (s *pointsService) Delete(_ context.Context, req *qdrant.DeletePoints) (*qdrant.PointsOperationResponse, error) {
	s.db.mu.Lock()
	defer s.db.mu.Unlock()
	c, err := s.db.get(req.GetCollectionName())
	if err != nil {
		return nil, err
	}
	switch sel := req.GetPoints().GetPointsSelectorOneOf().(type) {
	case *qdrant.PointsSelector_Points:
		for _, id := range sel.Points.GetIds() {
			key, err := idKey(id)
			if err != nil {
				return nil, err
			}
			c.remove(key)
		}
	case *qdrant.PointsSelector_Filter:
		pts, err := c.filtered(sel.Filter)
		if err != nil {
			return nil, err
		}
		for _, p := range pts {
			c.remove(p.key)
		}
	default:
		return nil, status.Error(codes.InvalidArgument, "points selector is required")
	}
	return done(), nil
}

func (s *pointsService) Get(_ context.Context, req *qdrant.GetPoints) (*qdrant.GetResponse, error) {
	s.db.mu.RLock()
	defer s.db.mu.RUnlock()
	c, err := s.db.get(req.GetCollectionName())
	if err != nil {
		return nil, err
	}
	r := &qdrant.GetResponse{}
	for _, id := range req.GetIds() {
		key, err := idKey(id)
		if err != nil {
			return nil, err
		}
		if p, ok := c.points[key]; ok {
			r.Result = append(r.Result, c.retrieved(p, req.GetWithPayload(), req.GetWithVectors(), true))
		}
	}
	return r, nil
}

// keywords are the string values of a top-level payload value.
func keywords(v *qdrant.Value) []string {
	switch k := v.GetKind().(type) {
	case *qdrant.Value_StringValue:
		return []string{k.StringValue}
	case *qdrant.Value_ListValue:
		var out []string
		for _, e := range k.ListValue.GetValues() {
			if s, ok := e.GetKind().(*qdrant.Value_StringValue); ok {
				out = append(out, s.StringValue)
			}
		}
		return out
	}
	return nil
}

// indexed returns a superset of the points matching f from the keyword
// index (ok false when the filter has no indexed condition to start from).
func (c *collection) indexed(f *qdrant.Filter) (map[string]*point, bool) {
	if f == nil {
		return nil, false
	}
	var best map[string]*point
	found := false
	for _, cd := range f.GetMust() {
		var set map[string]*point
		ok := false
		switch x := cd.GetConditionOneOf().(type) {
		case *qdrant.Condition_Field:
			idx, indexed := c.kw[x.Field.GetKey()]
			if !indexed {
				continue
			}
			switch m := x.Field.GetMatch().GetMatchValue().(type) {
			case *qdrant.Match_Keyword:
				set, ok = idx[m.Keyword], true
			case *qdrant.Match_Keywords:
				set, ok = map[string]*point{}, true
				for _, kw := range m.Keywords.GetStrings() {
					for k, p := range idx[kw] {
						set[k] = p
					}
				}
			}
		case *qdrant.Condition_Filter:
			set, ok = c.indexed(x.Filter)
		}
		if ok && (!found || len(set) < len(best)) {
			best, found = set, true
		}
	}
	if found || len(f.GetShould()) == 0 {
		return best, found
	}
	union := map[string]*point{}
	for _, cd := range f.GetShould() {
		sub := cd.GetFilter()
		if sub == nil {
			return nil, false
		}
		set, ok := c.indexed(sub)
		if !ok {
			return nil, false
		}
		for k, p := range set {
			union[k] = p
		}
	}
	return union, true
}

// filtered returns the points matching f in id order.
func (c *collection) filtered(f *qdrant.Filter) ([]*point, error) {
	var out []*point
	all := c.points
	if set, ok := c.indexed(f); ok {
		all = set
	}
	for _, p := range all {
		ok, err := matches(f, p)
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, p)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].key < out[j].key })
	return out, nil
}

func (s *pointsService) Scroll(_ context.Context, req *qdrant.ScrollPoints) (*qdrant.ScrollResponse, error) {
	if req.OrderBy != nil {
		return nil, status.Error(codes.Unimplemented, "qdranttest: scroll order_by")
	}
	s.db.mu.RLock()
	defer s.db.mu.RUnlock()
	c, err := s.db.get(req.GetCollectionName())
	if err != nil {
		return nil, err
	}
	pts, err := c.filtered(req.GetFilter())
	if err != nil {
		return nil, err
	}
	if req.Offset != nil {
		from, err := idKey(req.GetOffset())
		if err != nil {
			return nil, err
		}
		i := sort.Search(len(pts), func(i int) bool { return pts[i].key >= from })
		pts = pts[i:]
	}
	limit := 10
	if req.Limit != nil {
		limit = int(req.GetLimit())
	}
	r := &qdrant.ScrollResponse{}
	if len(pts) > limit {
		r.NextPageOffset = proto.Clone(pts[limit].id).(*qdrant.PointId)
		pts = pts[:limit]
	}
	for _, p := range pts {
		r.Result = append(r.Result, c.retrieved(p, req.GetWithPayload(), req.GetWithVectors(), true))
	}
	return r, nil
}

func (s *pointsService) Count(_ context.Context, req *qdrant.CountPoints) (*qdrant.CountResponse, error) {
	s.db.mu.RLock()
	defer s.db.mu.RUnlock()
	c, err := s.db.get(req.GetCollectionName())
	if err != nil {
		return nil, err
	}
	pts, err := c.filtered(req.GetFilter())
	if err != nil {
		return nil, err
	}
	return &qdrant.CountResponse{Result: &qdrant.CountResult{Count: uint64(len(pts))}}, nil
}

func (s *pointsService) CreateFieldIndex(_ context.Context, req *qdrant.CreateFieldIndexCollection) (*qdrant.PointsOperationResponse, error) {
	s.db.mu.Lock()
	defer s.db.mu.Unlock()
	c, err := s.db.get(req.GetCollectionName())
	if err != nil {
		return nil, err
	}
	if req.GetFieldName() == "" {
		return nil, status.Error(codes.InvalidArgument, "empty field name")
	}
	if _, err := parsePath(req.GetFieldName()); err != nil {
		return nil, err
	}
	var t qdrant.PayloadSchemaType
	switch req.GetFieldType() {
	case qdrant.FieldType_FieldTypeKeyword:
		t = qdrant.PayloadSchemaType_Keyword
	case qdrant.FieldType_FieldTypeInteger:
		t = qdrant.PayloadSchemaType_Integer
	case qdrant.FieldType_FieldTypeBool:
		t = qdrant.PayloadSchemaType_Bool
	default:
		return nil, status.Errorf(codes.Unimplemented, "qdranttest: index type %v", req.GetFieldType())
	}
	c.indexes[req.GetFieldName()] = &qdrant.PayloadSchemaInfo{DataType: t, Params: req.GetFieldIndexParams()}
	if parts, _ := parsePath(req.GetFieldName()); t == qdrant.PayloadSchemaType_Keyword && len(parts) == 1 && c.kw[parts[0]] == nil {
		idx := map[string]map[string]*point{}
		c.kw[parts[0]] = idx
		for _, p := range c.points {
			for _, kw := range keywords(p.payload[parts[0]]) {
				if idx[kw] == nil {
					idx[kw] = map[string]*point{}
				}
				idx[kw][p.key] = p
			}
		}
	}
	return done(), nil
}

func (s *pointsService) CreateVectorName(_ context.Context, req *qdrant.CreateVectorNameRequest) (*qdrant.PointsOperationResponse, error) {
	s.db.mu.Lock()
	defer s.db.mu.Unlock()
	c, err := s.db.get(req.GetCollectionName())
	if err != nil {
		return nil, err
	}
	name := req.GetVectorName()
	if _, ok := c.dense[name]; ok {
		return nil, status.Errorf(codes.AlreadyExists, "vector %q already exists", name)
	}
	if _, ok := c.sparse[name]; ok {
		return nil, status.Errorf(codes.AlreadyExists, "vector %q already exists", name)
	}
	switch vc := req.GetVectorConfig().(type) {
	case *qdrant.CreateVectorNameRequest_DenseConfig:
		d := vc.DenseConfig
		if d.GetSize() == 0 || (d.GetDistance() != qdrant.Distance_Cosine && d.GetDistance() != qdrant.Distance_Dot) {
			return nil, status.Error(codes.InvalidArgument, "dense vector needs a size and cosine or dot distance")
		}
		c.dense[name] = &qdrant.VectorParams{Size: d.GetSize(), Distance: d.GetDistance()}
	default:
		return nil, status.Error(codes.Unimplemented, "qdranttest: only dense vectors can be added")
	}
	return done(), nil
}

// retrieved renders a point with the selected payload and vectors.
// defaultPayload is what an absent payload selector means for the call.
func (c *collection) retrieved(p *point, wp *qdrant.WithPayloadSelector, wv *qdrant.WithVectorsSelector, defaultPayload bool) *qdrant.RetrievedPoint {
	return &qdrant.RetrievedPoint{
		Id:      proto.Clone(p.id).(*qdrant.PointId),
		Payload: selectPayload(p.payload, wp, defaultPayload),
		Vectors: selectVectors(p, wv),
	}
}

func selectPayload(pl map[string]*qdrant.Value, sel *qdrant.WithPayloadSelector, def bool) map[string]*qdrant.Value {
	keep := func(string) bool { return def }
	switch s := sel.GetSelectorOptions().(type) {
	case *qdrant.WithPayloadSelector_Enable:
		keep = func(string) bool { return s.Enable }
	case *qdrant.WithPayloadSelector_Include:
		set := map[string]bool{}
		for _, f := range s.Include.GetFields() {
			set[f] = true
		}
		keep = func(k string) bool { return set[k] }
	case *qdrant.WithPayloadSelector_Exclude:
		set := map[string]bool{}
		for _, f := range s.Exclude.GetFields() {
			set[f] = true
		}
		keep = func(k string) bool { return !set[k] }
	}
	out := map[string]*qdrant.Value{}
	for k, v := range pl {
		if keep(k) {
			out[k] = v
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

func selectVectors(p *point, sel *qdrant.WithVectorsSelector) *qdrant.VectorsOutput {
	keep := func(string) bool { return false }
	switch s := sel.GetSelectorOptions().(type) {
	case *qdrant.WithVectorsSelector_Enable:
		keep = func(string) bool { return s.Enable }
	case *qdrant.WithVectorsSelector_Include:
		set := map[string]bool{}
		for _, n := range s.Include.GetNames() {
			set[n] = true
		}
		keep = func(n string) bool { return set[n] }
	}
	out := map[string]*qdrant.VectorOutput{}
	for n, v := range p.dense {
		if keep(n) {
			out[n] = &qdrant.VectorOutput{Vector: &qdrant.VectorOutput_Dense{Dense: &qdrant.DenseVector{Data: v}}}
		}
	}
	for n, v := range p.sparse {
		if keep(n) {
			out[n] = &qdrant.VectorOutput{Vector: &qdrant.VectorOutput_Sparse{Sparse: &qdrant.SparseVector{Indices: v.idx, Values: v.vals}}}
		}
	}
	if len(out) == 0 {
		return nil
	}
	return &qdrant.VectorsOutput{VectorsOptions: &qdrant.VectorsOutput_Vectors{Vectors: &qdrant.NamedVectorsOutput{Vectors: out}}}
}

func (s *pointsService) UpdateVectors(_ context.Context, req *qdrant.UpdatePointVectors) (*qdrant.PointsOperationResponse, error) {
	s.db.mu.Lock()
	defer s.db.mu.Unlock()
	c, err := s.db.get(req.GetCollectionName())
	if err != nil {
		return nil, err
	}
	if req.UpdateFilter != nil {
		return nil, status.Error(codes.Unimplemented, "qdranttest: conditional vector updates")
	}
	// Validate all before applying any.
	updated := make([]*point, 0, len(req.GetPoints()))
	for _, pv := range req.GetPoints() {
		key, err := idKey(pv.GetId())
		if err != nil {
			return nil, err
		}
		old, ok := c.points[key]
		if !ok {
			return nil, status.Errorf(codes.NotFound, "No point with id %s found", key[1:])
		}
		np, err := c.newPoint(&qdrant.PointStruct{Id: pv.GetId(), Vectors: pv.GetVectors()})
		if err != nil {
			return nil, err
		}
		p := &point{id: old.id, key: key, payload: old.payload, dense: map[string][]float32{}, sparse: map[string]sparseVec{}}
		for n, v := range old.dense {
			p.dense[n] = v
		}
		for n, v := range old.sparse {
			p.sparse[n] = v
		}
		for n, v := range np.dense {
			p.dense[n] = v
		}
		for n, v := range np.sparse {
			p.sparse[n] = v
		}
		updated = append(updated, p)
	}
	for _, p := range updated {
		c.put(p)
	}
	return done(), nil
}
