package state

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/answerdesk/answerdesk/ingest"
)

// JobStore keeps background ingestion jobs. A job that is queued or
// running carries a lease (lease_until): the process that created it
// renews the lease of its unfinished jobs every third of Options.JobLease
// while it runs, so that a job whose process died (a replica killed, a
// server restarted) is told from one another replica is running: once its
// lease has expired, any process opening the database, or renewing its
// own leases, fails it as "replica stopped", and Job reports it failed at
// once.
type JobStore struct {
	db    *DB
	lease time.Duration

	mu   sync.Mutex
	live map[string]bool // ids of this process's queued or running jobs
}

var _ ingest.JobStore = (*JobStore)(nil)

// NewJobStore returns the job store of db. It renews its jobs' leases, and
// fails jobs whose lease expired, in the background until db is closed.
func NewJobStore(db *DB) *JobStore {
	s := &JobStore{db: db, lease: db.jobLease, live: map[string]bool{}}
	db.every(s.lease/3, s.heartbeat)
	return s
}

// DefaultJobLease is Options.JobLease when unset.
const DefaultJobLease = time.Minute

// errReplicaStopped is the error of a job whose lease expired.
const errReplicaStopped = "replica stopped: the answerdesk process running this job ended before it finished; upload again"

// jobsLeaseV12 gives jobs their lease: rows written before it have none (0)
// and count as expired.
const jobsLeaseV12 = `ALTER TABLE jobs ADD COLUMN lease_until INTEGER NOT NULL DEFAULT 0;`

// pgJobsLeaseV3 is jobsLeaseV12 for PostgreSQL.
const pgJobsLeaseV3 = `ALTER TABLE jobs ADD COLUMN lease_until BIGINT NOT NULL DEFAULT 0;`

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

// failExpiredJobs fails the queued or running jobs whose lease expired:
// the process that ran them stopped without finishing them.
func failExpiredJobs(ctx context.Context, db *DB) error {
	now := ts(db.now())
	if _, err := db.exec(ctx, `UPDATE jobs SET state=?, error=?, updated=? WHERE state IN (?, ?) AND lease_until < ?`,
		ingest.JobFailed, errReplicaStopped, now, ingest.JobQueued, ingest.JobRunning, now); err != nil {
		return fmt.Errorf("fail expired jobs: %w", err)
	}
	return nil
}

// heartbeat renews the leases of this process's unfinished jobs, then
// fails other processes' expired ones.
func (s *JobStore) heartbeat(ctx context.Context) error {
	if err := s.renew(ctx); err != nil {
		return err
	}
	return failExpiredJobs(ctx, s.db)
}

// renew extends the leases of this process's queued and running jobs.
func (s *JobStore) renew(ctx context.Context) error {
	s.mu.Lock()
	ids := make([]string, 0, len(s.live))
	for id := range s.live {
		ids = append(ids, id)
	}
	s.mu.Unlock()
	until := ts(s.db.now().Add(s.lease))
	for _, id := range ids {
		if _, err := s.db.exec(ctx, `UPDATE jobs SET lease_until=? WHERE id=? AND state IN (?, ?)`,
			until, id, ingest.JobQueued, ingest.JobRunning); err != nil {
			return fmt.Errorf("renew job lease %s: %w", id, err)
		}
	}
	return nil
}

// track records whether job id is one of this process's unfinished jobs.
func (s *JobStore) track(id, state string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if state == ingest.JobQueued || state == ingest.JobRunning {
		s.live[id] = true
	} else {
		delete(s.live, id)
	}
}

// CreateJob records a queued ingest job.
func (s *JobStore) CreateJob(ctx context.Context, tenant string, files []string) (ingest.Job, error) {
	now := s.db.now().UTC()
	j := ingest.Job{ID: newID("job_", now), Tenant: tenant, State: ingest.JobQueued, Files: files, Created: now, Updated: now}
	fb, _ := json.Marshal(files)
	if _, err := s.db.exec(ctx, `INSERT INTO jobs(id, tenant, state, files, result, error, created, updated, lease_until) VALUES (?,?,?,?,?,?,?,?,?)`,
		j.ID, tenant, j.State, string(fb), resultRow(j.Result), "", ts(now), ts(now), ts(now.Add(s.lease))); err != nil {
		return ingest.Job{}, fmt.Errorf("create job: %w", err)
	}
	s.track(j.ID, j.State)
	return j, nil
}

// UpdateJob stores a job's state, result and error, and renews its lease.
func (s *JobStore) UpdateJob(ctx context.Context, j ingest.Job) error {
	now := s.db.now()
	res, err := s.db.exec(ctx, `UPDATE jobs SET state=?, result=?, error=?, updated=?, lease_until=? WHERE id=? AND tenant=?`,
		j.State, resultRow(j.Result), j.Error, ts(now), ts(now.Add(s.lease)), j.ID, j.Tenant)
	if err != nil {
		return fmt.Errorf("update job %s: %w", j.ID, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("update job %s: %w", j.ID, ErrNotFound)
	}
	s.track(j.ID, j.State)
	return nil
}

// Job returns a job of tenant.
func (s *JobStore) Job(ctx context.Context, tenant, id string) (ingest.Job, error) {
	j := ingest.Job{ID: id, Tenant: tenant}
	var files, result string
	var created, updated, lease int64
	err := s.db.db.QueryRowContext(ctx, `SELECT state, files, result, error, created, updated, lease_until FROM jobs WHERE id=? AND tenant=?`, id, tenant).
		Scan(&j.State, &files, &result, &j.Error, &created, &updated, &lease)
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
	if (j.State == ingest.JobQueued || j.State == ingest.JobRunning) && lease < ts(s.db.now()) {
		// Its process stopped; the next heartbeat or start records it.
		j.State, j.Error = ingest.JobFailed, errReplicaStopped
	}
	return j, nil
}
