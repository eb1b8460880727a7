package embedded

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/crc32"
	"math"
	"os"
	"path/filepath"

	"github.com/answerdesk/answerdesk/retrieval"
	"github.com/answerdesk/answerdesk/retrieval/dense"
)

// The index snapshot. Rebuilding the in-memory index at Open means
// stepping through every chunk row of the database (1.4 s for 100,000
// chunks); Close instead writes the built index to SnapshotFile, and the
// next Open loads it when it is still the database's index:
//
//   - the file is whole (magic, length and a CRC-32C of the payload);
//   - it was taken of this database (the index_id setting, a random id
//     written when the database is created) at its last change (the
//     changes counter), with the same number of chunk rows and the same
//     highest chunk rowid;
//   - every write removes the file before it commits, so that a snapshot
//     on disk is never older than a committed write of this code.
//
// Anything else — no file, a corrupt or truncated one, another version, a
// stale one — falls back to the rebuild from the database, which is always
// the truth; the snapshot is only a cache of it. Dense vectors are kept as
// the slab's normalized rows, bit for bit, so that hybrid search scores
// exactly as before the restart.

// SnapshotFile is the name of the index snapshot inside the data directory.
const SnapshotFile = "index.snap"

const (
	snapMagic   = "ADXSNAP\x00"
	snapVersion = 2
	snapHeader  = len(snapMagic) + 8 + 4 // magic, payload length, CRC-32C
)

var crcTable = crc32.MakeTable(crc32.Castagnoli)

// errSnapshot marks a snapshot that cannot be used; Open rebuilds.
var errSnapshot = errors.New("index snapshot unusable")

// snapKey identifies the database state an index was built from.
type snapKey struct {
	dbID   string // settings.index_id
	change int64  // last change sequence number
	chunks int64  // chunk rows
	maxSeq int64  // highest chunk rowid
}

// indexID returns the database's random identity, creating it when the
// database has none (a new one, or one made before snapshots).
func indexID(ctx context.Context, db *sql.DB) (string, error) {
	var b [16]byte
	rand.Read(b[:])
	if _, err := db.ExecContext(ctx, `INSERT OR IGNORE INTO settings VALUES ('index_id', ?)`, hex.EncodeToString(b[:])); err != nil {
		return "", err
	}
	var id string
	err := db.QueryRowContext(ctx, `SELECT value FROM settings WHERE key='index_id'`).Scan(&id)
	return id, err
}

// currentKey reads the key of the database's current state; change is
// the caller's reading of the last change.
func currentKey(ctx context.Context, db *sql.DB, dbID string, change int64) (snapKey, error) {
	k := snapKey{dbID: dbID, change: change}
	err := db.QueryRowContext(ctx, `SELECT count(*), COALESCE(MAX(seq), 0) FROM chunks`).Scan(&k.chunks, &k.maxSeq)
	return k, err
}

// loadSnapshot reads the snapshot at path and returns its index when it
// was taken of the database state want.
func loadSnapshot(path string, want snapKey) (*index, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", errSnapshot, err)
	}
	if len(b) < snapHeader || string(b[:len(snapMagic)]) != snapMagic {
		return nil, fmt.Errorf("%w: not a snapshot", errSnapshot)
	}
	n := binary.LittleEndian.Uint64(b[len(snapMagic):])
	sum := binary.LittleEndian.Uint32(b[len(snapMagic)+8:])
	payload := b[snapHeader:]
	if uint64(len(payload)) != n {
		return nil, fmt.Errorf("%w: %d payload bytes, header says %d", errSnapshot, len(payload), n)
	}
	if crc32.Checksum(payload, crcTable) != sum {
		return nil, fmt.Errorf("%w: checksum mismatch", errSnapshot)
	}
	return decodeIndex(payload, want)
}

// saveSnapshot writes x, built from the database state key, to path
// (through a temporary file and a rename, so that readers see a whole
// file or none).
func saveSnapshot(path string, x *index, key snapKey) error {
	payload := encodeIndex(x, key)
	hdr := make([]byte, snapHeader, snapHeader+len(payload))
	copy(hdr, snapMagic)
	binary.LittleEndian.PutUint64(hdr[len(snapMagic):], uint64(len(payload)))
	binary.LittleEndian.PutUint32(hdr[len(snapMagic)+8:], crc32.Checksum(payload, crcTable))
	f, err := os.CreateTemp(filepath.Dir(path), SnapshotFile+".*")
	if err != nil {
		return fmt.Errorf("write index snapshot: %w", err)
	}
	_, err = f.Write(append(hdr, payload...))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), path)
	}
	if err != nil {
		os.Remove(f.Name())
		return fmt.Errorf("write index snapshot: %w", err)
	}
	return nil
}

// The payload: the key, then every string of the index in one blob (so
// that loading makes one string of it and slices it), then the index's
// structure as varints. Derived state is not stored: term ids of each
// slot come from the postings, the document map from the live slots, the
// length norms from the lengths.

func encodeIndex(x *index, key snapKey) []byte {
	var e snapEncoder
	e.uint(snapVersion)
	e.str(key.dbID)
	e.int(key.change)
	e.int(key.chunks)
	e.int(key.maxSeq)
	e.uint(uint64(x.live))
	e.uint(uint64(x.totalLen))
	e.uint(uint64(x.dead))
	tenants := make([]string, len(x.tenants))
	for t, id := range x.tenants {
		tenants[id] = t
	}
	e.uint(uint64(len(tenants)))
	for _, t := range tenants {
		e.str(t)
	}
	terms := make([]string, len(x.postings))
	for t, id := range x.termIDs {
		terms[id] = t
	}
	e.uint(uint64(len(terms)))
	for id, t := range terms {
		e.str(t)
		e.uint(uint64(x.df[id]))
		e.uint(uint64(len(x.postings[id])))
		for _, p := range x.postings[id] {
			e.uint(uint64(p.slot))
			e.uint(uint64(p.tf))
		}
	}
	e.uint(uint64(len(x.slots)))
	for i := range x.slots {
		s := &x.slots[i]
		if !s.alive {
			e.uint(0)
			continue
		}
		e.uint(1)
		c := &s.chunk
		e.uint(uint64(s.tenant))
		e.uint(uint64(s.length))
		for _, f := range [...]string{c.ID, c.DocumentID, string(c.Kind), c.Title, c.URL, c.Heading, c.Text, c.Lang} {
			e.str(f)
		}
		e.uint(uint64(c.Page))
		e.uint(uint64(c.Position))
		e.uint(uint64(len(c.Meta)))
		for k, v := range c.Meta {
			e.str(k)
			e.str(v)
		}
	}
	e.uint(uint64(len(x.free)))
	for _, f := range x.free {
		e.uint(uint64(f))
	}
	e.str(x.denseModel)
	e.uint(uint64(x.denseDim))
	e.uint(uint64(x.liveDense))
	rows := 0
	if x.dense.x != nil {
		rows = x.dense.x.Len()
	}
	e.uint(uint64(rows))
	if rows > 0 {
		e.uint(uint64(x.dense.x.Dim()))
		for i := range x.slots {
			if row := x.dense.x.Row(i); row != nil {
				e.uint(uint64(i))
				for _, f := range row {
					e.b = binary.LittleEndian.AppendUint32(e.b, math.Float32bits(f))
				}
			}
		}
	}
	out := binary.AppendUvarint(make([]byte, 0, 10+len(e.blob)+len(e.b)), uint64(len(e.blob)))
	out = append(out, e.blob...)
	return append(out, e.b...)
}

type snapEncoder struct {
	b    []byte // structure
	blob []byte // strings
}

func (e *snapEncoder) uint(v uint64) { e.b = binary.AppendUvarint(e.b, v) }
func (e *snapEncoder) int(v int64)   { e.b = binary.AppendVarint(e.b, v) }
func (e *snapEncoder) str(s string) {
	e.uint(uint64(len(s)))
	e.blob = append(e.blob, s...)
}

// snapDecoder reads what snapEncoder wrote; the first error sticks and
// every later read returns zero values.
type snapDecoder struct {
	b    []byte
	blob string
	err  error
}

func (d *snapDecoder) fail() {
	if d.err == nil {
		d.err = fmt.Errorf("%w: truncated or corrupt payload", errSnapshot)
	}
}

func (d *snapDecoder) uint() uint64 {
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.fail()
		d.b = nil
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *snapDecoder) int() int64 {
	v, n := binary.Varint(d.b)
	if n <= 0 {
		d.fail()
		d.b = nil
		return 0
	}
	d.b = d.b[n:]
	return v
}

// count reads a length that must fit in what is left of the payload (each
// element takes at least min bytes), so that a corrupt count cannot make
// the decoder allocate without bound.
func (d *snapDecoder) count(min int) int {
	v := d.uint()
	if v > uint64(len(d.b)/min) {
		d.fail()
		return 0
	}
	return int(v)
}

// i32 reads a value that must fit an int32 below limit.
func (d *snapDecoder) i32(limit int) int32 {
	v := d.uint()
	if v >= uint64(limit) {
		d.fail()
		return 0
	}
	return int32(v)
}

func (d *snapDecoder) str() string {
	n := d.uint()
	if n > uint64(len(d.blob)) {
		d.fail()
		d.blob = ""
		return ""
	}
	s := d.blob[:n]
	d.blob = d.blob[n:]
	return s
}

func decodeIndex(payload []byte, want snapKey) (*index, error) {
	blobLen, n := binary.Uvarint(payload)
	if n <= 0 || blobLen > uint64(len(payload)-n) {
		return nil, fmt.Errorf("%w: truncated or corrupt payload", errSnapshot)
	}
	d := &snapDecoder{blob: string(payload[n : n+int(blobLen)]), b: payload[n+int(blobLen):]}
	if v := d.uint(); v != snapVersion || d.err != nil {
		return nil, fmt.Errorf("%w: version %d, want %d", errSnapshot, v, snapVersion)
	}
	got := snapKey{dbID: d.str(), change: d.int(), chunks: d.int(), maxSeq: d.int()}
	if d.err != nil {
		return nil, d.err
	}
	if got != want {
		return nil, fmt.Errorf("%w: taken of %+v, the database is at %+v", errSnapshot, got, want)
	}
	x := newIndex()
	x.live, x.totalLen, x.dead = int(d.uint()), int64(d.uint()), int(d.uint())
	for i := range d.count(1) {
		x.tenants[d.str()] = int32(i)
	}
	nterms := d.count(3)
	x.postings = make([][]posting, nterms)
	x.df = make([]int32, nterms)
	x.termIDs = make(map[string]int32, nterms)
	// Slots are checked against their count once it is read; until then
	// against the payload's size.
	maxSlot := len(d.b)
	refs := 0
	// Postings out of slot order (a snapshot of an index that reused a
	// slot, by a version that did not keep them in order) are sorted.
	var unsorted []int32
	for id := range nterms {
		x.termIDs[d.str()] = int32(id)
		x.df[id] = d.i32(1 << 31)
		ps := make([]posting, d.count(2))
		inOrder := true
		for i := range ps {
			ps[i] = posting{slot: d.i32(maxSlot), tf: float32(d.uint())}
			inOrder = inOrder && (i == 0 || ps[i].slot > ps[i-1].slot)
		}
		if !inOrder {
			unsorted = append(unsorted, int32(id))
		}
		x.postings[id] = ps
		refs += len(ps)
	}
	nslots := d.count(1)
	x.slots = make([]slotInfo, nslots)
	x.norm = make([]float32, nslots)
	for i := range x.slots {
		if d.uint() == 0 {
			continue
		}
		s := &x.slots[i]
		s.alive = true
		s.tenant = d.i32(len(x.tenants))
		s.length = d.i32(1 << 31)
		c := &s.chunk
		c.ID, c.DocumentID, c.Kind, c.Title, c.URL = d.str(), d.str(), retrieval.Kind(d.str()), d.str(), d.str()
		c.Heading, c.Text, c.Lang = d.str(), d.str(), d.str()
		c.Page, c.Position = int(d.uint()), int(d.uint())
		if m := d.count(2); m > 0 {
			c.Meta = make(map[string]string, m)
			for range m {
				k := d.str()
				c.Meta[k] = d.str()
			}
		}
	}
	for range d.count(1) {
		x.free = append(x.free, d.i32(nslots))
	}
	x.denseModel, x.denseDim, x.liveDense = d.str(), int(d.uint()), int(d.uint())
	if rows := d.count(5); rows > 0 {
		dim := d.count(4)
		if dim == 0 || rows > nslots {
			d.fail()
		}
		for range rows {
			slot := d.i32(nslots)
			if d.err != nil || len(d.b) < 4*dim {
				d.fail()
				break
			}
			row := make([]float32, dim)
			for j := range row {
				row[j] = math.Float32frombits(binary.LittleEndian.Uint32(d.b[4*j:]))
			}
			d.b = d.b[4*dim:]
			if x.dense.x == nil {
				x.dense.x = dense.New(dim)
			}
			if err := x.dense.x.SetRow(int(slot), row); err != nil || !x.slots[slot].alive {
				d.fail()
				break
			}
		}
	}
	if d.err != nil {
		return nil, d.err
	}
	if len(d.b) != 0 || d.blob != "" {
		return nil, fmt.Errorf("%w: %d bytes left over", errSnapshot, len(d.b)+len(d.blob))
	}
	if err := x.derive(refs); err != nil {
		return nil, err
	}
	x.unsorted = unsorted
	x.settle()
	for _, id := range unsorted {
		ps := x.postings[id]
		for i := 1; i < len(ps); i++ {
			if ps[i].slot == ps[i-1].slot {
				return nil, fmt.Errorf("%w: slot %d twice in the postings of a term", errSnapshot, ps[i].slot)
			}
		}
	}
	return x, nil
}

// derive rebuilds what the snapshot does not store: each live slot's term
// ids (from the postings) and the document map, and checks the slots the
// postings and free list name.
func (x *index) derive(refs int) error {
	tenants := make([]string, len(x.tenants))
	for t, id := range x.tenants {
		tenants[id] = t
	}
	counts := make([]int32, len(x.slots))
	for _, ps := range x.postings {
		for _, p := range ps {
			if int(p.slot) >= len(x.slots) {
				return fmt.Errorf("%w: posting of slot %d of %d", errSnapshot, p.slot, len(x.slots))
			}
			counts[p.slot]++
		}
	}
	all := make([]int32, refs)
	live := 0
	for i := range x.slots {
		s := &x.slots[i]
		if !s.alive {
			continue
		}
		live++
		s.terms, all = all[:0:counts[i]], all[counts[i]:]
		s.chunk.Tenant = tenants[s.tenant]
		key := [2]string{s.chunk.Tenant, s.chunk.DocumentID}
		x.byDoc[key] = append(x.byDoc[key], int32(i))
	}
	for id, ps := range x.postings {
		for _, p := range ps {
			if s := &x.slots[p.slot]; s.alive {
				s.terms = append(s.terms, int32(id))
			}
		}
	}
	for _, f := range x.free {
		if x.slots[f].alive {
			return fmt.Errorf("%w: free slot %d is live", errSnapshot, f)
		}
	}
	if live != x.live {
		return fmt.Errorf("%w: %d live slots, header says %d", errSnapshot, live, x.live)
	}
	if rows := x.dense.x; rows != nil && rows.Len() != x.liveDense {
		return fmt.Errorf("%w: %d dense rows, header says %d", errSnapshot, rows.Len(), x.liveDense)
	}
	return nil
}
