#!/usr/bin/env bash
# Starts the desktop app; with no display, says so and runs the headless binary instead.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
target=$("$root/scripts/target-dir.sh")
if [ -n "${DISPLAY:-}" ] || [ -n "${WAYLAND_DISPLAY:-}" ]; then
  exec "$target/debug/storelink-desktop"
fi
cat <<MSG
No display found (DISPLAY and WAYLAND_DISPLAY are unset), so the Storelink window cannot open.
Running Storelink headless instead: the same core and the same data folder as the window.
MSG
"$target/debug/storelink" status
cat <<MSG

Headless commands (see '$target/debug/storelink --help'):
  storelink systems list | add | show | update | delete | test
  storelink users add --username NAME --role ROLE
MSG
