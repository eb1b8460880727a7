package archive

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/answerdesk/answerdesk/ingest"
)

// Limits bound an archive; zero fields take the defaults.
type Limits struct {
	MaxArchiveSize int64 // compressed archive (default 100 MiB)
	MaxEntries     int   // files and directories (default 1,000)
	MaxEntrySize   int64 // one inflated entry (default 64 MiB)
	MaxTotalSize   int64 // all inflated entries (default 512 MiB)
	MaxRatio       int64 // inflated/compressed of an entry over 1 MiB (default 100)
}

// DefaultLimits are used for zero fields.
var DefaultLimits = Limits{
	MaxArchiveSize: 100 << 20,
	MaxEntries:     1000,
	MaxEntrySize:   64 << 20,
	MaxTotalSize:   512 << 20,
	MaxRatio:       100,
}

func (l Limits) withDefaults() Limits {
	d := DefaultLimits
	if l.MaxArchiveSize > 0 {
		d.MaxArchiveSize = l.MaxArchiveSize
	}
	if l.MaxEntries > 0 {
		d.MaxEntries = l.MaxEntries
	}
	if l.MaxEntrySize > 0 {
		d.MaxEntrySize = l.MaxEntrySize
	}
	if l.MaxTotalSize > 0 {
		d.MaxTotalSize = l.MaxTotalSize
	}
	if l.MaxRatio > 0 {
		d.MaxRatio = l.MaxRatio
	}
	return d
}

// ErrUnsafe: an entry's name or type could escape or mislead (wraps
// ingest.ErrMalformed).
var ErrUnsafe = fmt.Errorf("unsafe archive entry: %w", ingest.ErrMalformed)

// Archive is a validated zip archive.
type Archive struct {
	// Sources are the accepted entries in archive order.
	Sources []ingest.Source
	// Skipped lists entries left out (unsupported type, nested archive).
	Skipped []ingest.Loss
}

// Open reads and validates a zip archive. accept reports whether an entry
// name (a clean relative path) is a document to load; nil accepts all.
// Entry sources get Path "ARCHIVE!/NAME" and ID "ARCHIVE-ID/NAME" without
// the extension (with it when two entries share a stem, see ingest.DocIDs).
func Open(ctx context.Context, src ingest.Source, lim Limits, accept func(name string) bool) (*Archive, error) {
	lim = lim.withDefaults()
	data, err := ingest.ReadAll(src, lim.MaxArchiveSize)
	if err != nil {
		return nil, fmt.Errorf("zip %s: %w", src.Path, err)
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, fmt.Errorf("zip %s: %v: %w", src.Path, err, ingest.ErrMalformed)
	}
	if len(zr.File) > lim.MaxEntries {
		return nil, fmt.Errorf("zip %s: %d entries, the limit is %d: %w", src.Path, len(zr.File), lim.MaxEntries, ingest.ErrTooLarge)
	}
	a := &Archive{}
	var total uint64
	seen := map[string]bool{}
	for _, f := range zr.File {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		name, err := checkName(f.Name)
		if err != nil {
			return nil, fmt.Errorf("zip %s: entry %q: %v: %w", src.Path, f.Name, err, ErrUnsafe)
		}
		if mode := f.Mode(); mode.IsDir() || strings.HasSuffix(f.Name, "/") {
			continue
		} else if !mode.IsRegular() {
			return nil, fmt.Errorf("zip %s: entry %q: not a regular file (%v): %w", src.Path, f.Name, mode.Type(), ErrUnsafe)
		}
		lower := strings.ToLower(name)
		if seen[lower] {
			return nil, fmt.Errorf("zip %s: entry %q appears twice: %w", src.Path, f.Name, ErrUnsafe)
		}
		seen[lower] = true
		if f.UncompressedSize64 > uint64(lim.MaxEntrySize) {
			return nil, fmt.Errorf("zip %s: entry %q inflates to %d bytes, the limit is %d: %w", src.Path, name, f.UncompressedSize64, lim.MaxEntrySize, ingest.ErrTooLarge)
		}
		if f.UncompressedSize64 > 1<<20 && (f.CompressedSize64 == 0 || f.UncompressedSize64/f.CompressedSize64 > uint64(lim.MaxRatio)) {
			return nil, fmt.Errorf("zip %s: entry %q expands %d times, the limit is %d (zip bomb?): %w", src.Path, name, f.UncompressedSize64/max(f.CompressedSize64, 1), lim.MaxRatio, ingest.ErrTooLarge)
		}
		total += f.UncompressedSize64
		if total > uint64(lim.MaxTotalSize) {
			return nil, fmt.Errorf("zip %s: entries inflate past %d bytes: %w", src.Path, lim.MaxTotalSize, ingest.ErrTooLarge)
		}
		switch path.Ext(lower) {
		case ".zip", ".gz", ".tgz", ".tar", ".7z", ".rar", ".bz2", ".xz", ".zst":
			a.Skipped = append(a.Skipped, ingest.Loss{Where: name, Reason: "nested archive not expanded"})
			continue
		}
		if accept != nil && !accept(name) {
			a.Skipped = append(a.Skipped, ingest.Loss{Where: name, Reason: "unsupported file type"})
			continue
		}
		a.Sources = append(a.Sources, entrySource(src, f, name))
	}
	names := make([]string, len(a.Sources))
	for i, s := range a.Sources {
		names[i] = s.ID
	}
	for i, id := range ingest.DocIDs(names) {
		if src.ID != "" {
			id = src.ID + "/" + id
		}
		a.Sources[i].ID = id
	}
	if len(a.Sources) == 0 {
		return a, fmt.Errorf("zip %s: no document to load (%d skipped): %w", src.Path, len(a.Skipped), ingest.ErrEmpty)
	}
	return a, nil
}

// entrySource describes an entry; its ID is its name until Open sets the
// final ids of all entries together.
func entrySource(arch ingest.Source, f *zip.File, name string) ingest.Source {
	size := int64(f.UncompressedSize64)
	return ingest.Source{
		Path: arch.Path + "!/" + name,
		ID:   name,
		Kind: arch.Kind,
		Lang: arch.Lang,
		Size: size,
		Open: func() (io.ReadCloser, error) {
			rc, err := f.Open()
			if err != nil {
				return nil, fmt.Errorf("%v: %w", err, ingest.ErrMalformed)
			}
			return &boundedReader{rc: rc, left: size}, nil
		},
	}
}

// boundedReader fails when an entry inflates past its declared size.
type boundedReader struct {
	rc   io.ReadCloser
	left int64
}

func (b *boundedReader) Read(p []byte) (int, error) {
	if b.left <= 0 {
		// One more byte tells a lying header from a clean end.
		var one [1]byte
		n, err := b.rc.Read(one[:])
		if n > 0 {
			return 0, fmt.Errorf("entry inflates past its declared size: %w", ingest.ErrTooLarge)
		}
		if err == nil {
			err = io.EOF
		}
		return 0, wrapZipErr(err)
	}
	if int64(len(p)) > b.left {
		p = p[:b.left]
	}
	n, err := b.rc.Read(p)
	b.left -= int64(n)
	return n, wrapZipErr(err)
}

func wrapZipErr(err error) error {
	if err == nil || err == io.EOF {
		return err
	}
	return fmt.Errorf("%v: %w", err, ingest.ErrMalformed)
}

func (b *boundedReader) Close() error { return b.rc.Close() }

// Name limits.
const (
	maxNameLen   = 255
	maxNameDepth = 16
)

var windowsDevices = map[string]bool{
	"con": true, "prn": true, "aux": true, "nul": true,
	"com1": true, "com2": true, "com3": true, "com4": true, "com5": true, "com6": true, "com7": true, "com8": true, "com9": true,
	"lpt1": true, "lpt2": true, "lpt3": true, "lpt4": true, "lpt5": true, "lpt6": true, "lpt7": true, "lpt8": true, "lpt9": true,
}

// checkName returns the clean relative path of an entry or why it is unsafe.
func checkName(name string) (string, error) {
	switch {
	case name == "":
		return "", errors.New("empty name")
	case !utf8.ValidString(name):
		return "", errors.New("name is not UTF-8")
	case len(name) > maxNameLen:
		return "", fmt.Errorf("name longer than %d bytes", maxNameLen)
	case strings.ContainsRune(name, '\\'):
		return "", errors.New("backslash in name")
	case strings.HasPrefix(name, "/"):
		return "", errors.New("absolute path")
	case len(name) >= 2 && name[1] == ':':
		return "", errors.New("drive letter")
	}
	for _, r := range name {
		if unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r) || r == '\u200b' || r == '\ufeff' {
			return "", fmt.Errorf("control or bidi character %U in name", r)
		}
	}
	parts := strings.Split(strings.TrimSuffix(name, "/"), "/")
	if len(parts) > maxNameDepth {
		return "", fmt.Errorf("more than %d levels deep", maxNameDepth)
	}
	for _, p := range parts {
		switch {
		case p == "..":
			return "", errors.New("parent directory (..) in name")
		case p == "." || p == "":
			return "", errors.New("empty or '.' path element")
		case strings.HasSuffix(p, " ") || strings.HasSuffix(p, "."):
			return "", errors.New("path element ends in space or dot")
		}
		base := strings.ToLower(p)
		if i := strings.IndexByte(base, '.'); i >= 0 {
			base = base[:i]
		}
		if windowsDevices[base] {
			return "", fmt.Errorf("reserved device name %q", p)
		}
	}
	return strings.TrimSuffix(name, "/"), nil
}
