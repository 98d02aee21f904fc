#!/usr/bin/env bash
# Runs the whole test suite: installs the system packages the tests need, builds, runs every test
# project and prints one summary line ("N passed, N failed, N skipped").
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

# shellcheck source=scripts/lib/packages.sh
source "$root/scripts/lib/packages.sh"
ensure_packages test

# The end-to-end tests run the real command through the launcher: build it once up front, not inside a test.
"$root/opendesk" --help >/dev/null

results="$(mktemp -d)"
trap 'rm -rf "$results"' EXIT
status=0
dotnet test "$root/OpenDesk.slnx" -c Release --nologo \
  --results-directory "$results" --logger "trx" --logger "console;verbosity=minimal" || status=$?

# One summary line for the whole run, counted from the TRX reports of every test assembly.
read -r passed failed skipped < <(python3 - "$results" <<'PY'
import glob, sys, xml.etree.ElementTree as ET
p = f = s = 0
for path in glob.glob(sys.argv[1] + "/**/*.trx", recursive=True):
    counters = ET.parse(path).getroot().find(".//{*}Counters")
    p += int(counters.get("passed", 0))
    f += int(counters.get("failed", 0)) + int(counters.get("error", 0)) + int(counters.get("timeout", 0)) + int(counters.get("aborted", 0))
    # Skipped tests show up only as results with outcome NotExecuted, not in the counters.
    s += sum(1 for r in ET.parse(path).getroot().iter() if r.tag.endswith("UnitTestResult") and r.get("outcome") == "NotExecuted")
print(p, f, s)
PY
)
echo
echo "$passed passed, $failed failed, $skipped skipped"
if [ "$status" -ne 0 ] || [ "$failed" -ne 0 ] || [ "$passed" -eq 0 ]; then
  exit 1
fi
