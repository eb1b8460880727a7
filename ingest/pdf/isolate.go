package pdf

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime/debug"
	"strings"
	"time"

	"github.com/answerdesk/answerdesk/ingest"
)

// childRequest is the first line the parent writes to the child's stdin; the
// PDF bytes follow.
type childRequest struct {
	Size        int64 `json:"size"`
	MemoryLimit int64 `json:"memory_limit"`
	TimeoutMS   int64 `json:"timeout_ms"`
}

// childReply is the child's only output on stdout.
type childReply struct {
	Result *Result `json:"result,omitempty"`
	Kind   string  `json:"kind,omitempty"` // "empty", "malformed", "encrypted", "timeout"
	Error  string  `json:"error,omitempty"`
}

// ServeChild is the child side of isolated extraction: it reads one request
// and the PDF from r, bounds its own memory (data-segment limit where the
// platform has one, plus a soft Go heap limit) and time, extracts, and writes
// one JSON reply to w. Time is bounded three ways, so that no parser loop
// outlives its parent or its deadline: the context, a timer that exits the
// process a second past the deadline, and an RLIMIT_CPU just above it; the
// process also exits when its parent dies (with the parent-death signal
// runChild arms on Linux). ServeChild may therefore end the process: call it
// only in a child. A binary that sets Loader.Command to re-execute itself
// calls ServeChild from the hidden mode that Command selects, and exits with
// status 0 when it returns nil.
func ServeChild(ctx context.Context, r io.Reader, w io.Writer) error {
	return serveChild(ctx, r, w, Extract)
}

// ReExec is a Loader.Command that runs the current executable with the
// single argument arg, the hidden mode in which the binary calls
// ServeChild; it is nil, and extraction runs in process, when the
// executable cannot be located.
func ReExec(arg string) func(ctx context.Context) *exec.Cmd {
	exe, err := os.Executable()
	if err != nil {
		return nil
	}
	return func(ctx context.Context) *exec.Cmd { return exec.CommandContext(ctx, exe, arg) }
}

// serveChild is ServeChild with the extraction as a parameter, so that tests
// can run a parser that never returns.
func serveChild(ctx context.Context, r io.Reader, w io.Writer, extract func(context.Context, []byte) (*Result, error)) error {
	br := bufio.NewReader(r)
	line, err := br.ReadBytes('\n')
	if err != nil {
		return fmt.Errorf("read request: %w", err)
	}
	var req childRequest
	if err := json.Unmarshal(line, &req); err != nil {
		return fmt.Errorf("decode request: %w", err)
	}
	if req.MemoryLimit > 0 {
		debug.SetMemoryLimit(req.MemoryLimit / 2)
		limitMemory(req.MemoryLimit)
	}
	if req.TimeoutMS > 0 {
		timeout := time.Duration(req.TimeoutMS) * time.Millisecond
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, timeout)
		defer cancel()
		// A parser loop that never looks at ctx still ends: by the child's
		// own timer, and failing that by the kernel's CPU limit.
		limitCPU(timeout + childGrace + time.Second)
		t := time.AfterFunc(timeout+childGrace, func() {
			fmt.Fprintf(os.Stderr, "pdf child: still running %s after its %s deadline\n", childGrace, timeout)
			os.Exit(exitDeadline)
		})
		defer t.Stop()
	}
	stop := watchParent(parentPoll)
	defer stop()
	data := make([]byte, req.Size)
	if _, err := io.ReadFull(br, data); err != nil {
		return fmt.Errorf("read pdf: %w", err)
	}
	res, err := extract(ctx, data)
	reply := childReply{Result: res}
	if err != nil {
		reply.Result = nil
		reply.Error = err.Error()
		switch {
		case errors.Is(err, ErrEncrypted):
			reply.Kind = "encrypted"
		case errors.Is(err, ingest.ErrEmpty):
			reply.Kind = "empty"
		case errors.Is(err, context.DeadlineExceeded):
			reply.Kind = "timeout"
		default:
			reply.Kind = "malformed"
		}
	}
	return json.NewEncoder(w).Encode(reply)
}

// Exit statuses of a child that ends itself.
const (
	exitDeadline     = 3
	exitParentIsGone = 4
)

// childGrace is how long past its deadline a child waits for the parser to
// notice before ending itself; parentPoll is how often it checks its parent.
const (
	childGrace = time.Second
	parentPoll = 250 * time.Millisecond
)

// watchParent ends the process when its parent dies (it is re-parented):
// the kernel's parent-death signal covers Linux, this covers the rest and
// a parent that died before the signal was armed.
func watchParent(every time.Duration) (stop func()) {
	ppid := os.Getppid()
	done := make(chan struct{})
	go func() {
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				if os.Getppid() != ppid {
					fmt.Fprintln(os.Stderr, "pdf child: parent is gone")
					os.Exit(exitParentIsGone)
				}
			}
		}
	}()
	return func() { close(done) }
}

// runChild extracts data in a child process bounded by l's limits.
func (l *Loader) runChild(ctx context.Context, data []byte) (*Result, error) {
	timeout := l.timeout()
	cctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	cmd := l.Command(cctx)
	if cmd.Cancel == nil {
		cmd.Cancel = func() error { return cmd.Process.Kill() }
	}
	cmd.WaitDelay = time.Second
	dieWithParent(cmd)
	req, _ := json.Marshal(childRequest{Size: int64(len(data)), MemoryLimit: l.memoryLimit(), TimeoutMS: timeout.Milliseconds()})
	cmd.Stdin = io.MultiReader(bytes.NewReader(append(req, '\n')), bytes.NewReader(data))
	var stdout bytes.Buffer
	stderr := &tailBuffer{max: 4096}
	cmd.Stdout = &limitedWriter{w: &stdout, n: 256 << 20}
	cmd.Stderr = stderr
	err := cmd.Run()
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	if cctx.Err() == context.DeadlineExceeded {
		return nil, fmt.Errorf("after %s: %w", timeout, ErrTimeout)
	}
	if err != nil {
		return nil, fmt.Errorf("%v: %s: %w", err, lastLines(stderr.String()), ErrCrashed)
	}
	var reply childReply
	if err := json.Unmarshal(stdout.Bytes(), &reply); err != nil {
		return nil, fmt.Errorf("unreadable reply (%v): %s: %w", err, lastLines(stderr.String()), ErrCrashed)
	}
	switch reply.Kind {
	case "":
		if reply.Result == nil {
			return nil, fmt.Errorf("empty reply: %w", ErrCrashed)
		}
		return reply.Result, nil
	case "encrypted":
		return nil, fmt.Errorf("%s: %w", strings.TrimSuffix(reply.Error, ": "+ErrEncrypted.Error()), ErrEncrypted)
	case "empty":
		return nil, fmt.Errorf("%s: %w", strings.TrimSuffix(reply.Error, ": "+ingest.ErrEmpty.Error()), ingest.ErrEmpty)
	case "timeout":
		return nil, fmt.Errorf("after %s: %w", timeout, ErrTimeout)
	default:
		return nil, fmt.Errorf("%s: %w", strings.TrimSuffix(reply.Error, ": "+ingest.ErrMalformed.Error()), ingest.ErrMalformed)
	}
}

// lastLines keeps the informative end of a crashed child's stderr: the
// panic or fatal error line.
func lastLines(s string) string {
	for _, l := range strings.Split(s, "\n") {
		l = strings.TrimSpace(l)
		if strings.HasPrefix(l, "panic:") || strings.HasPrefix(l, "fatal error:") || strings.HasPrefix(l, "runtime:") {
			if len(l) > 200 {
				l = l[:200]
			}
			return l
		}
	}
	s = strings.TrimSpace(s)
	if len(s) > 200 {
		s = s[len(s)-200:]
	}
	if s == "" {
		return "no diagnostics"
	}
	return s
}

// tailBuffer keeps the first max bytes written (a panic message comes first).
type tailBuffer struct {
	buf bytes.Buffer
	max int
}

func (t *tailBuffer) Write(p []byte) (int, error) {
	if room := t.max - t.buf.Len(); room > 0 {
		t.buf.Write(p[:min(room, len(p))])
	}
	return len(p), nil
}

func (t *tailBuffer) String() string { return t.buf.String() }

// limitedWriter fails once more than n bytes were written.
type limitedWriter struct {
	w io.Writer
	n int64
}

func (l *limitedWriter) Write(p []byte) (int, error) {
	if int64(len(p)) > l.n {
		return 0, errors.New("child output too large")
	}
	l.n -= int64(len(p))
	return l.w.Write(p)
}
