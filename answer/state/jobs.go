package state

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/answerdesk/answerdesk/ingest"
)

// JobStore keeps background ingestion jobs.
type JobStore struct{ db *DB }

var _ ingest.JobStore = (*JobStore)(nil)

// NewJobStore returns the job store of db.
func NewJobStore(db *DB) *JobStore { return &JobStore{db: db} }

const jobsSchemaV1 = `
CREATE TABLE IF NOT EXISTS jobs (
	id TEXT PRIMARY KEY,
	tenant TEXT NOT NULL,
	state TEXT NOT NULL,
	files TEXT NOT NULL,
	result TEXT NOT NULL,
	error TEXT NOT NULL,
	created INTEGER NOT NULL,
	updated INTEGER NOT NULL
);
`

// jobResultRow is a job's result as stored (JSON). Its names match the
// Go field names earlier versions stored case-insensitively, so old rows
// read back unchanged.
type jobResultRow struct {
	Added     int          `json:"added"`
	Updated   int          `json:"updated"`
	Unchanged int          `json:"unchanged"`
	Chunks    int          `json:"chunks"`
	Failed    []jobFailRow `json:"failed"`
}

type jobFailRow struct {
	File   string `json:"file"`
	Reason string `json:"reason"`
}

func resultRow(r ingest.JobResult) string {
	row := jobResultRow{Added: r.Added, Updated: r.Updated, Unchanged: r.Unchanged, Chunks: r.Chunks}
	for _, f := range r.Failed {
		row.Failed = append(row.Failed, jobFailRow{File: f.File, Reason: f.Reason})
	}
	b, _ := json.Marshal(row) // ints and strings always encode
	return string(b)
}

func (row jobResultRow) result() ingest.JobResult {
	r := ingest.JobResult{Added: row.Added, Updated: row.Updated, Unchanged: row.Unchanged, Chunks: row.Chunks}
	for _, f := range row.Failed {
		r.Failed = append(r.Failed, ingest.JobFailure{File: f.File, Reason: f.Reason})
	}
	return r
}

// failInterruptedJobs fails the jobs that were queued or running when the
// process died: they will never finish.
func failInterruptedJobs(ctx context.Context, db *DB) error {
	_, err := db.db.ExecContext(ctx, `UPDATE jobs SET state=?, error=?, updated=? WHERE state IN (?, ?)`,
		ingest.JobFailed, "interrupted by a restart; upload again", db.now().UnixNano(), ingest.JobQueued, ingest.JobRunning)
	return err
}

// CreateJob records a queued ingest job.
func (s *JobStore) CreateJob(ctx context.Context, tenant string, files []string) (ingest.Job, error) {
	now := s.db.now().UTC()
	j := ingest.Job{ID: newID("job_"), Tenant: tenant, State: ingest.JobQueued, Files: files, Created: now, Updated: now}
	fb, _ := json.Marshal(files)
	if _, err := s.db.exec(ctx, `INSERT INTO jobs(id, tenant, state, files, result, error, created, updated) VALUES (?,?,?,?,?,?,?,?)`,
		j.ID, tenant, j.State, string(fb), resultRow(j.Result), "", ts(now), ts(now)); err != nil {
		return ingest.Job{}, fmt.Errorf("create job: %w", err)
	}
	return j, nil
}

// UpdateJob stores a job's state, result and error.
func (s *JobStore) UpdateJob(ctx context.Context, j ingest.Job) error {
	res, err := s.db.exec(ctx, `UPDATE jobs SET state=?, result=?, error=?, updated=? WHERE id=? AND tenant=?`,
		j.State, resultRow(j.Result), j.Error, ts(s.db.now()), j.ID, j.Tenant)
	if err != nil {
		return fmt.Errorf("update job %s: %w", j.ID, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("update job %s: %w", j.ID, ErrNotFound)
	}
	return nil
}

// Job returns a job of tenant.
func (s *JobStore) Job(ctx context.Context, tenant, id string) (ingest.Job, error) {
	j := ingest.Job{ID: id, Tenant: tenant}
	var files, result string
	var created, updated int64
	err := s.db.db.QueryRowContext(ctx, `SELECT state, files, result, error, created, updated FROM jobs WHERE id=? AND tenant=?`, id, tenant).
		Scan(&j.State, &files, &result, &j.Error, &created, &updated)
	if errors.Is(err, sql.ErrNoRows) {
		return j, fmt.Errorf("job %q: %w", id, ErrNotFound)
	}
	if err != nil {
		return j, fmt.Errorf("job %q: %w", id, err)
	}
	if err := json.Unmarshal([]byte(files), &j.Files); err != nil {
		return j, fmt.Errorf("job %q: %w", id, err)
	}
	var row jobResultRow
	if err := json.Unmarshal([]byte(result), &row); err != nil {
		return j, fmt.Errorf("job %q: %w", id, err)
	}
	j.Result = row.result()
	j.Created, j.Updated = fromTS(created), fromTS(updated)
	return j, nil
}
