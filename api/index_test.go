package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/answerdesk/answerdesk/answer/state"
	"github.com/answerdesk/answerdesk/retrieval"
	"github.com/google/go-cmp/cmp"
)

func TestStoreStatsText(t *testing.T) {
	for _, tc := range []struct {
		name string
		s    StoreStats
		want string
	}{
		{"embedded, sparse", NewStoreStats("embedded (data)", retrieval.Stats{Documents: 3, Chunks: 7, Tenants: 1}),
			"store:      embedded (data)\ndocuments:  3\nchunks:     7\ntenants:    1\ndense:      none (sparse retrieval only)\n"},
		{"qdrant, hybrid", StoreStats{Store: "qdrant://db (collection kb)", ServerVersion: "1.13.0", Documents: 3, Chunks: 7, Tenants: 2,
			DenseModel: "e5", DenseDim: 384, AvgChunkLen: 41.25},
			"store:      qdrant://db (collection kb)\nserver:     qdrant 1.13.0\ndocuments:  3\nchunks:     7\ntenants:    2\n" +
				"dense:      e5 (384 dimensions)\navg chunk:  41.2 terms\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := tc.s.WriteText(&b); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, b.String()); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestNewSearchHits(t *testing.T) {
	b, err := json.Marshal(NewSearchHits(retrieval.Result{}))
	if err != nil || string(b) != `{"hits":[]}` {
		t.Errorf("no hits: %s %v, want an empty list", b, err)
	}
	h := retrieval.Hit{Score: 0.5, SparseScore: 2}
	h.ID, h.DocumentID, h.Title, h.Kind, h.Page, h.Text = "d#1", "d", "Guide", retrieval.KindFAQ, 3, "text"
	got := NewSearchHits(retrieval.Result{Hits: []retrieval.Hit{h}})
	want := SearchHits{Hits: []SearchHit{{ChunkID: "d#1", DocumentID: "d", Title: "Guide", Page: 3, Kind: "faq", Text: "text", Score: 0.5, SparseScore: 2}}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

type analyticsFunc func(context.Context, state.AnalyticsQuery) (state.Analytics, error)

func (f analyticsFunc) Analytics(ctx context.Context, q state.AnalyticsQuery) (state.Analytics, error) {
	return f(ctx, q)
}

type docList []retrieval.Document

func (l docList) Documents(_ context.Context, f retrieval.DocFilter) ([]retrieval.Document, error) {
	if l == nil {
		return nil, errors.New("index down")
	}
	var out []retrieval.Document
	for _, d := range l {
		if d.Tenant == f.Tenant {
			out = append(out, d)
		}
	}
	return out, nil
}

func TestTenantAnalytics(t *testing.T) {
	ctx := context.Background()
	var asked state.AnalyticsQuery
	an := analyticsFunc(func(_ context.Context, q state.AnalyticsQuery) (state.Analytics, error) {
		asked = q
		return state.Analytics{Volume: 4, NeverCited: q.Documents}, nil
	})
	q := state.AnalyticsQuery{Tenant: "acme", From: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), Bucket: state.BucketWeek}
	docs := docList{{ID: "a", Tenant: "acme"}, {ID: "x", Tenant: "other"}, {ID: "b", Tenant: "acme"}}
	r, err := TenantAnalytics(ctx, an, docs, q)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"a", "b"}, asked.Documents); diff != "" || r.Volume != 4 || r.Bucket != state.BucketWeek || asked.From != q.From {
		t.Errorf("asked %+v, report %+v; documents (-want +got):\n%s", asked, r, diff)
	}
	if _, err := TenantAnalytics(ctx, an, nil, q); err != nil || asked.Documents != nil {
		t.Errorf("without a document lister: %v, documents %q; want none", err, asked.Documents)
	}
	if _, err := TenantAnalytics(ctx, an, docList(nil), q); err == nil {
		t.Error("index down: no error")
	}
}

func TestFAQText(t *testing.T) {
	created := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	cs := []state.FAQCandidate{
		{ID: 7, Status: state.CandidatePending, Source: "ticket", SourceID: "T-1", Question: "how do I\nreset?", Created: created},
		{ID: 5, Status: state.CandidateApproved, Source: "correction", SourceID: "12", Question: "refunds?", Created: created},
	}
	if l := NewFAQCandidateList(cs, 2); l.Next != 5 || len(l.Candidates) != 2 {
		t.Errorf("full page: next %d, %d candidates; want 5 and 2", l.Next, len(l.Candidates))
	}
	if l := NewFAQCandidateList(cs, 3); l.Next != 0 {
		t.Errorf("last page: next %d", l.Next)
	}
	if l := NewFAQCandidateList(nil, 0); l.Candidates == nil || l.Next != 0 {
		t.Errorf("no candidates: %+v, want an empty list", l)
	}
	var b bytes.Buffer
	if err := NewFAQCandidateList(cs, 0).WriteText(&b); err != nil {
		t.Fatal(err)
	}
	if want := "7\tpending\tticket:T-1\thow do I reset?\n5\tapproved\tcorrection:12\trefunds?\n"; b.String() != want {
		t.Errorf("list text %q, want %q", b.String(), want)
	}
	for _, tc := range []struct {
		d    FAQDecision
		want string
	}{
		{FAQDecision{Candidate: FAQCandidate{ID: 7, Status: "approved", DocumentID: "faq/7"}, Ingest: "added"}, "7 approved (added faq/7)\n"},
		{FAQDecision{Candidate: FAQCandidate{ID: 5, Status: "rejected"}}, "5 rejected\n"},
	} {
		b.Reset()
		if err := tc.d.WriteText(&b); err != nil || b.String() != tc.want {
			t.Errorf("decision text %q (%v), want %q", b.String(), err, tc.want)
		}
	}
}
