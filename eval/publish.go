package eval

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// PublishedReport is the file of a data directory that holds the latest
// published eval report, the one the admin console shows.
const PublishedReport = "eval-report.json"

// maxPublished bounds the published report read back (a report of the
// shared suites is about 100 KB).
const maxPublished = 32 << 20

// Publish stores rep as the latest eval report of the data directory dir,
// whole or not at all, and returns the file's path.
func Publish(dir string, rep *Report) (string, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("publish: %w", err)
	}
	path := filepath.Join(dir, PublishedReport)
	if err := WriteReportFiles(rep, path, ""); err != nil {
		return "", fmt.Errorf("publish: %w", err)
	}
	return path, nil
}

// Published is a data directory whose latest published eval report the
// API serves (it satisfies api.EvalReports).
type Published string

// LatestEvalReport reads the published report and its modification time;
// a missing file is an error wrapping fs.ErrNotExist.
func (dir Published) LatestEvalReport(ctx context.Context) ([]byte, time.Time, error) {
	path := filepath.Join(string(dir), PublishedReport)
	fi, err := os.Stat(path)
	if err != nil {
		return nil, time.Time{}, err
	}
	if fi.Size() > maxPublished {
		return nil, time.Time{}, fmt.Errorf("%s: %d bytes, more than an eval report's %d", path, fi.Size(), maxPublished)
	}
	b, err := os.ReadFile(path)
	return b, fi.ModTime(), err
}
