#!/usr/bin/env bash
# Prints the benchmark figures: ./scripts/bench.sh [protocol|sessions|desktop|a11y|attack|all] [--quick]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=scripts/lib/packages.sh
source "$root/scripts/lib/packages.sh"
ensure_packages bench
dotnet build "$root/bench/OpenDesk.Bench/OpenDesk.Bench.csproj" -c Release --nologo -v quiet >/dev/null
suite=all
for arg in "$@"; do case "$arg" in --*) ;; *) suite="$arg"; break ;; esac; done
# The attack suite runs the real serve through the launcher: build it here, not inside a measured phase.
if [ "$suite" = attack ] || [ "$suite" = all ]; then "$root/opendesk" --help >/dev/null; fi
exec dotnet "$root/bench/OpenDesk.Bench/bin/Release/net10.0/OpenDesk.Bench.dll" "$@"
