package retrieval

import (
	"context"
	"errors"
	"fmt"
)

// ErrNoExport reports a migration source that cannot export its content
// (it is not an Exporter).
var ErrNoExport = errors.New("the store cannot export its content")

// MigrateOptions tune Migrate.
type MigrateOptions struct {
	CopyOptions
	// Started, when set, is told what the source holds before the target
	// is opened.
	Started func(ExportStats)
}

// Migration is what Migrate did.
type Migration struct {
	Source ExportStats  // what the source held
	Copy   CopyProgress // what was copied
	Target Stats        // what the target holds afterwards
}

// Migrate copies what src exports into the store open returns (see Copy:
// idempotent and resumable). The target is opened once the source's
// average chunk length is known, and given it: a target that bakes BM25
// weights into its vectors then ranks like the source.
func Migrate(ctx context.Context, src Store, open func(ctx context.Context, avgLen float64) (Store, error), o MigrateOptions) (Migration, error) {
	var m Migration
	ex, ok := src.(Exporter)
	if !ok {
		return m, ErrNoExport
	}
	var err error
	if m.Source, err = ex.ExportStats(ctx, o.Tenant); err != nil {
		return m, err
	}
	if o.Started != nil {
		o.Started(m.Source)
	}
	dst, err := open(ctx, m.Source.AvgLen)
	if err != nil {
		return m, err
	}
	if m.Copy, err = Copy(ctx, dst, ex, o.CopyOptions); err != nil {
		return m, fmt.Errorf("%w (re-run to resume)", err)
	}
	if m.Target, err = dst.Stats(ctx); err != nil {
		return m, err
	}
	return m, nil
}
