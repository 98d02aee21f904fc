#!/usr/bin/env bash
# Smoke tests of the command as users get it, not as the test suite builds it: a native AOT build of the CLI,
# and the .NET tool installed from the packages scripts/pack.sh makes. Prints one "PASS name" or
# "FAIL name: why" line per check (scripts/test.sh counts them) and exits non-zero when any failed.
#   --aot    only the native build    --tool    only the packed tool    (default: both)
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
what="${1:-all}"
case "$what" in
  all | --aot | --tool) ;;
  *) echo "usage: $0 [--aot|--tool]" >&2; exit 2 ;;
esac

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
failed=0

pass() { echo "PASS $1"; }
fail() { echo "FAIL $1: $2"; failed=$((failed + 1)); }

# A home with one trusted peer, written in the trust store's own format, for `peers --json` to list.
home="$work/home"
mkdir -m 700 "$home"
cat >"$home/trusted-peers.json" <<'JSON'
[
  {
    "description": "smoke test desk <2nd floor>",
    "description_override": "",
    "last_host": "127.0.0.1",
    "last_port": 8423,
    "name": "smoke-office",
    "paired_at": 1764880000.5,
    "public_key": "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
    "role": "remote"
  }
]
JSON

# Runs `$@ peers --json` against that home and checks it printed exactly that peer.
check_peers_json() {
  local name="$1"
  shift
  local out
  if ! out="$("$@" peers --json --home "$home" 2>"$work/stderr")"; then
    fail "$name" "exit $? ($(head -c 500 "$work/stderr"))"
    return
  fi
  if python3 -c '
import json, sys
peers = json.loads(sys.argv[1])
assert isinstance(peers, list) and len(peers) == 1, peers
peer = peers[0]
assert peer["name"] == "smoke-office", peer
assert peer["public_key"] == "0123456789abcdef" * 4, peer
assert peer["fingerprint"] == "0123:4567:89ab:cdef", peer
assert peer["description"] == "smoke test desk <2nd floor>", peer
assert peer["last_port"] == 8423 and peer["default"] is False, peer
' "$out" 2>"$work/stderr"; then
    pass "$name"
  else
    fail "$name" "unexpected output: $(head -c 300 <<<"$out") ($(tail -n 1 "$work/stderr"))"
  fi
}

check_help() {
  local name="$1"
  shift
  local out
  if out="$("$@" --help 2>&1)" && grep -q "^Usage:" <<<"$out" && grep -q "install-service" <<<"$out"; then
    pass "$name"
  else
    fail "$name" "$(head -c 300 <<<"$out")"
  fi
}

# Drives `$@ mcp` over stdio as an MCP client does: initialize, tools/list, then opendesk_peers, which must list
# the home's peer. Trimming that broke the SDK's JSON would show here, not in the build.
check_mcp() {
  local name="$1"
  shift
  if DISPLAY= python3 - "$home" "$@" >"$work/mcp.log" 2>&1 <<'PY'
import json, subprocess, sys
home, command = sys.argv[1], sys.argv[2:]
server = subprocess.Popen([*command, "mcp", "--home", home], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
def send(message):
    server.stdin.write(json.dumps(message) + "\n")
    server.stdin.flush()
def answer(id):
    for line in server.stdout:
        message = json.loads(line)
        if message.get("id") == id:
            assert "error" not in message, message
            return message["result"]
    raise AssertionError(f"no answer to request {id}")
send({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "smoke", "version": "1"}}})
assert answer(1)["serverInfo"]["name"] == "opendesk"
send({"jsonrpc": "2.0", "method": "notifications/initialized"})
send({"jsonrpc": "2.0", "id": 2, "method": "tools/list"})
tools = {tool["name"]: tool for tool in answer(2)["tools"]}
assert tools["screenshot"]["inputSchema"]["properties"]["max_size"]["default"] == 1280, tools["screenshot"]
assert tools["shell"]["annotations"]["destructiveHint"] is True, tools["shell"]
send({"jsonrpc": "2.0", "id": 3, "method": "tools/call", "params": {"name": "opendesk_peers", "arguments": {}}})
text = answer(3)["content"][0]["text"]
assert "smoke-office" in text, text
server.stdin.close()
server.wait(timeout=30)
PY
  then
    pass "$name"
  else
    fail "$name" "$(tail -c 500 "$work/mcp.log")"
  fi
}

if [ "$what" != "--tool" ]; then
  # Published under .build (ignored by git) so a second run reuses what it can of the first.
  aot="$root/.build/aot"
  started=$SECONDS
  if dotnet publish "$root/src/OpenDesk.Cli/OpenDesk.Cli.csproj" -c Release -r linux-x64 -p:PublishAot=true \
      -o "$aot" --nologo -v quiet -p:UseSharedCompilation=false >"$work/publish.log" 2>&1; then
    pass "native AOT publish of the CLI ($((SECONDS - started)) s)"
    check_help "native CLI --help" "$aot/OpenDesk.Cli"
    check_peers_json "native CLI peers --json" "$aot/OpenDesk.Cli"
    check_mcp "native CLI mcp over stdio: tools/list and opendesk_peers" "$aot/OpenDesk.Cli"
  else
    fail "native AOT publish of the CLI" "$(grep -E 'error|warning' "$work/publish.log" | sort -u | head -n 20)"
  fi
fi

if [ "$what" != "--aot" ]; then
  packages="$work/packages"
  tools="$work/tools"
  # Only the packages just made: no other source can offer a package of the same name.
  cat >"$work/nuget.config" <<XML
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <clear />
    <add key="packed" value="$packages" />
  </packageSources>
</configuration>
XML
  if ! "$root/scripts/pack.sh" "$packages" >"$work/pack.log" 2>&1; then
    fail "dotnet pack of the libraries and the tool" "$(grep -E 'error|warning' "$work/pack.log" | sort -u | head -n 20)"
  elif ! dotnet tool install --tool-path "$tools" --configfile "$work/nuget.config" OpenDesk.Cli >"$work/install.log" 2>&1; then
    pass "dotnet pack of the libraries and the tool"
    fail "dotnet tool install OpenDesk.Cli" "$(cat "$work/install.log")"
  else
    pass "dotnet pack of the libraries and the tool"
    pass "dotnet tool install OpenDesk.Cli"
    check_help "installed tool: opendesk --help" "$tools/opendesk"
    check_peers_json "installed tool: opendesk peers --json" "$tools/opendesk"
    check_mcp "installed tool: opendesk mcp over stdio" "$tools/opendesk"
    # install-service must point the service at the tool's shim, even with a checkout's launcher in the environment.
    if OPENDESK_LAUNCHER="$root/opendesk" XDG_CONFIG_HOME="$work/config" "$tools/opendesk" install-service --no-start --home "$home" >"$work/service.log" 2>&1 \
        && grep -qxF "ExecStart=$tools/opendesk serve --port 8423 --home $home" "$work/config/systemd/user/opendesk.service"; then
      pass "installed tool: install-service runs the tool's shim"
    else
      fail "installed tool: install-service runs the tool's shim" "$(cat "$work/service.log" "$work/config/systemd/user/opendesk.service" 2>&1)"
    fi
  fi
fi

[ "$failed" -eq 0 ]
