# Installs the Debian packages a job needs, once per machine; sourced by the scripts in scripts/.
# Usage: ensure_packages test|demo|bench|fuzz|node

packages_for() {
  case "$1" in
    test) echo "clang zlib1g-dev python3 util-linux passwd procps iproute2 xvfb openbox xterm x11-utils x11-xserver-utils xdotool wmctrl xclip libturbojpeg0 dbus dbus-x11 at-spi2-core libatk-adaptor gtk-3-examples qt5ct python3-pyatspi" ;;
    demo) echo "util-linux xvfb openbox xterm x11-utils libturbojpeg0 dbus at-spi2-core libatk-adaptor" ;;
    bench) echo "util-linux xvfb openbox xterm x11-utils x11-xserver-utils xdotool libturbojpeg0 scrot x11vnc vncsnapshot dbus dbus-x11 at-spi2-core libatk-adaptor gtk-3-examples python3-pyatspi" ;;
    fuzz) echo "afl++" ;;
    node) echo "nodejs npm" ;;
  esac
}

ensure_packages() {
  local missing=()
  for pkg in $(packages_for "$1"); do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  echo "Installing Debian packages: ${missing[*]}" >&2
  $sudo apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >&2
}
