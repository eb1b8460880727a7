package api

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"testing"
)

// uploadBody is a multipart upload of one file of size bytes, made as
// they are read, so that the test holds none of them. Once the server has read the whole file it
// signals reached and waits for release before sending the closing
// boundary, so that the upload is in flight, fully received, when the
// test looks at the heap.
type uploadBody struct {
	head, tail string
	left       int64
	off        int
	reached    chan<- struct{}
	release    <-chan struct{}
	waited     bool
}

// textBlock is the file's content, repeated; it holds no "-", so never
// the boundary.
var textBlock = []byte(strings.Repeat("the hub pairs with every sensor in the house\n", 1500))

const uploadBoundary = "answerdeskheapboundary"

func newUploadBody(name string, size int64, reached chan<- struct{}, release <-chan struct{}) *uploadBody {
	return &uploadBody{
		head: "--" + uploadBoundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + name + "\"\r\n" +
			"Content-Type: text/plain\r\n\r\n",
		tail: "\r\n--" + uploadBoundary + "--\r\n",
		left: size, reached: reached, release: release,
	}
}

func (b *uploadBody) Read(p []byte) (int, error) {
	switch {
	case b.head != "":
		n := copy(p, b.head)
		b.head = b.head[n:]
		return n, nil
	case b.left > 0:
		n := copy(p[:min(int64(len(p)), b.left)], textBlock[b.off:])
		b.off = (b.off + n) % len(textBlock)
		b.left -= int64(n)
		return n, nil
	case !b.waited:
		b.waited = true
		b.reached <- struct{}{}
		<-b.release
	}
	if b.tail == "" {
		return 0, io.EOF
	}
	n := copy(p, b.tail)
	b.tail = b.tail[n:]
	return n, nil
}

// heapInUse is the heap in use after a collection.
func heapInUse() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapInuse
}

// uploadsInFlight sends n uploads of size bytes at once to h's server and
// returns how much the heap in use grew while all of them were fully
// received and not yet finished. Every upload must then be accepted.
func uploadsInFlight(tb testing.TB, h *harness, n int, size int64) int64 {
	tb.Helper()
	reached, release := make(chan struct{}), make(chan struct{})
	before := heapInUse()
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req := httptest.NewRequest(http.MethodPost, "/v1/documents", newUploadBody(fmt.Sprintf("big%d.txt", i), size, reached, release))
			req.Header.Set("Authorization", "Bearer "+h.keys["ingest"])
			req.Header.Set("Content-Type", "multipart/form-data; boundary="+uploadBoundary)
			w := httptest.NewRecorder()
			h.srv.Handler().ServeHTTP(w, req)
			if w.Code != http.StatusAccepted {
				tb.Errorf("upload %d: %d %s", i, w.Code, w.Body)
			}
		}()
	}
	for range n {
		<-reached
	}
	during := heapInUse()
	close(release)
	wg.Wait()
	return int64(during) - int64(before)
}

// TestUploadsInFlightHoldNoMemory: eight 19 MiB uploads fully received
// but not finished (their closing boundary not yet sent) used to hold
// their files in memory, 152 MiB of heap and more; each file now streams
// to the spool as it arrives. The bound, half of what was sent, leaves
// room for any collector's slack and none for a held file.
func TestUploadsInFlightHoldNoMemory(t *testing.T) {
	const n, size = 8, 19 << 20
	h := newHarness(t, Limits{})
	grown := uploadsInFlight(t, h, n, size)
	t.Logf("%d uploads of %d MiB in flight: heap in use grew by %.1f MiB", n, size>>20, float64(grown)/(1<<20))
	if grown > n*size/2 {
		t.Errorf("heap in use grew by %d MiB with %d MiB of uploads in flight: the uploads are held in memory", grown>>20, n*size>>20)
	}
}

// BenchmarkUploadsInFlight reports the growth of the heap in use while
// eight 19 MiB uploads are in flight (heap-MiB).
func BenchmarkUploadsInFlight(b *testing.B) {
	const n, size = 8, 19 << 20
	h := newHarness(b, Limits{})
	var grown int64
	for b.Loop() {
		grown = max(grown, uploadsInFlight(b, h, n, size))
	}
	b.ReportMetric(float64(grown)/(1<<20), "heap-MiB")
}
