#!/usr/bin/env bash
# Runs every Fuzz target in the module briefly (FUZZTIME, default 5s each),
# seeded from its corpus and testdata/fuzz. A crash fails CI and leaves the
# failing input under the package's testdata/fuzz for a regression test.
set -euo pipefail
cd "$(dirname "$0")/.."
fuzztime="${FUZZTIME:-5s}"
grep -rl --include='*_test.go' -E '^func Fuzz[A-Za-z0-9_]+\(' . | sort | while read -r file; do
  dir="$(dirname "$file")"
  case "$dir" in ./retrieval/bench/peer*) continue ;; esac
  for name in $(grep -oE '^func Fuzz[A-Za-z0-9_]+' "$file" | sed 's/^func //'); do
    echo "-- fuzz $dir $name ($fuzztime)"
    go test -run='^$' -fuzz="^${name}\$" -fuzztime="$fuzztime" "$dir"
  done
done
