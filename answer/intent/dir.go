package intent

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// ErrNoModel reports that a tenant has no trained model.
var ErrNoModel = errors.New("no intent model")

// Dir keeps one model per tenant as JSON files in a directory
// (TENANT.json), and classifies questions with them. Models are read on
// first use and re-read when their file changes, so that `answerdesk
// intents train` takes effect in a running server: at once when this Dir
// saved it, within recheck when another process did. A Dir is safe for
// concurrent use.
type Dir struct {
	path       string
	embedModel string
	now        func() time.Time

	mu     sync.Mutex
	models map[string]cached
}

// recheck is how long a Dir trusts what it last saw of a tenant's model
// file before it looks at the file again, so that an answer does not pay
// a system call (most tenants have no model, and every answer asks).
const recheck = time.Second

// cached is what a Dir last saw of a tenant's model file: the model, or
// noModel when there was no file; the file's time and size; and when it
// looked.
type cached struct {
	model   *Model
	noModel error
	modTime time.Time
	size    int64
	checked time.Time
}

// NewDir returns the models in path. embedModel names the configured
// embedder's model ("" when none): a model trained with another embedder
// classifies with its sparse head only.
func NewDir(path, embedModel string) *Dir {
	return &Dir{path: path, embedModel: embedModel, now: time.Now, models: map[string]cached{}}
}

// file returns the tenant's model file. Tenant names that are not plain
// file names are hex-encoded behind a "~", which no plain name starts with.
func (d *Dir) file(tenant string) string {
	plain := tenant != "" && tenant[0] != '.' && tenant[0] != '~' && len(tenant) <= 128
	for _, r := range tenant {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.') {
			plain = false
			break
		}
	}
	if !plain {
		tenant = "~" + hex.EncodeToString([]byte(tenant))
	}
	return filepath.Join(d.path, tenant+".json")
}

// Save stores m as the tenant's model, replacing any previous one
// atomically (a reader sees the old model or the new one, never a part).
func (d *Dir) Save(tenant string, m *Model) error {
	if tenant == "" {
		return fmt.Errorf("save intent model: %w: empty tenant", ErrBadData)
	}
	b, err := json.Marshal(m)
	if err != nil {
		return fmt.Errorf("save intent model: %w", err)
	}
	if err := os.MkdirAll(d.path, 0o750); err != nil {
		return fmt.Errorf("save intent model: %w", err)
	}
	tmp, err := os.CreateTemp(d.path, ".model-*")
	if err != nil {
		return fmt.Errorf("save intent model: %w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return fmt.Errorf("save intent model: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("save intent model: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("save intent model: %w", err)
	}
	if err := os.Rename(tmp.Name(), d.file(tenant)); err != nil {
		return fmt.Errorf("save intent model: %w", err)
	}
	d.mu.Lock()
	delete(d.models, tenant) // the next Load reads the new file
	d.mu.Unlock()
	return nil
}

// Train fits the tenant's model to examples and saves it; emb is the
// configured embedder (nil when none), whose model NewDir named.
func (d *Dir) Train(ctx context.Context, tenant string, examples []Example, emb Embedder) (*Model, error) {
	m, err := Train(ctx, examples, Options{Embedder: emb, EmbedModel: d.embedModel})
	if err != nil {
		return nil, err
	}
	return m, d.Save(tenant, m)
}

// Evaluate measures the tenant's model on examples as Classify uses it:
// with the embedding head only when the model was trained with the
// configured embedder emb (nil when none).
func (d *Dir) Evaluate(ctx context.Context, tenant string, examples []Example, emb Embedder) (Report, error) {
	m, err := d.Load(tenant)
	if err != nil {
		return Report{}, err
	}
	if m.EmbedModel() != d.embedModel {
		emb = nil
	}
	return Evaluate(ctx, m, examples, emb)
}

// Load returns the tenant's model: ErrNoModel when it has none. What it
// saw of the tenant's file is trusted for recheck.
func (d *Dir) Load(tenant string) (*Model, error) {
	now := d.now()
	d.mu.Lock()
	c, ok := d.models[tenant]
	d.mu.Unlock()
	if ok && !now.Before(c.checked) && now.Sub(c.checked) < recheck {
		return c.loaded()
	}
	path := d.file(tenant)
	st, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		if c.noModel == nil {
			c.noModel = fmt.Errorf("%w for tenant %q (train one with `answerdesk intents train`)", ErrNoModel, tenant)
		}
		c = cached{noModel: c.noModel, checked: now}
	} else if err != nil {
		return nil, fmt.Errorf("load intent model: %w", err)
	} else if !ok || c.model == nil || !c.modTime.Equal(st.ModTime()) || c.size != st.Size() {
		b, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("load intent model: %w", err)
		}
		m := new(Model)
		if err := json.Unmarshal(b, m); err != nil {
			return nil, fmt.Errorf("load intent model %s: %w", path, err)
		}
		c = cached{model: m, modTime: st.ModTime(), size: st.Size(), checked: now}
	} else {
		c.checked = now
	}
	d.mu.Lock()
	d.models[tenant] = c
	d.mu.Unlock()
	return c.loaded()
}

// loaded is c's model, or its ErrNoModel when the tenant had no file.
func (c cached) loaded() (*Model, error) {
	if c.model == nil {
		return nil, c.noModel
	}
	return c.model, nil
}

// Classify labels a question with the tenant's model. terms are the
// question's terms by retrieval.DefaultAnalyzer; vec is its embedding by
// the configured embedder, or nil. ok is false when
// the tenant has no model or the model refuses the question as out of
// scope; err reports a model that cannot be read.
func (d *Dir) Classify(ctx context.Context, tenant, text string, terms []string, vec []float32) (label string, score float64, ok bool, err error) {
	m, err := d.Load(tenant)
	if errors.Is(err, ErrNoModel) {
		return "", 0, false, nil
	}
	if err != nil {
		return "", 0, false, err
	}
	if m.EmbedModel() != d.embedModel {
		vec = nil
	}
	p := m.PredictAnalyzed(text, terms, vec)
	return p.Label, p.Score, p.Label != "", nil
}
