#!/usr/bin/env bash
# Runs every libFuzzer target of a fuzz build for SECONDS each, from its
# committed corpus (fuzz/corpus/NAME); what it finds new is kept in the build
# folder, not in the repository. One JSON line per target (executions, corpus,
# coverage); a crash stops with its input in BUILD/artifacts/. The targets
# run JOBS at a time (default: one per core): each is single-threaded.
#   scripts/fuzz.sh BUILD SECONDS [JOBS]
set -uo pipefail
build=$1
seconds=$2
jobs=${3:-$(nproc)}
root=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$build/artifacts"

# One target: its JSON line in $build/fuzz_NAME.result; exit 1 on a finding.
run() {
  local fuzzer=$1 name=${1##*/fuzz_}
  local found="$build/corpus/$name" log="$build/fuzz_$name.log"
  mkdir -p "$found"
  # -rss_limit_mb: a parser that swells on a small input is a finding too.
  "$fuzzer" -max_total_time="$seconds" -rss_limit_mb=1024 -timeout=10 -print_final_stats=1 \
    -artifact_prefix="$build/artifacts/${name}-" "$found" "$root/fuzz/corpus/$name" >"$log" 2>&1
  local code=$?
  local runs per_second coverage
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1)
  per_second=$(grep -o 'stat::average_exec_per_sec: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1)
  coverage=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*')
  echo "{\"fuzzer\":\"$name\",\"seconds\":$seconds,\"executions\":${runs:-0},\"per_second\":${per_second:-0},\"coverage\":${coverage:-0},\"crashes\":$([ $code -eq 0 ] && echo 0 || echo 1)}" \
    >"$build/fuzz_$name.result"
  return $([ $code -eq 0 ] && echo 0 || echo 1)
}

fuzzers=()
for fuzzer in "$build"/fuzz/fuzz_*; do
  [ -x "$fuzzer" ] && fuzzers+=("$fuzzer")
done
running=0
for fuzzer in "${fuzzers[@]}"; do
  if [ "$running" -ge "$jobs" ]; then
    wait -n
    running=$((running - 1))
  fi
  run "$fuzzer" &
  running=$((running + 1))
done
wait

status=0
for fuzzer in "${fuzzers[@]}"; do
  name=${fuzzer##*/fuzz_}
  cat "$build/fuzz_$name.result"
  if grep -q '"crashes":1' "$build/fuzz_$name.result"; then
    echo "FAIL: fuzz_$name; see $build/fuzz_$name.log and $build/artifacts/" >&2
    tail -40 "$build/fuzz_$name.log" >&2
    status=1
  fi
done
exit $status
