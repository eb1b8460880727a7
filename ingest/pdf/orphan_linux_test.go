package pdf

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestChildDiesWithParent: kill -9 of the server during a slow extraction
// used to leave the child re-parented to init, burning a core for minutes.
func TestChildDiesWithParent(t *testing.T) {
	pidFile := filepath.Join(t.TempDir(), "child.pid")
	parent := exec.Command(os.Args[0])
	parent.Env = append(os.Environ(), childEnv+"=parent", pidFileEnv+"="+pidFile, "GORACE=atexit_sleep_ms=0")
	if err := parent.Start(); err != nil {
		t.Fatal(err)
	}
	defer parent.Process.Kill()
	pid := waitPID(t, pidFile)
	time.Sleep(200 * time.Millisecond) // the child is spinning now
	if err := parent.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	parent.Wait()
	orphans := 0
	deadline := time.Now().Add(10 * time.Second)
	for running(pid) {
		if time.Now().After(deadline) {
			orphans = 1
			syscall.Kill(pid, syscall.SIGKILL)
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Logf("orphaned extraction children 10 s after kill -9 of the parent: %d", orphans)
	if orphans != 0 {
		t.Errorf("the child (pid %d) outlived its killed parent", pid)
	}
}

// TestChildEnforcesItsOwnDeadline: a child whose parent does not stop it
// (the parent is gone, or hung) ends itself shortly after its deadline even
// when the parser never looks at its context.
func TestChildEnforcesItsOwnDeadline(t *testing.T) {
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), childEnv+"=spin", "GORACE=atexit_sleep_ms=0")
	req, _ := json.Marshal(childRequest{Size: 8, TimeoutMS: 300})
	cmd.Stdin = strings.NewReader(string(req) + "\n%PDF-1.4")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	start := time.Now()
	select {
	case err := <-done:
		if err == nil {
			t.Errorf("child exited with status 0 after spinning past its deadline")
		}
		t.Logf("child ended %s after a 300 ms deadline: %v: %s", time.Since(start).Round(time.Millisecond), err, strings.TrimSpace(stderr.String()))
	case <-time.After(15 * time.Second):
		cmd.Process.Kill()
		<-done
		t.Fatal("child still running 15 s after its 300 ms deadline")
	}
}

// TestChildCPULimit: the child runs under an RLIMIT_CPU a little above its
// deadline, so that the kernel ends it even if its own timer cannot run.
func TestChildCPULimit(t *testing.T) {
	l := &Loader{
		Command: func(ctx context.Context) *exec.Cmd {
			cmd := exec.CommandContext(ctx, os.Args[0])
			cmd.Env = append(os.Environ(), childEnv+"=limits", "GORACE=atexit_sleep_ms=0")
			return cmd
		},
		Timeout: 7 * time.Second,
	}
	_, err := l.extract(context.Background(), []byte("%PDF-1.4"))
	if err == nil {
		t.Fatal("the limits child reports through an error; got none")
	}
	i := strings.Index(err.Error(), "Max cpu time")
	if i < 0 {
		t.Fatalf("no cpu limit in the child's report: %v", err)
	}
	f := strings.Fields(err.Error()[i+len("Max cpu time"):])
	if len(f) < 2 {
		t.Fatalf("unreadable limit line: %v", err)
	}
	soft, err1 := strconv.Atoi(f[0])
	hard, err2 := strconv.Atoi(f[1])
	if err1 != nil || err2 != nil || soft < 7 || soft > 15 || hard != soft {
		t.Errorf("RLIMIT_CPU = %s/%s s, want soft = hard, just above the 7 s deadline", f[0], f[1])
	}
}

func waitPID(t *testing.T, file string) int {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if b, err := os.ReadFile(file); err == nil && len(b) > 0 {
			if pid, err := strconv.Atoi(string(b)); err == nil {
				return pid
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatal("the extraction child never started")
	return 0
}

// running reports whether pid is a live process (not gone, not a zombie
// waiting for a reaper).
func running(pid int) bool {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	i := bytes.LastIndexByte(b, ')')
	if i < 0 || i+2 >= len(b) {
		return false
	}
	return b[i+2] != 'Z' && b[i+2] != 'X'
}
