package embedded

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/answerdesk/answerdesk/retrieval"
	"github.com/answerdesk/answerdesk/retrieval/dense"
	"github.com/answerdesk/answerdesk/retrieval/storetest"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// fillStore writes documents of two tenants with meta, kinds, Chinese
// text and deleted documents (dead slots), compacts once so that the
// index has a free list, and reuses one freed slot.
func fillStore(t *testing.T, s *Store) {
	t.Helper()
	ctx := context.Background()
	put := func(dc retrieval.DocumentChunks) {
		t.Helper()
		if err := s.ReplaceDocument(ctx, dc.Document, dc.Chunks); err != nil {
			t.Fatal(err)
		}
	}
	withMeta := storetest.Doc("t1", "a", retrieval.KindDoc, "reset the hub by holding the button", "pairing the hub with a phone")
	withMeta.Chunks[0].Meta = map[string]string{"product": "hub", "version": "2"}
	withMeta.Chunks[1].Heading, withMeta.Chunks[1].URL, withMeta.Chunks[1].Page = "Setup › Pairing", "https://example.com/a", 3
	put(withMeta)
	put(storetest.Doc("t1", "b", retrieval.KindFAQ, "Q: pairing fails? A: move closer"))
	put(storetest.Doc("t2", "c", retrieval.KindTicket, "如何重置集线器", "the hub of tenant two"))
	for _, id := range []string{"gone1", "gone2", "gone3"} {
		put(storetest.Doc("t1", id, retrieval.KindDoc, "deleted later, about pairing "+id))
	}
	if err := s.DeleteDocument(ctx, "t1", "gone1"); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteDocument(ctx, "t1", "gone2"); err != nil {
		t.Fatal(err)
	}
	s.mu.Lock()
	s.idx.compact()
	s.mu.Unlock()
	put(storetest.Doc("t1", "new", retrieval.KindDoc, "a new chunk in a freed slot about the hub"))
	if err := s.DeleteDocument(ctx, "t1", "gone3"); err != nil { // dead, not free
		t.Fatal(err)
	}
}

// sameIndex compares two indexes, ignoring the order of what is a set.
func sameIndex(t *testing.T, want, got *index) {
	t.Helper()
	norm := func(x *index) {
		for i := range x.slots {
			slices.Sort(x.slots[i].terms)
		}
		for _, s := range x.byDoc {
			slices.Sort(s)
		}
	}
	norm(want)
	norm(got)
	// The score bounds are computed afresh at load and only raised by
	// writes before: both must hold, neither need equal the other.
	checkIndex(t, want)
	checkIndex(t, got)
	bounds := cmpopts.IgnoreFields(index{}, "bound", "boundAvg", "unsorted")
	if diff := cmp.Diff(want, got, bounds, cmp.AllowUnexported(index{}, slotInfo{}, posting{}, denseSlab{}, dense.Index{})); diff != "" {
		t.Errorf("index from the snapshot differs from the rebuilt one (-rebuilt +snapshot):\n%s", diff)
	}
}

func openStore(t *testing.T, dir string) *Store {
	t.Helper()
	s, err := Open(context.Background(), dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// fromSnapshot reports whether s loaded its index from the snapshot.
func fromSnapshot(s *Store) bool { return s.snapAt >= 0 }

func TestSnapshotLoadsTheRebuiltIndex(t *testing.T) {
	dir := t.TempDir()
	s := openStore(t, dir)
	fillStore(t, s)
	if len(s.idx.free) == 0 || s.idx.dead == 0 {
		t.Fatalf("fixture: free %v, dead %d: want both", s.idx.free, s.idx.dead)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = openStore(t, dir)
	defer s.Close()
	if !fromSnapshot(s) {
		t.Fatal("Open rebuilt the index although Close wrote a snapshot of it")
	}
	rebuilt, err := load(context.Background(), s.db)
	if err != nil {
		t.Fatal(err)
	}
	// The rebuild has no dead slots (it reads live rows only): compare
	// what searches see.
	q := retrieval.Query{Text: "pairing hub 集线器", Tenant: "t1"}
	for _, tenant := range []string{"t1", "t2"} {
		q.Tenant = tenant
		fresh := &Store{idx: rebuilt, an: retrieval.DefaultAnalyzer}
		want, err := fresh.Search(context.Background(), q)
		if err != nil {
			t.Fatal(err)
		}
		got, err := s.Search(context.Background(), q)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, got); diff != "" || len(got.Hits) == 0 {
			t.Errorf("tenant %s: search differs (-rebuilt +snapshot):\n%s", tenant, diff)
		}
	}
}

// TestSnapshotIsTheIndexItWasTakenOf compares the whole structure, free
// list and dead slots included: the snapshot of an index decodes to it.
func TestSnapshotIsTheIndexItWasTakenOf(t *testing.T) {
	s := openStore(t, t.TempDir())
	defer s.Close()
	fillStore(t, s)
	key := snapKey{dbID: "db", change: 7, chunks: 9, maxSeq: 11}
	got, err := decodeIndex(encodeIndex(s.idx, key), key)
	if err != nil {
		t.Fatal(err)
	}
	sameIndex(t, s.idx, got)
}

// TestSnapshotSortsPostings: postings out of slot order in a snapshot (an
// index that reused a slot, saved by a version that did not keep them in
// order) load sorted, and the ranking is the exhaustive one; a slot twice
// in one term's postings is refused.
func TestSnapshotSortsPostings(t *testing.T) {
	s := openStore(t, t.TempDir())
	defer s.Close()
	fillStore(t, s)
	key := snapKey{dbID: "db", change: 7, chunks: 9, maxSeq: 11}
	x := s.idx
	id, ok := x.termIDs["hub"]
	if !ok || len(x.postings[id]) < 3 {
		t.Fatalf("fixture: postings of hub %v", x.postings[id])
	}
	want := slices.Clone(x.postings[id])
	slices.Reverse(x.postings[id])
	payload := encodeIndex(x, key)
	slices.Reverse(x.postings[id])
	got, err := decodeIndex(payload, key)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got.postings[id], cmp.AllowUnexported(posting{})); diff != "" {
		t.Errorf("postings of hub after loading (-want +got):\n%s", diff)
	}
	checkIndex(t, got)

	ps := x.postings[id]
	x.postings[id] = append(slices.Clone(ps), ps[0])
	payload = encodeIndex(x, key)
	x.postings[id] = ps
	if _, err := decodeIndex(payload, key); !errors.Is(err, errSnapshot) {
		t.Errorf("a slot twice in a term's postings: %v, want errSnapshot", err)
	}
}

func TestSnapshotCorruptFallsBackToRebuild(t *testing.T) {
	for _, tc := range []struct {
		name    string
		corrupt func(b []byte) []byte
	}{
		{"payload byte flipped", func(b []byte) []byte { b[len(b)/2] ^= 0x40; return b }},
		{"truncated", func(b []byte) []byte { return b[:len(b)-7] }},
		{"empty", func([]byte) []byte { return nil }},
		{"other magic", func(b []byte) []byte { b[0] = 'X'; return b }},
		{"header length", func(b []byte) []byte { b[len(snapMagic)]++; return b }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			s := openStore(t, dir)
			fillStore(t, s)
			s.Close()
			path := filepath.Join(dir, SnapshotFile)
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, tc.corrupt(b), 0o600); err != nil {
				t.Fatal(err)
			}
			s = openStore(t, dir)
			if fromSnapshot(s) {
				t.Fatal("Open used a corrupt snapshot")
			}
			res, err := s.Search(context.Background(), retrieval.Query{Text: "freed slot", Tenant: "t1"})
			if err != nil || len(res.Hits) == 0 || res.Hits[0].DocumentID != "new" {
				t.Errorf("search after the rebuild: %+v, %v; want the document \"new\" first", res.Hits, err)
			}
			s.Close() // writes a good snapshot again
			s = openStore(t, dir)
			defer s.Close()
			if !fromSnapshot(s) {
				t.Error("Close after the rebuild did not write a usable snapshot")
			}
		})
	}
}

func TestSnapshotStaleFallsBackToRebuild(t *testing.T) {
	ctx := context.Background()
	t.Run("written after the snapshot", func(t *testing.T) {
		dir := t.TempDir()
		s := openStore(t, dir)
		fillStore(t, s)
		s.Close()
		old, err := os.ReadFile(filepath.Join(dir, SnapshotFile))
		if err != nil {
			t.Fatal(err)
		}
		s = openStore(t, dir)
		dc := storetest.Doc("t1", "later", retrieval.KindDoc, "written after the snapshot, about zebras")
		if err := s.ReplaceDocument(ctx, dc.Document, dc.Chunks); err != nil {
			t.Fatal(err)
		}
		if _, err := os.Stat(filepath.Join(dir, SnapshotFile)); !os.IsNotExist(err) {
			t.Errorf("snapshot still there after a write: %v", err)
		}
		s.Close()
		// An old snapshot put back (a backup of the file, a crash before
		// the removal) is refused: its change counter is behind.
		if err := os.WriteFile(filepath.Join(dir, SnapshotFile), old, 0o600); err != nil {
			t.Fatal(err)
		}
		s = openStore(t, dir)
		defer s.Close()
		if fromSnapshot(s) {
			t.Fatal("Open used a snapshot older than the database")
		}
		if res, _ := s.Search(ctx, retrieval.Query{Text: "zebras", Tenant: "t1"}); len(res.Hits) != 1 {
			t.Errorf("the later document: %d hits, want 1", len(res.Hits))
		}
	})
	t.Run("another database", func(t *testing.T) {
		// Two databases with the same writes in the same order, different
		// text: the same counters, another index_id.
		dirs := [2]string{t.TempDir(), t.TempDir()}
		for i, text := range []string{"alpha words", "omega words"} {
			s := openStore(t, dirs[i])
			dc := storetest.Doc("t1", "d", retrieval.KindDoc, text)
			if err := s.ReplaceDocument(ctx, dc.Document, dc.Chunks); err != nil {
				t.Fatal(err)
			}
			s.Close()
		}
		b, err := os.ReadFile(filepath.Join(dirs[0], SnapshotFile))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dirs[1], SnapshotFile), b, 0o600); err != nil {
			t.Fatal(err)
		}
		s := openStore(t, dirs[1])
		defer s.Close()
		if fromSnapshot(s) {
			t.Fatal("Open used the snapshot of another database")
		}
		if res, _ := s.Search(ctx, retrieval.Query{Text: "omega", Tenant: "t1"}); len(res.Hits) != 1 {
			t.Errorf("own text: %d hits, want 1", len(res.Hits))
		}
	})
	t.Run("another process wrote while open", func(t *testing.T) {
		dir := t.TempDir()
		s := openStore(t, dir)
		fillStore(t, s)
		s.Close()
		// The server rebuilt its index (no snapshot then), so that it has
		// none on disk of its own and would write one at Close.
		if err := os.Remove(filepath.Join(dir, SnapshotFile)); err != nil {
			t.Fatal(err)
		}
		server := openStore(t, dir) // never refreshed
		cli := openStore(t, dir)
		dc := storetest.Doc("t1", "cli", retrieval.KindDoc, "ingested by the command line, about walruses")
		if err := cli.ReplaceDocument(ctx, dc.Document, dc.Chunks); err != nil {
			t.Fatal(err)
		}
		cli.Close()    // its index is the database's: a snapshot of it
		server.Close() // behind the database: must not overwrite it
		s = openStore(t, dir)
		defer s.Close()
		if res, _ := s.Search(ctx, retrieval.Query{Text: "walruses", Tenant: "t1"}); len(res.Hits) != 1 {
			t.Errorf("the other process's document: %d hits, want 1", len(res.Hits))
		}
		if !fromSnapshot(s) {
			t.Error("the server's Close replaced the command line's current snapshot with one of its stale index")
		}
	})
}

// TestSnapshotDecodeNeverPanics decodes every truncation and single-byte
// change of a payload (the checksum keeps these from the decoder in
// practice): each is refused or decodes, never panics.
func TestSnapshotDecodeNeverPanics(t *testing.T) {
	s := openStore(t, t.TempDir())
	defer s.Close()
	fillStore(t, s)
	key := snapKey{dbID: "db"}
	payload := encodeIndex(s.idx, key)
	for n := range len(payload) {
		if _, err := decodeIndex(payload[:n], key); err == nil {
			t.Fatalf("payload cut to %d of %d bytes decoded", n, len(payload))
		}
	}
	for i := range payload {
		for _, v := range []byte{0x00, 0x7f, 0xff} {
			b := slices.Clone(payload)
			b[i] = v
			decodeIndex(b, key) // must not panic
		}
	}
}

// TestSnapshotKeepsDenseVectors: a hybrid store's snapshot restores the
// dense rows bit for bit: the same index, the same fused ranking.
func TestSnapshotKeepsDenseVectors(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s := openStore(t, dir)
	vecs := [][]float32{{1, 0, 0, 0.5}, {0, 1, 0.2, 0}, {0.3, 0.3, 1, 0}, {0.1, 0.9, 0.1, 0.7}}
	for i, id := range []string{"a", "b", "gone"} {
		dc := storetest.Doc("t1", id, retrieval.KindDoc, "pairing the hub "+id, "resetting the hub "+id)
		dc.Document.DenseModel = "test-model"
		for j := range dc.Chunks {
			dc.Chunks[j].Dense = vecs[(i+j)%len(vecs)]
		}
		if err := s.ReplaceDocument(ctx, dc.Document, dc.Chunks); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.DeleteDocument(ctx, "t1", "gone"); err != nil {
		t.Fatal(err)
	}
	q := retrieval.Query{Text: "hub pairing", Tenant: "t1", Dense: []float32{0.2, 0.8, 0.1, 0.3}}
	before, err := s.Search(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	s = openStore(t, dir)
	defer s.Close()
	if !fromSnapshot(s) {
		t.Fatal("a store with dense vectors rebuilt its index although Close wrote a snapshot")
	}
	after, err := s.Search(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(before, after); diff != "" || len(after.Hits) != 4 || after.Hits[0].DenseRank == 0 {
		t.Errorf("hybrid search after the restart (-before +after):\n%s", diff)
	}
	st, _ := s.Stats(ctx)
	if st.DenseModel != "test-model" || st.DenseDim != 4 {
		t.Errorf("stats %+v: want the dense model and size back", st)
	}
	key := snapKey{dbID: "db"}
	payload := encodeIndex(s.idx, key)
	got, err := decodeIndex(payload, key)
	if err != nil {
		t.Fatal(err)
	}
	sameIndex(t, s.idx, got)
	for n := range len(payload) {
		if _, err := decodeIndex(payload[:n], key); err == nil {
			t.Fatalf("payload cut to %d of %d bytes decoded", n, len(payload))
		}
	}
}
