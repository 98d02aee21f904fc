#!/usr/bin/env bash
# Packs the libraries (OpenDesk, OpenDesk.Server, OpenDesk.Linux, OpenDesk.Imaging, OpenDesk.Mcp) and the `opendesk` .NET tool (OpenDesk.Cli)
# into artifacts/packages, or into the folder given as the only argument, and lists what it wrote.
# Then: dotnet tool install --global --add-source artifacts/packages OpenDesk.Cli
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$(mkdir -p "${1:-$root/artifacts/packages}" && cd "${1:-$root/artifacts/packages}" && pwd)"
projects=(OpenDesk OpenDesk.Server OpenDesk.Linux OpenDesk.Imaging OpenDesk.Mcp OpenDesk.Cli)

# Older builds of these packages would shadow nothing, but a stale higher version would be the one installed.
for project in "${projects[@]}"; do
  rm -f "$out/$project".[0-9]*.nupkg
done

for project in "${projects[@]}"; do
  dotnet pack "$root/src/$project/$project.csproj" -c Release -o "$out" --nologo -v quiet -p:UseSharedCompilation=false
done

for project in "${projects[@]}"; do
  ls "$out/$project".[0-9]*.nupkg
done
