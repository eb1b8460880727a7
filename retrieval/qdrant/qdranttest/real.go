package qdranttest

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// Tests against a real Qdrant read these variables (.ci/qdrant.sh sets
// them in CI):
//
//	QDRANT_URL                  qdrant://HOST:GRPC_PORT of a running server
//	ANSWERDESK_QDRANT_BIN       a Qdrant binary, for tests that start, kill -9
//	                            and restart their own server
//	ANSWERDESK_REQUIRE_QDRANT   1: fail instead of skipping when unset
const (
	EnvURL     = "QDRANT_URL"
	EnvBin     = "ANSWERDESK_QDRANT_BIN"
	EnvRequire = "ANSWERDESK_REQUIRE_QDRANT"
)

// skipOrFail skips tb with why, or fails it when EnvRequire is 1.
func skipOrFail(tb testing.TB, why string) {
	tb.Helper()
	if os.Getenv(EnvRequire) == "1" {
		tb.Fatalf("%s (%s=1: a real Qdrant is required; start one with eval \"$(.ci/qdrant.sh)\")", why, EnvRequire)
	}
	tb.Skipf("%s: start one with eval \"$(.ci/qdrant.sh)\" (QDRANT_HTTP_PORT/QDRANT_GRPC_PORT pick the ports)", why)
}

// RealURL returns QDRANT_URL, the address of a running real Qdrant. Without
// it the test is skipped with a message naming what, or fails when
// ANSWERDESK_REQUIRE_QDRANT=1.
func RealURL(tb testing.TB, what string) string {
	tb.Helper()
	u := os.Getenv(EnvURL)
	if u == "" {
		skipOrFail(tb, what+": "+EnvURL+" is not set (no real Qdrant)")
	}
	return u
}

// uniq makes collection names of one test process distinct.
var uniq atomic.Int64

// RealCollection returns a collection name that no other test or run uses,
// for tests that share one real server.
func RealCollection(prefix string) string {
	return fmt.Sprintf("%s_%d_%d_%d", prefix, os.Getpid(), time.Now().UnixNano()%1e9, uniq.Add(1))
}

// WithCollection appends collection=name (and any extra parameters) to a
// qdrant:// URL that may already have a query.
func WithCollection(rawURL, name string, extra ...string) string {
	sep := "?"
	if strings.Contains(rawURL, "?") {
		sep = "&"
	}
	return rawURL + sep + strings.Join(append([]string{"collection=" + name}, extra...), "&")
}

// Process is a real Qdrant server that a test started from
// ANSWERDESK_QDRANT_BIN on 127.0.0.1 with storage in a temporary directory,
// so that it can kill -9 and restart it.
type Process struct {
	// URL is qdrant://127.0.0.1:GRPC_PORT; it stays the same across restarts.
	URL string

	tb         testing.TB
	bin, dir   string
	http, grpc int
	cmd        *exec.Cmd
	exited     chan struct{}
}

// StartProcess starts a real Qdrant for tb, stopped when the test ends.
// Without ANSWERDESK_QDRANT_BIN the test is skipped (or fails, see RealURL).
func StartProcess(tb testing.TB, what string) *Process {
	tb.Helper()
	bin := os.Getenv(EnvBin)
	if bin == "" {
		skipOrFail(tb, what+": "+EnvBin+" is not set (no Qdrant binary to start)")
	}
	if _, err := os.Stat(bin); err != nil {
		tb.Fatalf("%s: %v", EnvBin, err)
	}
	p := &Process{tb: tb, bin: bin, dir: tb.TempDir(), http: freePort(tb), grpc: freePort(tb)}
	p.URL = "qdrant://127.0.0.1:" + strconv.Itoa(p.grpc)
	tb.Cleanup(p.stop)
	p.Restart()
	return p
}

func freePort(tb testing.TB) int {
	tb.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// Restart starts the server (again, on the same storage and ports) and
// waits until it is healthy.
func (p *Process) Restart() {
	p.tb.Helper()
	if p.cmd != nil {
		p.tb.Fatal("qdranttest: Restart of a running server")
	}
	cmd := exec.Command(p.bin)
	cmd.Dir = p.dir
	cmd.Env = append(os.Environ(),
		"QDRANT__SERVICE__HOST=127.0.0.1",
		"QDRANT__SERVICE__HTTP_PORT="+strconv.Itoa(p.http),
		"QDRANT__SERVICE__GRPC_PORT="+strconv.Itoa(p.grpc),
		"QDRANT__STORAGE__STORAGE_PATH="+filepath.Join(p.dir, "storage"),
		"QDRANT__STORAGE__SNAPSHOTS_PATH="+filepath.Join(p.dir, "snapshots"),
		"QDRANT__TELEMETRY_DISABLED=true",
		"QDRANT__LOG_LEVEL=WARN",
	)
	logf, err := os.OpenFile(filepath.Join(p.dir, "qdrant.log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		p.tb.Fatal(err)
	}
	defer logf.Close()
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		p.tb.Fatalf("start qdrant: %v", err)
	}
	p.cmd, p.exited = cmd, make(chan struct{})
	go func(exited chan struct{}) { cmd.Wait(); close(exited) }(p.exited)

	health := "http://127.0.0.1:" + strconv.Itoa(p.http) + "/readyz"
	client := &http.Client{Timeout: 2 * time.Second}
	deadline := time.Now().Add(90 * time.Second)
	for {
		resp, err := client.Get(health)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		select {
		case <-p.exited:
			p.cmd = nil
			p.tb.Fatalf("qdrant exited during start:\n%s", p.Log())
		case <-time.After(200 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			p.tb.Fatalf("qdrant not ready after 90s (%v):\n%s", err, p.Log())
		}
	}
}

// Kill sends SIGKILL (kill -9) and waits for the process to exit.
func (p *Process) Kill() {
	p.tb.Helper()
	if p.cmd == nil {
		return
	}
	if err := p.cmd.Process.Signal(syscall.SIGKILL); err != nil && !errors.Is(err, os.ErrProcessDone) {
		p.tb.Fatalf("kill qdrant: %v", err)
	}
	<-p.exited
	p.cmd = nil
}

// Log returns the end of the server's log, for failure messages.
func (p *Process) Log() string {
	b, _ := os.ReadFile(filepath.Join(p.dir, "qdrant.log"))
	if len(b) > 4000 {
		b = b[len(b)-4000:]
	}
	return string(b)
}

func (p *Process) stop() {
	if p.cmd == nil {
		return
	}
	p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.exited:
	case <-time.After(10 * time.Second):
		p.cmd.Process.Kill()
		<-p.exited
	}
	p.cmd = nil
}
