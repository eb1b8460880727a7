package state

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
)

// JobStore keeps background ingestion jobs.
type JobStore struct{ db *DB }

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

// failInterruptedJobs fails the jobs that were queued or running when the
// process died: they will never finish.
func failInterruptedJobs(ctx context.Context, db *DB) error {
	_, err := db.db.ExecContext(ctx, `UPDATE jobs SET state=?, error=?, updated=? WHERE state IN (?, ?)`,
		JobFailed, "interrupted by a restart; upload again", db.now().UnixNano(), JobQueued, JobRunning)
	return err
}

// CreateJob records a queued ingest job.
func (s *JobStore) CreateJob(ctx context.Context, tenant string, files []string) (Job, error) {
	now := s.db.now().UTC()
	j := Job{ID: newID("job_"), Tenant: tenant, State: JobQueued, Files: files, Created: now, Updated: now}
	fb, _ := json.Marshal(files)
	rb, _ := json.Marshal(j.Result)
	if _, err := s.db.exec(ctx, `INSERT INTO jobs(id, tenant, state, files, result, error, created, updated) VALUES (?,?,?,?,?,?,?,?)`,
		j.ID, tenant, j.State, string(fb), string(rb), "", ts(now), ts(now)); err != nil {
		return Job{}, fmt.Errorf("create job: %w", err)
	}
	return j, nil
}

// UpdateJob stores a job's state, result and error.
func (s *JobStore) UpdateJob(ctx context.Context, j Job) error {
	rb, _ := json.Marshal(j.Result)
	res, err := s.db.exec(ctx, `UPDATE jobs SET state=?, result=?, error=?, updated=? WHERE id=? AND tenant=?`,
		j.State, string(rb), j.Error, ts(s.db.now()), j.ID, j.Tenant)
	if err != nil {
		return fmt.Errorf("update job %s: %w", j.ID, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("update job %s: %w", j.ID, ErrNotFound)
	}
	return nil
}

// Job returns a job of tenant.
func (s *JobStore) Job(ctx context.Context, tenant, id string) (Job, error) {
	j := Job{ID: id, Tenant: tenant}
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
	if err := json.Unmarshal([]byte(result), &j.Result); err != nil {
		return j, fmt.Errorf("job %q: %w", id, err)
	}
	j.Created, j.Updated = fromTS(created), fromTS(updated)
	return j, nil
}
