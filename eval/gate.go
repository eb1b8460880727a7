package eval

import (
	"bytes"
	"fmt"
	"io"
	"os"

	"github.com/answerdesk/answerdesk/answer"
)

// Gate compares cur with base, writes the deltas to w under a line that
// names the baseline, and returns Compare's error when a metric regressed
// by more than o.MaxDrop (or the reports cannot be compared).
func Gate(w io.Writer, base, cur *Report, o CompareOptions, baseName string) error {
	deltas, err := Compare(base, cur, o)
	fmt.Fprintf(w, "\ncompared with %s (max drop %.4g):\n", baseName, o.MaxDrop)
	if werr := WriteDeltas(w, deltas); werr != nil {
		return werr
	}
	if err != nil {
		return err
	}
	fmt.Fprintln(w, "no regression")
	return nil
}

// WriteReportFiles writes r as JSON to jsonPath and as a self-contained
// HTML page to htmlPath, each file whole or not at all; an empty path is
// skipped.
func WriteReportFiles(r *Report, jsonPath, htmlPath string) error {
	for _, f := range []struct {
		path  string
		write func(io.Writer, *Report) error
	}{{jsonPath, WriteJSON}, {htmlPath, WriteHTML}} {
		if f.path == "" {
			continue
		}
		var buf bytes.Buffer
		if err := f.write(&buf, r); err != nil {
			return err
		}
		if err := WriteFile(f.path, buf.Bytes()); err != nil {
			return err
		}
	}
	return nil
}

// WriteModelFile validates a fitted confidence model and writes it to path
// as the engine loads it, whole or not at all.
func WriteModelFile(path string, m answer.ConfidenceModel) error {
	if err := m.Validate(); err != nil {
		return fmt.Errorf("fitted model: %w", err)
	}
	data, err := MarshalModel(m)
	if err != nil {
		return err
	}
	return WriteFile(path, data)
}

// SuiteDirs keeps the suite directories of paths and returns the paths
// that exist but are not suites (no queries.jsonl), so that a whole
// datasets folder (DATASETS/*) picks up every suite there and nothing else.
// A path that does not exist is an error (a typo), and so is having no
// suite left (ErrBadSuite).
func SuiteDirs(paths []string) (suites, skipped []string, err error) {
	for _, p := range paths {
		if _, err := os.Stat(p); err != nil {
			return nil, nil, err
		}
		if IsSuite(p) {
			suites = append(suites, p)
		} else {
			skipped = append(skipped, p)
		}
	}
	if len(suites) == 0 {
		return nil, skipped, fmt.Errorf("%w: none of the %d paths given is a suite directory (with queries.jsonl)", ErrBadSuite, len(paths))
	}
	return suites, skipped, nil
}
