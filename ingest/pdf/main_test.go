package pdf

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"
)

// pidFileEnv names a file where the "spin" child writes its process id.
const pidFileEnv = "ANSWERDESK_PDF_TEST_PIDFILE"

// spinSink keeps the spinning loop from being optimised away.
var spinSink int

// childEnv makes the test binary serve one extraction as the child.
const childEnv = "ANSWERDESK_PDF_TEST_CHILD"

func TestMain(m *testing.M) {
	switch os.Getenv(childEnv) {
	case "hang": // a parser stuck in a loop
		select {}
	case "panic": // a panic outside any recovery
		panic("parser bug")
	case "spin": // a parser stuck in a loop that never looks at its context
		if f := os.Getenv(pidFileEnv); f != "" {
			os.WriteFile(f, []byte(strconv.Itoa(os.Getpid())), 0o644)
		}
		err := serveChild(context.Background(), os.Stdin, os.Stdout, func(context.Context, []byte) (*Result, error) {
			for n := 0; ; n++ {
				spinSink = n
			}
		})
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	case "limits": // reports the limits ServeChild runs under
		err := serveChild(context.Background(), os.Stdin, os.Stdout, func(context.Context, []byte) (*Result, error) {
			b, err := os.ReadFile("/proc/self/limits")
			if err != nil {
				return nil, err
			}
			for _, l := range strings.Split(string(b), "\n") {
				if strings.HasPrefix(l, "Max cpu time") {
					return nil, errors.New(l)
				}
			}
			return nil, errors.New("no cpu time line")
		})
		if err != nil {
			os.Exit(1)
		}
		os.Exit(0)
	case "parent": // a server extracting with a spinning child, to be killed
		l := &Loader{
			Command: func(ctx context.Context) *exec.Cmd {
				cmd := exec.CommandContext(ctx, os.Args[0])
				cmd.Env = append(os.Environ(), childEnv+"=spin", "GORACE=atexit_sleep_ms=0")
				return cmd
			},
			Timeout: 2 * time.Minute,
		}
		_, err := l.extract(context.Background(), []byte("%PDF-1.4"))
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	case "oom": // a decompression bomb, under the limit ServeChild applies
		var req childRequest
		line, _ := bufio.NewReader(os.Stdin).ReadBytes('\n')
		json.Unmarshal(line, &req)
		limitMemory(req.MemoryLimit)
		var keep [][]byte
		for {
			keep = append(keep, make([]byte, 64<<20))
			for i := 0; i < len(keep[len(keep)-1]); i += 4096 { // one write per page commits it
				keep[len(keep)-1][i] = 1
			}
		}
	}
	if os.Getenv(childEnv) == "1" || len(os.Args) == 2 && os.Args[1] == reExecArg {
		if err := ServeChild(context.Background(), os.Stdin, os.Stdout); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// reExecArg is the hidden mode TestReExec runs the test binary in.
const reExecArg = "__pdf-test-child"

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
