#!/usr/bin/env bash
# Long fuzzing campaigns over shared/'s parsers (the libFuzzer targets in
# tests/fuzz/). Run `bash tools/fuzz.sh --help` for what it does.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

usage() {
  cat <<'EOF'
usage: bash tools/fuzz.sh [TARGET|all] [SECONDS] [--jobs N]

Builds the native-asan preset (clang, ASan + UBSan, libFuzzer) with
tools/build.sh, then for each target (default: all) in turn:

  1. fuzzes for SECONDS (default 600) of wall time, with N parallel jobs
     (-jobs=N -workers=N; default N = number of cores), starting from the
     checked-in corpus tests/fuzz/corpus/TARGET/. New inputs are written to
     build/fuzz/RUN/TARGET/new/, never into the source tree; job logs to
     build/fuzz/RUN/TARGET/fuzz-*.log; crash, leak, timeout and out-of-memory
     inputs to build/fuzz/RUN/TARGET/artifacts/.
  2. merges the new inputs into the checked-in corpus with -merge=1: only
     inputs that reach coverage the corpus does not have are added (named by
     their SHA-1), so the corpus grows by a minimal set. Review and commit
     tests/fuzz/corpus/ afterwards.

RUN is a time stamp, so earlier campaigns and their artifacts stay.
At the end it prints, per target, executions, inputs added to the corpus and
artifact paths, and exits 1 if any target left an artifact (0 otherwise).
A crash replays with:  build/native-asan/tests/fuzz/TARGET ARTIFACT
and minimizes with:    build/native-asan/tests/fuzz/TARGET -minimize_crash=1 -runs=100000 ARTIFACT
Put the minimized reproducer into tests/fuzz/corpus/TARGET/ so the replay
test (ctest -L fuzz) keeps it fixed.

Targets: the TESSERA_FUZZ_TARGETS of build/native-asan (tests/fuzz/CMakeLists.txt):
fuzz_visit_link, fuzz_envelope, fuzz_handshake, fuzz_chat_frame,
fuzz_file_stream, fuzz_safety_code, fuzz_share_content, fuzz_signaling. The "fuzz_" prefix may be
left out (e.g. `bash tools/fuzz.sh envelope 300`).
EOF
}

target="all"
seconds=600
jobs="$(nproc)"
positional=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    -h|--help) usage; exit 0 ;;
    --jobs) jobs="${2:?--jobs needs a number}"; shift 2 ;;
    --jobs=*) jobs="${1#--jobs=}"; shift ;;
    -*) echo "fuzz.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
    *) positional+=("$1"); shift ;;
  esac
done
[[ ${#positional[@]} -ge 1 ]] && target="${positional[0]}"
[[ ${#positional[@]} -ge 2 ]] && seconds="${positional[1]}"
[[ ${#positional[@]} -le 2 ]] || { echo "fuzz.sh: too many arguments (see --help)" >&2; exit 2; }
[[ "$seconds" =~ ^[0-9]+$ && "$seconds" -gt 0 ]] || { echo "fuzz.sh: SECONDS must be a positive integer" >&2; exit 2; }
[[ "$jobs" =~ ^[0-9]+$ && "$jobs" -gt 0 ]] || { echo "fuzz.sh: --jobs must be a positive integer" >&2; exit 2; }

bash tools/build.sh native-asan

bin_dir="$ROOT/build/native-asan/tests/fuzz"
all_targets="$(sed -n 's/^TESSERA_FUZZ_TARGETS:INTERNAL=//p' build/native-asan/CMakeCache.txt | tr ';' ' ')"
[[ -n "$all_targets" ]] || { echo "fuzz.sh: no fuzz targets in build/native-asan (clang + TESSERA_SANITIZE?)" >&2; exit 1; }
if [[ "$target" == "all" ]]; then
  targets=($all_targets)
else
  [[ "$target" == fuzz_* ]] || target="fuzz_$target"
  if [[ " $all_targets " != *" $target "* ]]; then
    echo "fuzz.sh: unknown target $target; known: $all_targets" >&2
    exit 2
  fi
  targets=("$target")
fi

run_dir="$ROOT/build/fuzz/$(date +%Y%m%d-%H%M%S)"
mkdir -p "$run_dir"
echo "[fuzz] ${#targets[@]} target(s), ${seconds}s each, $jobs job(s); work in ${run_dir#$ROOT/}"

failed=0
summary=()
for t in "${targets[@]}"; do
  work="$run_dir/$t"
  corpus="$ROOT/tests/fuzz/corpus/$t"
  mkdir -p "$work/new" "$work/artifacts" "$corpus"
  before="$(find "$corpus" -type f | wc -l)"
  echo "[fuzz] $t: fuzzing for ${seconds}s"
  # libFuzzer writes the job logs (fuzz-N.log) into the working directory.
  (
    cd "$work"
    ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
      "$bin_dir/$t" -jobs="$jobs" -workers="$jobs" -max_total_time="$seconds" \
        -rss_limit_mb=2048 -timeout=20 -print_final_stats=1 \
        -artifact_prefix="$work/artifacts/" "$work/new" "$corpus" >"$work/controller.log" 2>&1
  ) || true  # a crash ends a job with a non-zero status; artifacts are checked below
  execs="$(grep -h 'stat::number_of_executed_units' "$work"/fuzz-*.log 2>/dev/null |
    awk '{s += $2} END {print s + 0}')"
  echo "[fuzz] $t: merging $(find "$work/new" -type f | wc -l) new input(s) into tests/fuzz/corpus/$t"
  "$bin_dir/$t" -merge=1 -rss_limit_mb=2048 -timeout=20 -artifact_prefix="$work/artifacts/" \
    "$corpus" "$work/new" >"$work/merge.log" 2>&1 || echo "[fuzz] $t: merge failed, see ${work#$ROOT/}/merge.log"
  added=$(( $(find "$corpus" -type f | wc -l) - before ))
  mapfile -t artifacts < <(find "$work/artifacts" -type f | sort)
  line="$t: $execs executions, $added input(s) added to the corpus"
  if [[ ${#artifacts[@]} -gt 0 ]]; then
    failed=1
    line+=", ${#artifacts[@]} ARTIFACT(S):"
    for a in "${artifacts[@]}"; do line+=$'\n'"    ${a#$ROOT/}"; done
    line+=$'\n'"    logs: ${work#$ROOT/}/fuzz-*.log"
  fi
  summary+=("$line")
done

echo
echo "[fuzz] summary (${run_dir#$ROOT/})"
for line in "${summary[@]}"; do echo "  $line"; done
if [[ $failed -ne 0 ]]; then
  echo "[fuzz] FAILED: crashes or other artifacts found (see above)"
  exit 1
fi
echo "[fuzz] no crashes"
