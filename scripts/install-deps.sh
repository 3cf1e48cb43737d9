#!/usr/bin/env bash
# Installs what building, running and testing Storelink needs, skipping what is present:
# Debian packages (WebKitGTK, Xvfb, gnome-keyring, WebKitWebDriver, ...) and tauri-driver.
# Usage: install-deps.sh [--test]   (--test adds the e2e tools)
set -euo pipefail
want_test=0
[ "${1:-}" = "--test" ] && want_test=1

packages=(
  libwebkit2gtk-4.1-dev libgtk-3-dev libsoup-3.0-dev libdbus-1-dev librsvg2-dev
  libayatana-appindicator3-dev libxdo-dev libssl-dev build-essential pkg-config file
  dbus-x11 gnome-keyring libsecret-tools
)
if [ "$want_test" = 1 ]; then
  packages+=(xvfb xauth webkit2gtk-driver python3-venv iproute2)
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "Installing system packages: ${missing[*]}"
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "Need root (or sudo) to install: ${missing[*]}" >&2; exit 1; }
    sudo="sudo"
  fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

node_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$node_major" -lt 20 ]; then
  echo "Node.js 20 or newer is needed to build the UI (found: $(node --version 2>/dev/null || echo none))." >&2
  exit 1
fi

if [ "$want_test" = 1 ] && ! command -v tauri-driver >/dev/null; then
  echo "Installing tauri-driver"
  cargo install tauri-driver --version "^2" --locked
fi
