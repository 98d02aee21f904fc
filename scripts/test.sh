#!/usr/bin/env bash
# Runs the whole test suite: installs the system packages the tests need, builds, runs every test project, then
# the smoke tests of the native AOT build and of the packed .NET tool (scripts/smoke.sh), and prints one summary
# line ("N passed, N failed, N skipped") counting both.
#   --fast   only the unit tests: no X server, no real opendesk processes, no smoke tests; runs in seconds.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

fast=false
case "${1:-}" in
  "") ;;
  --fast) fast=true ;;
  *) echo "usage: $0 [--fast]" >&2; exit 2 ;;
esac

# shellcheck source=scripts/lib/packages.sh
source "$root/scripts/lib/packages.sh"
ensure_packages test

results="$(mktemp -d)"
trap 'rm -rf "$results"' EXIT
status=0
if $fast; then
  # Everything but the X11 backend (Linux/), the tests that run the real command (EndToEnd/, Mcp/EndToEnd/, and the mDNS test
  # that starts serve processes in network namespaces).
  dotnet test "$root/tests/OpenDesk.Tests" -c Release --nologo \
    --filter "FullyQualifiedName!~OpenDesk.Tests.Linux.&FullyQualifiedName!~OpenDesk.Tests.EndToEnd.&FullyQualifiedName!~OpenDesk.Tests.Mcp.EndToEnd.&FullyQualifiedName!~OpenDesk.Tests.Discovery.MdnsCliNamespaceTests." \
    --results-directory "$results" --logger "trx" --logger "console;verbosity=minimal" || status=$?
else
  # The end-to-end tests run the real command through the launcher: build it once up front, not inside a test.
  "$root/opendesk" --help >/dev/null
  dotnet test "$root/OpenDesk.slnx" -c Release --nologo \
    --results-directory "$results" --logger "trx" --logger "console;verbosity=minimal" || status=$?
  echo
  "$root/scripts/smoke.sh" | tee "$results/smoke.txt" || status=$?
fi

# One summary line for the whole run, counted from the TRX reports of every test assembly and the smoke checks.
read -r passed failed skipped < <(python3 - "$results" <<'PY'
import glob, os, sys, xml.etree.ElementTree as ET
p = f = s = 0
for path in glob.glob(sys.argv[1] + "/**/*.trx", recursive=True):
    counters = ET.parse(path).getroot().find(".//{*}Counters")
    p += int(counters.get("passed", 0))
    f += int(counters.get("failed", 0)) + int(counters.get("error", 0)) + int(counters.get("timeout", 0)) + int(counters.get("aborted", 0))
    # Skipped tests show up only as results with outcome NotExecuted, not in the counters.
    s += sum(1 for r in ET.parse(path).getroot().iter() if r.tag.endswith("UnitTestResult") and r.get("outcome") == "NotExecuted")
smoke = os.path.join(sys.argv[1], "smoke.txt")
if os.path.exists(smoke):
    for line in open(smoke, encoding="utf-8"):
        p += line.startswith("PASS ")
        f += line.startswith("FAIL ")
print(p, f, s)
PY
)
echo
echo "$passed passed, $failed failed, $skipped skipped"
if [ "$status" -ne 0 ] || [ "$failed" -ne 0 ] || [ "$passed" -eq 0 ]; then
  exit 1
fi
