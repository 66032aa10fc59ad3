#!/usr/bin/env bash
# Coverage-guided fuzzing of the parsers that read outside input (docs/fuzzing.md), with the
# libFuzzer and AddressSanitizer runtimes that ship with the Swift toolchain.
#
#   scripts/fuzz.sh [target …]        build, then run each target (default: all) for FUZZ_SECONDS
#   FUZZ_SECONDS=300 scripts/fuzz.sh json
#   FUZZ_BUILD_ONLY=1 scripts/fuzz.sh  build the fuzzers only
#   scripts/fuzz.sh --repro token FILE  run one input through a target (prints the sanitizer report)
#
# Targets: json fixture scenario token socket. The library modules are built by SwiftPM into
# .build-fuzz with -sanitize=fuzzer,address (coverage + ASan on every Swift module, ours and the
# dependencies'); each harness (Tests/Fuzz/<Name>Fuzzer.swift, not a SwiftPM target) is then compiled
# with swiftc and linked against those objects. Seeds come from Tests/Fuzz/corpus/<target> (read-only);
# the working corpus, crashes and logs stay in .build-fuzz/work/<target>.
set -euo pipefail
cd "$(dirname "$0")/.."

all_targets=(json fixture scenario token socket)
harness_for() {
  case "$1" in
    json) echo JSONRequestFuzzer ;; fixture) echo FixtureFuzzer ;; scenario) echo ScenarioFuzzer ;;
    token) echo TokenFuzzer ;; socket) echo SocketFrameFuzzer ;;
    *) echo "unknown fuzz target '$1' (targets: ${all_targets[*]})" >&2; exit 2 ;;
  esac
}

seconds="${FUZZ_SECONDS:-60}"
scratch=.build-fuzz
repro=""
if [ "${1:-}" = "--repro" ]; then
  repro="$3"
  set -- "$2"
fi
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=("${all_targets[@]}")
for target in "${targets[@]}"; do harness_for "$target" >/dev/null; done

# 1. The library modules, instrumented.
swift build --scratch-path "$scratch" --target AXPSimFuzzTargets -Xswiftc -sanitize=fuzzer,address
build_dir="$(swift build --scratch-path "$scratch" --show-bin-path)"
build_dir="$(readlink -f "$build_dir")"

# 2. Objects and C module maps they need (test targets and executables left out).
mapfile -t objects < <(find "$build_dir" -path "$build_dir/*.build/*" -name '*.o' | grep -v -E 'Tests\.build/|PackageTests|/axpsim\.build/|-tool\.build/' | sort)
include_flags=()
for built in "$build_dir"/*.build; do
  name="$(basename "$built" .build)"
  for include in "$scratch"/checkouts/*/Sources/"$name"/include Sources/"$name"; do
    [ -f "$include/module.modulemap" ] && include_flags+=(-I "$include")
  done
done
# System-library targets (COpenSSL, …) build nothing, so no .build folder names them: add their
# module maps too (a module that imports one needs it to be found; its `link` line links it).
for include in Sources/C*; do
  [ -f "$include/module.modulemap" ] && include_flags+=(-I "$include")
done

mkdir -p "$scratch/bin"
for target in "${targets[@]}"; do
  harness="Tests/Fuzz/$(harness_for "$target").swift"
  binary="$scratch/bin/fuzz-$target"
  if [ ! -x "$binary" ] || [ -n "$(find "$harness" "$build_dir/Modules" -newer "$binary" -print -quit)" ]; then
    echo "linking $binary" >&2
    swiftc -sanitize=fuzzer,address -parse-as-library -g -Onone -use-ld=lld -module-name "fuzz_$target" \
      -I "$build_dir/Modules" "${include_flags[@]}" "$harness" "${objects[@]}" -o "$binary"
  fi
done
[ -n "${FUZZ_BUILD_ONLY:-}" ] && exit 0

export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=0:allocator_may_return_null=1}"
# The Swift runtime's own crash backtracer would wait on a crashed fuzzer; libFuzzer and ASan report instead.
export SWIFT_BACKTRACE="${SWIFT_BACKTRACE:-enable=no}"
if [ -n "$repro" ]; then
  exec "$scratch/bin/fuzz-${targets[0]}" -rss_limit_mb=2048 -timeout=10 "$repro"
fi

# 3. Run each target for a bounded time on its seeds; new inputs go to the working corpus.
status=0
summary=()
for target in "${targets[@]}"; do
  work="$scratch/work/$target"
  mkdir -p "$work/corpus" "$work/crashes"
  dict=()
  [ -f "Tests/Fuzz/dict/$target.dict" ] && dict=(-dict="Tests/Fuzz/dict/$target.dict")
  echo "== fuzz-$target for ${seconds}s" >&2
  set +e
  "$scratch/bin/fuzz-$target" "$work/corpus" "Tests/Fuzz/corpus/$target" "${dict[@]}" \
    -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 -max_len=8192 -print_final_stats=1 \
    -artifact_prefix="$work/crashes/" ${FUZZ_ARGS:-} >"$work/log" 2>&1
  code=$?
  set -e
  runs="$(grep -E '^stat::number_of_executed_units' "$work/log" | awk '{print $2}')"
  speed="$(grep -E '^stat::average_exec_per_sec' "$work/log" | awk '{print $2}')"
  last="$(grep -E '#[0-9]+.*(cov|DONE)' "$work/log" | tail -1)"
  corpus="$(find "$work/corpus" -type f | wc -l)"
  if [ "$code" -ne 0 ]; then
    status=1
    echo "!! fuzz-$target stopped with $code; see $work/log and $work/crashes/:" >&2
    grep -E 'ERROR: |Fatal error|SUMMARY|Test unit written' "$work/log" >&2 || tail -20 "$work/log" >&2
  fi
  summary+=("$(printf '%-9s exit=%s runs=%s exec/s=%s corpus=%s | %s' "$target" "$code" "${runs:-?}" "${speed:-?}" "$corpus" "$last")")
done
printf '%s\n' "${summary[@]}"
exit "$status"
