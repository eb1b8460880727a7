package pdf

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/answerdesk/answerdesk/ingest"
)

// TestIsolationContainsFailures: a child that hangs, panics or exhausts its
// memory ends as a clear error in the parent, within the time bound.
func TestIsolationContainsFailures(t *testing.T) {
	// A child that hangs must be stopped at the bound; one that crashes
	// must be reported as crashed however slow a loaded machine (and -race)
	// makes it, so its bound is generous: reaching it is the failure.
	tests := []struct {
		mode    string
		want    error
		timeout time.Duration
	}{
		{"hang", ErrTimeout, 2 * time.Second},
		{"panic", ErrCrashed, time.Minute},
		{"oom", ErrCrashed, time.Minute},
	}
	for _, tc := range tests {
		t.Run(tc.mode, func(t *testing.T) {
			l := &Loader{
				Command: func(ctx context.Context) *exec.Cmd {
					cmd := exec.CommandContext(ctx, os.Args[0])
					cmd.Env = append(os.Environ(), childEnv+"="+tc.mode, "GORACE=atexit_sleep_ms=0")
					return cmd
				},
				Timeout:     tc.timeout,
				MemoryLimit: 256 << 20,
			}
			start := time.Now()
			_, err := l.extract(context.Background(), buildPDF("Identity-H", line(72, 700, "F1", "x")))
			if !errors.Is(err, tc.want) || !errors.Is(err, ingest.ErrMalformed) {
				t.Errorf("err = %v, want %v wrapping ErrMalformed", err, tc.want)
			}
			t.Logf("%s: %v after %s", tc.mode, err, time.Since(start).Round(time.Millisecond))
		})
	}
}

func TestIsolationCancel(t *testing.T) {
	l := testLoader()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := l.extract(ctx, buildPDF("Identity-H", line(72, 700, "F1", "x"))); !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
}

// TestReExec: the command ReExec builds re-runs this binary in the hidden
// mode (TestMain serves the extraction there), and the child extracts what
// the parent would.
func TestReExec(t *testing.T) {
	data := buildPDF("WinAnsiEncoding", line(72, 700, "F1", "Hold the button for ten seconds"))
	want, err := (&Loader{}).extract(context.Background(), data)
	if err != nil || len(want.Pages) == 0 {
		t.Fatalf("in process: %+v, %v", want, err)
	}
	l := &Loader{Command: ReExec(reExecArg), Timeout: time.Minute}
	if l.Command == nil {
		t.Fatal("ReExec: no command for the test binary")
	}
	if cmd := l.Command(context.Background()); len(cmd.Args) != 2 || cmd.Args[1] != reExecArg {
		t.Errorf("command %q, want the executable and %s", cmd.Args, reExecArg)
	}
	got, err := l.extract(context.Background(), data)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("child's extraction (-in process +child):\n%s", diff)
	}
}
