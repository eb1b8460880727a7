package llm

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// sharedDir locates ../shared/<elem…> relative to the module root; it skips
// the test when absent unless ANSWERDESK_REQUIRE_SHARED=1.
func sharedDir(tb testing.TB, elem ...string) string {
	tb.Helper()
	dir, err := os.Getwd()
	if err != nil {
		tb.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			tb.Fatal("go.mod not found above the test directory")
		}
		dir = parent
	}
	p := filepath.Join(append([]string{dir, "..", "shared"}, elem...)...)
	if _, err := os.Stat(p); err != nil {
		if os.Getenv("ANSWERDESK_REQUIRE_SHARED") == "1" {
			tb.Fatalf("%s: ../shared not found", p)
		}
		tb.Skipf("%s: ../shared not found", p)
	}
	return p
}

// readLines reads the non-empty lines of every regular file in dir except
// READMEs and licences.
func readLines(tb testing.TB, dir string) []string {
	tb.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		tb.Fatal(err)
	}
	var out []string
	for _, e := range ents {
		n := strings.ToLower(e.Name())
		if e.IsDir() || strings.HasPrefix(n, "readme") || strings.HasPrefix(n, "license") {
			continue
		}
		f, err := os.Open(filepath.Join(dir, e.Name()))
		if err != nil {
			tb.Fatal(err)
		}
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			if l := strings.TrimSpace(sc.Text()); l != "" {
				out = append(out, l)
			}
		}
		f.Close()
	}
	return out
}
