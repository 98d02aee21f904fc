#!/usr/bin/env bash
# Prints the benchmark figures: ./scripts/bench.sh [protocol|sessions|desktop|a11y|mcp|attack|all] [--quick]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=scripts/lib/packages.sh
source "$root/scripts/lib/packages.sh"
ensure_packages bench
dotnet build "$root/bench/OpenDesk.Bench/OpenDesk.Bench.csproj" -c Release --nologo -v quiet >/dev/null
suite=all
for arg in "$@"; do case "$arg" in --*) ;; *) suite="$arg"; break ;; esac; done
# The attack and mcp suites run the real command through the launcher: build it here, not inside a measured phase.
case "$suite" in attack|mcp|all) "$root/opendesk" --help >/dev/null ;; esac
# The mcp suite measures npm's computer-use-mcp beside opendesk mcp: Node.js (Debian's, unless one with npm is
# installed already) and the pinned package, installed once into .build.
if [ "$suite" = mcp ] || [ "$suite" = all ]; then
  command -v npm >/dev/null || ensure_packages node
  peer="$root/.build/bench/computer-use-mcp-1.8.0"
  if [ ! -f "$peer/node_modules/computer-use-mcp/dist/main.js" ]; then
    mkdir -p "$peer"
    [ -f "$peer/package.json" ] || echo '{"private":true}' >"$peer/package.json"
    npm install --prefix "$peer" --no-audit --no-fund --loglevel=error computer-use-mcp@1.8.0 >&2 ||
      echo "bench: could not install computer-use-mcp with npm; the mcp suite measures opendesk alone" >&2
  fi
  export OPENDESK_BENCH_COMPUTER_USE_MCP="$peer/node_modules/computer-use-mcp/dist/main.js"
fi
exec dotnet "$root/bench/OpenDesk.Bench/bin/Release/net10.0/OpenDesk.Bench.dll" "$@"
