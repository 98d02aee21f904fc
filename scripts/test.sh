#!/usr/bin/env bash
# Runs the whole test suite: installs the system packages the tests need, builds, runs every test
# project and prints one summary line ("N passed, N failed, N skipped").
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

# shellcheck source=scripts/lib/packages.sh
source "$root/scripts/lib/packages.sh"
ensure_packages test

log="$(mktemp)"
trap 'rm -f "$log"' EXIT
status=0
dotnet test "$root/OpenDesk.slnx" -c Release --nologo -v quiet \
  --logger "console;verbosity=normal" 2>&1 | tee "$log" || status=$?

# dotnet test prints one "Passed!/Failed!  - Failed: N, Passed: N, Skipped: N" line per test assembly.
read -r passed failed skipped < <(grep -E '^(Passed|Failed)!' "$log" | sed -E 's/.*Failed: *([0-9]+), Passed: *([0-9]+), Skipped: *([0-9]+).*/\2 \1 \3/' \
  | awk '{p+=$1; f+=$2; s+=$3} END {print p+0, f+0, s+0}')
echo
echo "$passed passed, $failed failed, $skipped skipped"
if [ "$status" -ne 0 ] || [ "$failed" -ne 0 ] || [ "$passed" -eq 0 ]; then
  exit 1
fi
