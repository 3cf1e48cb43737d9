#!/usr/bin/env bash
# End-to-end tests against the real desktop window: Xvfb display, private D-Bus session
# with an unlocked gnome-keyring, tauri-driver + WebKitWebDriver, WebdriverIO specs run
# by node's test runner. Expects the binaries to be built (make does that first).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
target=$("$root/scripts/target-dir.sh")

if [ -z "${DISPLAY:-}" ] || [ "${STORELINK_E2E_INNER:-}" != "1" ]; then
  export STORELINK_E2E_INNER=1
  # Always a private display and bus: the tests never touch the person's own session.
  exec timeout --kill-after=10 900 xvfb-run -a -s "-screen 0 1280x800x24" \
    "$root/scripts/with-keyring.sh" "$0" "$@"
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/storelink-e2e.XXXXXX")
export STORELINK_APP="$target/debug/storelink-desktop"
export STORELINK_CLI="$target/debug/storelink"
export STORELINK_DATA_DIR="$work/data"
export E2E_SCREENSHOT_DIR="${E2E_SCREENSHOT_DIR:-$root/tests/e2e/artifacts}"
mkdir -p "$STORELINK_DATA_DIR" "$E2E_SCREENSHOT_DIR"
for bin in "$STORELINK_APP" "$STORELINK_CLI"; do
  [ -x "$bin" ] || { echo "e2e: $bin is not built" >&2; exit 1; }
done

driver_log="$work/tauri-driver.log"
tauri-driver --port 4444 --native-port 4445 >"$driver_log" 2>&1 &
driver=$!
cleanup() { kill "$driver" 2>/dev/null || true; wait "$driver" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
for _ in $(seq 1 100); do
  if node -e 'require("net").connect(4444,"127.0.0.1").on("connect",()=>process.exit(0)).on("error",()=>process.exit(1))'; then
    break
  fi
  sleep 0.1
done

cd "$root/tests/e2e"
status=0
# In this order, one file at a time: systems.test.mjs checks the first run (creating the
# admin) of the shared data folder; settings.test.mjs and the journeys sign in as that admin.
for spec in systems.test.mjs settings.test.mjs journeys/sync_progress.test.mjs \
  journeys/front_desk.test.mjs journeys/failed_sync.test.mjs journeys/export_xlsx.test.mjs \
  journeys/role_limits.test.mjs; do
  node --test --test-reporter=spec "$spec" || status=$?
done
if [ "$status" -ne 0 ]; then
  echo "---- tauri-driver log ----" >&2
  cat "$driver_log" >&2
fi
exit "$status"
