package apibench

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"google.golang.org/protobuf/encoding/protowire"
)

// The server's CPU split comes from its own CPU profile (the pprof
// listener of ANSWERDESK_PPROF), taken over the measurement: every sample
// is CPU time, so that, unlike wall-clock stage timings, the split does not
// count the time a request waited for a core on a loaded machine.

// Stage is a part of the server's CPU time, classified by the stack of each
// profile sample.
type Stage int

// The stages, in report order.
const (
	// StageRetrieve: under the engine's retrieval (the store's search) and
	// the question's embedding.
	StageRetrieve Stage = iota
	// StageEngine: the rest of the answer engine (triage, screening,
	// features, extraction, composing, escalation), state writes excluded.
	StageEngine
	// StageState: the state database (tickets, answer log, turns, key
	// lookups), wherever it is called from, and its background writer.
	StageState
	// StageAPI: HTTP, routing, middleware, JSON, logging and whatever else
	// of the process's own code is none of the above.
	StageAPI
	// StageRuntime: the garbage collector's background work, the
	// scheduler and the profiler, outside any request.
	StageRuntime
	numStages
)

var stageNames = [numStages]string{"retrieve", "engine", "state", "api", "gc+rt"}

func (s Stage) String() string { return stageNames[s] }

const module = "github.com/answerdesk/answerdesk/"

// classify assigns a stack (function names, leaf first) to a stage: state
// wherever it is called from (a ticket commit inside the engine is state),
// then retrieval inside the engine, then the engine.
func classify(funcs []string) Stage {
	has := func(match func(string) bool) bool {
		for _, f := range funcs {
			if match(f) {
				return true
			}
		}
		return false
	}
	switch {
	case has(func(f string) bool {
		return strings.HasPrefix(f, module+"answer/state.") || strings.HasPrefix(f, "database/sql.") || strings.HasPrefix(f, "modernc.org/sqlite")
	}):
		return StageState
	case has(func(f string) bool {
		return strings.HasPrefix(f, module+"answer.(*Engine).retrieve") || strings.HasPrefix(f, module+"answer.(*Engine).embed")
	}):
		return StageRetrieve
	case has(func(f string) bool { return strings.HasPrefix(f, module+"answer.(*Engine).") }):
		return StageEngine
	case has(func(f string) bool {
		return strings.HasPrefix(f, "net/http/pprof.") || strings.HasPrefix(f, "runtime/pprof.")
	}):
		return StageRuntime // the profiler serving the report itself
	case has(func(f string) bool { return strings.HasPrefix(f, "net/http.") || strings.HasPrefix(f, module) }):
		return StageAPI
	}
	return StageRuntime
}

// CPUSplit is the server's CPU time by stage over a profile.
type CPUSplit [numStages]time.Duration

// Total is the CPU time of all stages.
func (c CPUSplit) Total() time.Duration {
	var t time.Duration
	for _, d := range c {
		t += d
	}
	return t
}

// splitProfile reads a CPU profile (gzip'd or not) and sums its samples'
// CPU time by stage.
func splitProfile(b []byte) (CPUSplit, error) {
	var split CPUSplit
	samples, err := parseCPUProfile(b)
	if err != nil {
		return split, err
	}
	for _, s := range samples {
		split[classify(s.funcs)] += time.Duration(s.cpu)
	}
	return split, nil
}

// profSample is one CPU profile sample: its CPU time in nanoseconds and
// the functions on its stack, leaf first (inlined functions included).
type profSample struct {
	cpu   int64
	funcs []string
}

var errProfile = errors.New("malformed profile")

// parseCPUProfile decodes the parts of a pprof profile.proto that a CPU
// profile's split needs: sample types, samples, locations, functions and
// the string table.
func parseCPUProfile(b []byte) ([]profSample, error) {
	if len(b) >= 2 && b[0] == 0x1f && b[1] == 0x8b {
		zr, err := gzip.NewReader(bytes.NewReader(b))
		if err != nil {
			return nil, fmt.Errorf("profile: %w", err)
		}
		if b, err = io.ReadAll(zr); err != nil {
			return nil, fmt.Errorf("profile: %w", err)
		}
	}
	type rawSample struct{ locs, values []uint64 }
	var (
		types   []uint64 // string index of each sample type
		samples []rawSample
		locFns  = map[uint64][]uint64{} // location id → function ids, leaf first
		fnName  = map[uint64]uint64{}   // function id → string index
		strs    []string
	)
	err := fields(b, func(num protowire.Number, typ protowire.Type, v uint64, m []byte) error {
		switch {
		case num == 1 && typ == protowire.BytesType: // sample_type
			return fields(m, func(n protowire.Number, _ protowire.Type, v uint64, _ []byte) error {
				if n == 1 {
					types = append(types, v)
				}
				return nil
			})
		case num == 2 && typ == protowire.BytesType: // sample
			var s rawSample
			err := fields(m, func(n protowire.Number, t protowire.Type, v uint64, p []byte) error {
				switch n {
				case 1:
					return varints(t, v, p, &s.locs)
				case 2:
					return varints(t, v, p, &s.values)
				}
				return nil
			})
			samples = append(samples, s)
			return err
		case num == 4 && typ == protowire.BytesType: // location
			var id uint64
			var fns []uint64
			err := fields(m, func(n protowire.Number, t protowire.Type, v uint64, p []byte) error {
				switch {
				case n == 1:
					id = v
				case n == 4 && t == protowire.BytesType: // line
					return fields(p, func(n protowire.Number, _ protowire.Type, v uint64, _ []byte) error {
						if n == 1 {
							fns = append(fns, v)
						}
						return nil
					})
				}
				return nil
			})
			locFns[id] = fns
			return err
		case num == 5 && typ == protowire.BytesType: // function
			var id, name uint64
			err := fields(m, func(n protowire.Number, _ protowire.Type, v uint64, _ []byte) error {
				switch n {
				case 1:
					id = v
				case 2:
					name = v
				}
				return nil
			})
			fnName[id] = name
			return err
		case num == 6 && typ == protowire.BytesType: // string_table
			strs = append(strs, string(m))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	cpu := -1
	for i, t := range types {
		if t < uint64(len(strs)) && strs[t] == "cpu" {
			cpu = i
		}
	}
	if cpu < 0 {
		return nil, fmt.Errorf("%w: no cpu sample type", errProfile)
	}
	str := func(i uint64) string {
		if i < uint64(len(strs)) {
			return strs[i]
		}
		return ""
	}
	out := make([]profSample, 0, len(samples))
	for _, s := range samples {
		if cpu >= len(s.values) {
			return nil, fmt.Errorf("%w: sample with %d values", errProfile, len(s.values))
		}
		ps := profSample{cpu: int64(s.values[cpu])}
		for _, l := range s.locs {
			for _, f := range locFns[l] {
				ps.funcs = append(ps.funcs, str(fnName[f]))
			}
		}
		out = append(out, ps)
	}
	return out, nil
}

// fields calls fn for every field of the message b: v is the value of a
// varint field, m the payload of a length-delimited one.
func fields(b []byte, fn func(num protowire.Number, typ protowire.Type, v uint64, m []byte) error) error {
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			return errProfile
		}
		b = b[n:]
		var v uint64
		var m []byte
		switch typ {
		case protowire.VarintType:
			v, n = protowire.ConsumeVarint(b)
		case protowire.BytesType:
			m, n = protowire.ConsumeBytes(b)
		default:
			n = protowire.ConsumeFieldValue(num, typ, b)
		}
		if n < 0 {
			return errProfile
		}
		b = b[n:]
		if err := fn(num, typ, v, m); err != nil {
			return err
		}
	}
	return nil
}

// varints appends a repeated varint field's values, packed or not.
func varints(typ protowire.Type, v uint64, packed []byte, dst *[]uint64) error {
	if typ == protowire.VarintType {
		*dst = append(*dst, v)
		return nil
	}
	for len(packed) > 0 {
		x, n := protowire.ConsumeVarint(packed)
		if n < 0 {
			return errProfile
		}
		*dst = append(*dst, x)
		packed = packed[n:]
	}
	return nil
}

// fetchCPUProfile takes the server's CPU profile for d from its pprof
// listener: whole seconds, one more than d needs, so that the profile is
// still recording (not being encoded, which allocates) when the allocation
// counters are read after the measurement.
func fetchCPUProfile(ctx context.Context, client *http.Client, base string, d time.Duration) ([]byte, error) {
	secs := int(math.Ceil(d.Seconds())) + 1
	return get(ctx, client, fmt.Sprintf("%s/debug/pprof/profile?seconds=%d", base, secs))
}

// Allocs are the server's cumulative heap allocations (runtime.MemStats
// Mallocs and TotalAlloc).
type Allocs struct {
	Objects, Bytes uint64
}

// fetchAllocs reads the server's allocation counters from the MemStats
// its pprof listener prints with the heap profile.
func fetchAllocs(ctx context.Context, client *http.Client, base string) (Allocs, error) {
	b, err := get(ctx, client, base+"/debug/pprof/allocs?debug=1")
	if err != nil {
		return Allocs{}, err
	}
	return parseAllocs(b)
}

// parseAllocs finds "# Mallocs = N" and "# TotalAlloc = N" in a debug=1
// heap profile.
func parseAllocs(b []byte) (Allocs, error) {
	var a Allocs
	var found int
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		k, v, ok := strings.Cut(strings.TrimPrefix(sc.Text(), "# "), " = ")
		if !ok {
			continue
		}
		var dst *uint64
		switch k {
		case "Mallocs":
			dst = &a.Objects
		case "TotalAlloc":
			dst = &a.Bytes
		default:
			continue
		}
		n, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			return a, fmt.Errorf("heap profile: %s: %w", k, err)
		}
		*dst = n
		found++
	}
	if found != 2 {
		return a, errors.New("heap profile: no Mallocs and TotalAlloc (not a Go pprof listener?)")
	}
	return a, sc.Err()
}

func get(ctx context.Context, client *http.Client, url string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s: %s: %s", url, resp.Status, strings.TrimSpace(string(b)))
	}
	return b, nil
}
