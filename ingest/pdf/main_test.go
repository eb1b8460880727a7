package pdf

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"testing"
	"time"
)

// childEnv makes the test binary serve one extraction as the child.
const childEnv = "ANSWERDESK_PDF_TEST_CHILD"

func TestMain(m *testing.M) {
	if os.Getenv(childEnv) == "1" {
		if err := ServeChild(context.Background(), os.Stdin, os.Stdout); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// testLoader isolates extraction in a child re-executing the test binary.
func testLoader() *Loader {
	return &Loader{
		Command: func(ctx context.Context) *exec.Cmd {
			cmd := exec.CommandContext(ctx, os.Args[0])
			// GORACE: a race-enabled child would otherwise sleep 1 s at exit.
			cmd.Env = append(os.Environ(), childEnv+"=1", "GORACE=atexit_sleep_ms=0")
			return cmd
		},
		Timeout:     5 * time.Second,
		MemoryLimit: 1 << 30,
	}
}

func (l *Loader) extractFile(ctx context.Context, path string) (*Result, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return l.extract(ctx, data)
}
