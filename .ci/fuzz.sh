#!/usr/bin/env bash
# Runs every Fuzz target in the module briefly (FUZZTIME, default 5s each),
# seeded from its corpus and testdata/fuzz. A crash fails CI and leaves the
# failing input under the package's testdata/fuzz for a regression test.
set -euo pipefail
cd "$(dirname "$0")/.."
fuzztime="${FUZZTIME:-5s}"
# fuzz_one runs one target. Go's fuzz coordinator can fail a target with
# "context deadline exceeded" when -fuzztime runs out, having found nothing
# (a race in internal/fuzz between the deadline and its own context); such a
# run writes no failing input. That harness failure is retried, up to twice;
# a crash ("Failing input written to ...") fails CI at once.
fuzz_one() {
  local dir="$1" name="$2" out attempt
  for attempt in 1 2 3; do
    if out="$(go test -run='^$' -fuzz="^${name}\$" -fuzztime="$fuzztime" "$dir" 2>&1)"; then
      printf '%s\n' "$out" | tail -n 3
      return 0
    fi
    printf '%s\n' "$out"
    if ! grep -q 'context deadline exceeded' <<<"$out" || grep -q 'Failing input written' <<<"$out"; then
      return 1
    fi
    echo "-- $name: the fuzz coordinator hit its deadline without a failing input (attempt $attempt); retrying"
  done
  return 1
}

grep -rl --include='*_test.go' -E '^func Fuzz[A-Za-z0-9_]+\(' . | sort | while read -r file; do
  dir="$(dirname "$file")"
  case "$dir" in ./retrieval/bench/peer*) continue ;; esac
  for name in $(grep -oE '^func Fuzz[A-Za-z0-9_]+' "$file" | sed 's/^func //'); do
    echo "-- fuzz $dir $name ($fuzztime)"
    fuzz_one "$dir" "$name"
  done
done
