#!/usr/bin/env bash
# Rewrites each library's PublicAPI.Unshipped.txt from its code, with the public API analyzer's own code fix,
# then builds the libraries to prove the baseline matches. Run it after changing or merging public API, and
# review the diff: it is the change to the surface users see. PublicAPI.Shipped.txt is never touched here: an
# entry removed from it is a breaking change the build keeps reporting (RS0017) until someone decides.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
libraries=(OpenDesk OpenDesk.Server OpenDesk.Linux OpenDesk.Imaging OpenDesk.Mcp)

for library in "${libraries[@]}"; do
  dir="$root/src/$library"
  [ -f "$dir/PublicAPI.Shipped.txt" ] || printf '#nullable enable\n' >"$dir/PublicAPI.Shipped.txt"
  printf '#nullable enable\n' >"$dir/PublicAPI.Unshipped.txt"
  dotnet restore "$dir/$library.csproj" --nologo -v quiet
  dotnet format analyzers "$dir/$library.csproj" --no-restore --diagnostics RS0016 --severity warn -v quiet
  echo "$library: $(($(wc -l <"$dir/PublicAPI.Unshipped.txt") - 1)) unshipped, $(($(wc -l <"$dir/PublicAPI.Shipped.txt") - 1)) shipped" >&2
done

for library in "${libraries[@]}"; do
  dotnet build "$root/src/$library/$library.csproj" -c Release --nologo -v quiet -p:UseSharedCompilation=false
done
