#!/usr/bin/env bash
# Coverage-guided fuzzing of the untrusted-input decoders with AFL++ and SharpFuzz (see fuzz/README.md):
#   ./scripts/fuzz.sh [frames|handshake|admin|all] [--execs N] [--minutes M]
# Each target runs alone under `nice -n 19` until it has done N executions or M minutes have passed,
# whichever comes first (default: 1,000,000 executions). Prints executions, crashes and hangs per target and
# exits non-zero when any target crashed or hung. Not part of ./scripts/test.sh.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=scripts/lib/packages.sh
source "$root/scripts/lib/packages.sh"

usage() { echo "usage: $0 [frames|handshake|admin|all] [--execs N] [--minutes M]" >&2; exit 2; }

which_targets=all
execs=""
minutes=""
while [ $# -gt 0 ]; do
  case "$1" in
    frames|handshake|admin|all) which_targets="$1" ;;
    --execs) [ $# -ge 2 ] && [[ "$2" =~ ^[0-9]+$ ]] || usage; execs="$2"; shift ;;
    --minutes) [ $# -ge 2 ] && [[ "$2" =~ ^[0-9]+$ ]] || usage; minutes="$2"; shift ;;
    *) usage ;;
  esac
  shift
done
[ -z "$execs" ] && [ -z "$minutes" ] && execs=1000000
if [ "$which_targets" = all ]; then targets=(frames handshake admin); else targets=("$which_targets"); fi

ensure_packages fuzz

out="$root/fuzz/out"
tools="$out/tools"
if [ ! -x "$tools/sharpfuzz" ]; then
  dotnet tool install SharpFuzz.CommandLine --version 2.3.0 --tool-path "$tools" >/dev/null
fi

# Instrument a copy: instrumented code only runs under afl-fuzz, so seeding and replay use the plain build.
dotnet build "$root/fuzz/OpenDesk.Fuzz/OpenDesk.Fuzz.csproj" -c Release --nologo -v quiet >/dev/null
plain="$root/fuzz/OpenDesk.Fuzz/bin/Release/net10.0"
bin="$out/bin"
rm -rf "$bin"
cp -r "$plain" "$bin"
# The frame and handshake decoders live in the core library, the admin frame parser in the server's.
for assembly in OpenDesk.dll OpenDesk.Server.dll; do
  "$tools/sharpfuzz" "$bin/$assembly" >/dev/null
done

afl_pid=""
cleanup() { if [ -n "$afl_pid" ]; then kill -INT "$afl_pid" 2>/dev/null || true; wait "$afl_pid" 2>/dev/null || true; fi; }
trap cleanup EXIT
trap 'exit 130' INT TERM

stat_of() { sed -n "s/^$2 *: *//p" "$1" | head -n1; }

failed=0
summary=()
for target in "${targets[@]}"; do
  run="$out/$target/$(date -u +%Y%m%dT%H%M%SZ)"
  mkdir -p "$run"
  dotnet "$plain/OpenDesk.Fuzz.dll" seed "$target" "$root/docs/protocol/vectors" "$run" >&2
  limits=()
  [ -n "$execs" ] && limits+=(-E "$execs")
  [ -n "$minutes" ] && limits+=(-V "$((minutes * 60))")
  echo "fuzzing $target (${limits[*]}); afl-fuzz log: $run/afl.log" >&2
  # afl-fuzz's checks for core dumps, CPU scaling and a native binary do not apply to a .NET fork server.
  AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_SKIP_BIN_CHECK=1 AFL_NO_AFFINITY=1 \
  AFL_NO_UI=1 \
    nice -n 19 afl-fuzz -i "$run/seeds" -o "$run/findings" -x "$run/$target.dict" -t 5000 -m none "${limits[@]}" \
      -- "$(command -v dotnet)" "$bin/OpenDesk.Fuzz.dll" run "$target" >"$run/afl.log" 2>&1 &
  afl_pid=$!
  status=0
  wait "$afl_pid" || status=$?
  afl_pid=""
  stats="$run/findings/default/fuzzer_stats"
  if [ ! -f "$stats" ]; then
    echo "$target: afl-fuzz did not start (exit $status); last lines of $run/afl.log:" >&2
    tail -n 20 "$run/afl.log" >&2
    failed=1
    continue
  fi
  done_execs="$(stat_of "$stats" execs_done)"
  seconds="$(( $(stat_of "$stats" last_update) - $(stat_of "$stats" start_time) ))"
  crashes="$(stat_of "$stats" saved_crashes)"; [ -z "$crashes" ] && crashes="$(stat_of "$stats" unique_crashes)"
  hangs="$(stat_of "$stats" saved_hangs)"; [ -z "$hangs" ] && hangs="$(stat_of "$stats" unique_hangs)"
  rate=$(( seconds > 0 ? done_execs / seconds : done_execs ))
  summary+=("$(printf '%-10s %12s execs %7s s %7s exec/s %4s crashes %4s hangs  %s' \
    "$target" "$done_execs" "$seconds" "$rate" "$crashes" "$hangs" "$run")")
  if [ "$crashes" != 0 ] || [ "$hangs" != 0 ]; then
    failed=1
    for file in "$run"/findings/default/crashes/id:* "$run"/findings/default/hangs/id:*; do
      [ -f "$file" ] && echo "  replay: dotnet $plain/OpenDesk.Fuzz.dll replay $target '$file'" >&2
    done
  fi
done

echo "target            executions   seconds   exec/s crashes hangs  findings"
printf '%s\n' "${summary[@]}"
exit "$failed"
