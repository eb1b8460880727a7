package ingest_test

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"context"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"strings"
	"testing"

	"github.com/answerdesk/answerdesk/ingest"
	"github.com/answerdesk/answerdesk/ingest/formats"
	"github.com/answerdesk/answerdesk/retrieval"
)

// amplifyingZip is the upload of issue 11: n entries of 1 MiB of prose each,
// a few MB compressed. The entry is compressed once and written n times.
func amplifyingZip(tb testing.TB, n int) []byte {
	tb.Helper()
	para := "The manual explains how the hub pairs with each sensor, how to reset it and how to update it. "
	entry := []byte(strings.Repeat(para, 1<<20/len(para)+1)[:1<<20])
	var deflated bytes.Buffer
	fw, _ := flate.NewWriter(&deflated, flate.BestCompression)
	fw.Write(entry)
	fw.Close()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for i := 0; i < n; i++ {
		w, err := zw.CreateRaw(&zip.FileHeader{Name: fmt.Sprintf("doc%03d.txt", i), Method: zip.Deflate,
			CRC32: crc32.ChecksumIEEE(entry), CompressedSize64: uint64(deflated.Len()), UncompressedSize64: uint64(len(entry))})
		if err != nil {
			tb.Fatal(err)
		}
		w.Write(deflated.Bytes())
	}
	if err := zw.Close(); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

// TestQuotaRefusesAmplifyingUploadBeforeWork: the 500 x 1 MiB zip used to be
// accepted and become 386,000 chunks; now Start refuses it with ErrQuota
// before a job is recorded or a byte is parsed.
func TestQuotaRefusesAmplifyingUploadBeforeWork(t *testing.T) {
	data := amplifyingZip(t, 500)
	t.Logf("upload: %d bytes compressed, 500 MiB expanded", len(data))
	jobs := &memJobs{}
	parsed := 0
	ing := scriptedIngester(func(ctx context.Context, src ingest.Source) (ingest.Summary, error) {
		parsed++
		return ingest.Summary{}, nil
	})
	r := newRunner(t, jobs, ing, ingest.RunnerOptions{})
	r.SetQuota(ingest.Quota{})
	_, err := r.Start(context.Background(), "acme", []ingest.Upload{{Name: "kb.zip", Data: data}}, "", "")
	if !errors.Is(err, ingest.ErrQuota) || !strings.Contains(err.Error(), "the limit per upload is 32.0 MiB") {
		t.Errorf("Start = %v, want ErrQuota naming the limit", err)
	}
	r.Shutdown(context.Background())
	if jobs.n != 0 || parsed != 0 {
		t.Errorf("%d jobs recorded, %d files parsed; want none", jobs.n, parsed)
	}
}

// TestQuotaAllowance: within a job, a file that would take the upload or
// the tenant past a quota fails with ErrQuota and writes nothing; the files
// before it stay.
func TestQuotaAllowance(t *testing.T) {
	para := strings.Repeat("The hub pairs with every sensor in the house within a minute. ", 30)
	doc := func(paras int) string { return "# Doc\n\n" + strings.Repeat(para+"\n\n", paras) }
	tests := []struct {
		name       string
		quota      ingest.Quota
		used       retrieval.Usage
		wantStored []string
	}{
		{"upload chunks", ingest.Quota{UploadChunks: 10}, retrieval.Usage{}, []string{"a"}},
		{"tenant documents", ingest.Quota{Documents: 3}, retrieval.Usage{Documents: 2}, []string{"a"}},
		{"tenant chunks", ingest.Quota{Chunks: 100}, retrieval.Usage{Chunks: 90}, []string{"a"}},
		{"tenant text", ingest.Quota{Bytes: 20 << 10}, retrieval.Usage{Bytes: 10 << 10}, []string{"a"}},
		{"within every quota", ingest.Quota{}, retrieval.Usage{}, []string{"a", "b"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := newStore(t)
			p := ingest.NewPipeline(s, formats.Loaders(formats.Options{}), nil, nil)
			allow := ingest.NewAllowance(tc.quota, tc.used)
			var stored []string
			for i, name := range []string{"a", "b"} {
				src := ingest.Source{Path: "upload/" + name + ".md", ID: name}
				body := doc(4 + 4*i) // a: 4 chunks, b: 8 chunks
				src.Size = int64(len(body))
				src.Open = func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader(body)), nil }
				sum, err := p.IngestSource(context.Background(), src, ingest.Options{Tenant: "acme", Allowance: allow})
				if err != nil {
					t.Fatal(err)
				}
				if len(sum.Failed) > 0 {
					if !errors.Is(sum.Failed[0].Err, ingest.ErrQuota) {
						t.Errorf("%s failed with %v, want ErrQuota", name, sum.Failed[0].Err)
					}
					continue
				}
				stored = append(stored, name)
			}
			docs, _ := s.Documents(context.Background(), retrieval.DocFilter{Tenant: "acme"})
			if len(stored) != len(tc.wantStored) || len(docs) != len(tc.wantStored) {
				t.Errorf("stored %v (store holds %d), want %v", stored, len(docs), tc.wantStored)
			}
		})
	}
}

// TestQuotaCheckTenantFull: a tenant at a quota gets ErrQuota before its
// upload is even received.
func TestQuotaCheckTenantFull(t *testing.T) {
	for _, u := range []retrieval.Usage{{Documents: 50000}, {Chunks: 500000}, {Bytes: 1 << 30}} {
		if err := (ingest.Quota{}).CheckTenant(u); !errors.Is(err, ingest.ErrQuota) {
			t.Errorf("usage %+v: %v, want ErrQuota", u, err)
		}
	}
	if err := (ingest.Quota{Documents: -1}).CheckTenant(retrieval.Usage{Documents: 1 << 30}); err != nil {
		t.Errorf("a disabled quota refused: %v", err)
	}
}

// TestTenantUsage: the embedded store counts a tenant's documents, chunks
// and text bytes, and nothing of another tenant.
func TestTenantUsage(t *testing.T) {
	dir := t.TempDir()
	write(t, dir+"/a.md", "# A\n\nThe hub pairs in a minute.\n")
	write(t, dir+"/b.md", "# B\n\nReset takes ten seconds.\n")
	s := newStore(t)
	p := ingest.NewPipeline(s, ingest.CoreLoaders(), nil, nil)
	ingestPaths(t, p, ingest.Options{Tenant: "acme"}, dir)
	ingestPaths(t, p, ingest.Options{Tenant: "globex"}, dir+"/a.md")
	u, err := p.TenantUsage(context.Background(), "acme")
	if err != nil {
		t.Fatal(err)
	}
	want := int64(len("The hub pairs in a minute.") + len("Reset takes ten seconds."))
	if u.Documents != 2 || u.Chunks != 2 || u.Bytes != want {
		t.Errorf("usage = %+v, want 2 documents, 2 chunks, %d bytes", u, want)
	}
}
