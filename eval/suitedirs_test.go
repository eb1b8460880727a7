package eval_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/answerdesk/answerdesk/eval"
	"github.com/google/go-cmp/cmp"
)

func TestSuiteDirs(t *testing.T) {
	dir := t.TempDir()
	suite, other := filepath.Join(dir, "suite"), filepath.Join(dir, "manuals")
	for _, d := range []string{suite, other} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(suite, "queries.jsonl"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	readme := filepath.Join(dir, "README.md")
	if err := os.WriteFile(readme, nil, 0o644); err != nil {
		t.Fatal(err)
	}

	suites, skipped, err := eval.SuiteDirs([]string{readme, suite, other})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{suite}, suites); diff != "" {
		t.Errorf("suites (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{readme, other}, skipped); diff != "" {
		t.Errorf("skipped (-want +got):\n%s", diff)
	}
	if _, _, err := eval.SuiteDirs([]string{suite, filepath.Join(dir, "typo")}); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a missing path: %v, want ErrNotExist", err)
	}
	if _, skipped, err := eval.SuiteDirs([]string{other}); !errors.Is(err, eval.ErrBadSuite) || len(skipped) != 1 {
		t.Errorf("no suite: %v (skipped %v), want ErrBadSuite", err, skipped)
	}
}
