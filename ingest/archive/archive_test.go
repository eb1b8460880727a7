package archive

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/answerdesk/answerdesk/ingest"

	"github.com/answerdesk/answerdesk/eval/suite"
)

func zipOf(t testing.TB, entries ...[2]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range entries {
		w, err := zw.Create(e[0])
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(w, e[1])
	}
	zw.Close()
	return buf.Bytes()
}

func memSource(name string, data []byte) ingest.Source {
	return ingest.Source{Path: name, ID: strings.TrimSuffix(name, ".zip"), Size: int64(len(data)),
		Open: func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil }}
}

func fileSource(path string) ingest.Source {
	st, _ := os.Stat(path)
	return ingest.Source{Path: path, ID: "up", Size: st.Size(), Open: func() (io.ReadCloser, error) { return os.Open(path) }}
}

func docs(name string) bool {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".md", ".pdf", ".html", ".txt":
		return true
	}
	return false
}

func TestOpen(t *testing.T) {
	data := zipOf(t, [2]string{"guide/setup.md", "# Setup\n"}, [2]string{"logo.png", "x"}, [2]string{"dir/", ""}, [2]string{"inner.zip", "PK"}, [2]string{"faq.txt", "q"})
	a, err := Open(context.Background(), memSource("kb.zip", data), Limits{}, docs)
	if err != nil {
		t.Fatal(err)
	}
	var got [][3]string
	for _, s := range a.Sources {
		rc, err := s.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(rc)
		rc.Close()
		got = append(got, [3]string{s.Path, s.ID, string(b)})
	}
	want := [][3]string{{"kb.zip!/guide/setup.md", "kb/guide/setup", "# Setup\n"}, {"kb.zip!/faq.txt", "kb/faq", "q"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("sources (-want +got):\n%s", diff)
	}
	wantSkipped := []ingest.Loss{{Where: "logo.png", Reason: "unsupported file type"}, {Where: "inner.zip", Reason: "nested archive not expanded"}}
	if diff := cmp.Diff(wantSkipped, a.Skipped); diff != "" {
		t.Errorf("skipped (-want +got):\n%s", diff)
	}
}

func TestUnsafeNames(t *testing.T) {
	for _, name := range []string{"../evil.md", "a/../../evil.md", "/etc/x.md", "C:/x.md", `..\x.md`, "a\x00b.md", "\u202egnp.md",
		"CON.md", "nul", "a/./b.md", "a//b.md", strings.Repeat("x", 300) + ".md", strings.Repeat("d/", 20) + "x.md", "trail /x.md"} {
		t.Run(name, func(t *testing.T) {
			_, err := Open(context.Background(), memSource("u.zip", zipOf(t, [2]string{name, "x"})), Limits{}, nil)
			if !errors.Is(err, ErrUnsafe) && !errors.Is(err, ingest.ErrMalformed) {
				t.Errorf("err = %v, want ErrUnsafe", err)
			}
		})
	}
}

func TestLimits(t *testing.T) {
	many := make([][2]string, 30)
	for i := range many {
		many[i] = [2]string{filepath.Join("d", string(rune('a'+i%26)), "f"+string(rune('a'+i))+".md"), "x"}
	}
	big := [2]string{"big.md", strings.Repeat("a", 3<<20)}
	tests := []struct {
		name string
		data []byte
		lim  Limits
		want error
	}{
		{"entry count", zipOf(t, many...), Limits{MaxEntries: 10}, ingest.ErrTooLarge},
		{"entry size", zipOf(t, [2]string{"a.md", strings.Repeat("a", 100)}), Limits{MaxEntrySize: 10}, ingest.ErrTooLarge},
		{"ratio", zipOf(t, big), Limits{}, ingest.ErrTooLarge},
		{"total", zipOf(t, [2]string{"a.md", strings.Repeat("a", 600)}, [2]string{"b.md", strings.Repeat("b", 600)}), Limits{MaxTotalSize: 1000}, ingest.ErrTooLarge},
		{"archive size", zipOf(t, [2]string{"a.md", "x"}), Limits{MaxArchiveSize: 10}, ingest.ErrTooLarge},
		{"not zip", []byte("hello"), Limits{}, ingest.ErrMalformed},
		{"duplicate", zipOf(t, [2]string{"a.md", "x"}, [2]string{"A.md", "y"}), Limits{}, ErrUnsafe},
		{"nothing to load", zipOf(t, [2]string{"a.png", "x"}), Limits{}, ingest.ErrEmpty},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Open(context.Background(), memSource("l.zip", tc.data), tc.lim, docs)
			if !errors.Is(err, tc.want) {
				t.Errorf("err = %v, want %v", err, tc.want)
			}
		})
	}
}

// TestSharedNasties: the generated bombs and the traversal archive are
// rejected from the central directory alone, with a reason.
func TestSharedNasties(t *testing.T) {
	dir := filepath.Join(sharedDir(t), "security", "generated-nasties")
	tests := []struct {
		file string
		want error
	}{
		{"bombs/zip_1GiB_single_entry.zip", ingest.ErrTooLarge},
		{"bombs/zip_20000_entries.zip", ingest.ErrTooLarge},
		{"traversal/zip_traversal_names_and_symlink.zip", ErrUnsafe},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			_, err := Open(context.Background(), fileSource(filepath.Join(dir, tc.file)), Limits{}, docs)
			if !errors.Is(err, tc.want) {
				t.Errorf("err = %v, want %v", err, tc.want)
			}
			t.Log(err)
		})
	}
	// Nested bombs are not expanded: the inner archives are skipped.
	a, err := Open(context.Background(), fileSource(filepath.Join(dir, "bombs", "zip_nested_10x100MiB.zip")), Limits{}, docs)
	if !errors.Is(err, ingest.ErrEmpty) || len(a.Skipped) != 10 {
		t.Errorf("nested: err = %v, skipped %v", err, a)
	}
}

func TestLyingHeader(t *testing.T) {
	// Declared size 5, real content 20: reading stops with ErrTooLarge.
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, _ := zw.CreateRaw(&zip.FileHeader{Name: "a.md", Method: zip.Store, CompressedSize64: 20, UncompressedSize64: 5, CRC32: 0})
	io.WriteString(w, strings.Repeat("z", 20))
	zw.Close()
	a, err := Open(context.Background(), memSource("lie.zip", buf.Bytes()), Limits{}, docs)
	if err != nil {
		t.Fatal(err)
	}
	rc, err := a.Sources[0].Open()
	if err != nil {
		t.Fatal(err)
	}
	_, err = io.ReadAll(rc)
	if !errors.Is(err, ingest.ErrTooLarge) && !errors.Is(err, ingest.ErrMalformed) {
		t.Errorf("err = %v, want ErrTooLarge or ErrMalformed", err)
	}
}

func FuzzOpen(f *testing.F) {
	f.Add(zipOf(f, [2]string{"a.md", "x"}, [2]string{"b/c.txt", "y"}))
	f.Add(zipOf(f, [2]string{"../a.md", "x"}))
	f.Fuzz(func(t *testing.T, data []byte) {
		a, err := Open(context.Background(), memSource("f.zip", data), Limits{MaxEntrySize: 1 << 20, MaxTotalSize: 4 << 20}, nil)
		if err != nil {
			if !errors.Is(err, ingest.ErrMalformed) && !errors.Is(err, ingest.ErrEmpty) && !errors.Is(err, ingest.ErrTooLarge) {
				t.Fatalf("error outside the taxonomy: %v", err)
			}
			return
		}
		for _, s := range a.Sources {
			name := strings.TrimPrefix(s.Path, "f.zip!/")
			if _, err := checkName(name); err != nil || strings.HasPrefix(name, "/") || strings.Contains(name, "\\") || strings.Contains("/"+name+"/", "/../") {
				t.Fatalf("unsafe name accepted: %q", name)
			}
			if rc, err := s.Open(); err == nil {
				io.Copy(io.Discard, rc)
				rc.Close()
			}
		}
	})
}

// sharedDir is ../shared (eval/suite.SharedDir: skipped when absent,
// failed under ANSWERDESK_REQUIRE_SHARED).
func sharedDir(tb testing.TB) string { return suite.SharedDir(tb, "shared data") }

// TestSameStemEntriesKeepApart: billing.md and billing.txt in one archive
// get distinct ids instead of one overwriting the other.
func TestSameStemEntriesKeepApart(t *testing.T) {
	data := zipOf(t, [2]string{"billing.md", "# B\n"}, [2]string{"billing.txt", "b"}, [2]string{"guide/setup.md", "# S\n"})
	a, err := Open(context.Background(), memSource("kb.zip", data), Limits{}, docs)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, s := range a.Sources {
		ids = append(ids, s.ID)
	}
	if diff := cmp.Diff([]string{"kb/billing.md", "kb/billing.txt", "kb/guide/setup"}, ids); diff != "" {
		t.Errorf("ids (-want +got):\n%s", diff)
	}
}
