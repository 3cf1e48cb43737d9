#!/usr/bin/env bash
# Desktop benchmark of issue 7 (docs/BENCHMARKS.md, "Desktop"): cold start to the dashboard,
# idle memory and CPU of the app and its WebKit processes, and the first filtered page of
# 1,000,000 POS transactions through IPC, in the real window under Xvfb, driven by
# tauri-driver (tests/bench/desktop.mjs). Expects the binaries to be built:
#   cargo build --release -p storelink-desktop -p storelink-cli
#
# Environment (all optional):
#   STORELINK_BENCH_PROFILE      release (default) or debug: which build to measure
#   STORELINK_BENCH_APP          another desktop binary to measure (e.g. a copy, to compare)
#   STORELINK_BENCH_RECORDS      POS transactions to seed (1000000)
#   STORELINK_BENCH_DATA         a data folder seeded earlier by this script (with
#                                STORELINK_BENCH_KEEP=1), reused instead of seeding again
#   STORELINK_BENCH_KEEP         1: keep the seeded data folder (its path is printed)
#   STORELINK_BENCH_PORT         tauri-driver's port (4454), STORELINK_BENCH_NATIVE_PORT (4455):
#                                not the e2e suite's 4444/4445, so both can run at once
#   BENCH_RUNS, BENCH_IDLE_SETTLE, BENCH_IDLE_WINDOW, BENCH_WARM_ROUNDS, BENCH_OUT: see
#                                tests/bench/desktop.mjs
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)

if [ "${STORELINK_BENCH_INNER:-}" != "1" ]; then
  export STORELINK_BENCH_INNER=1
  # Its own display (-a picks a free one) and its own D-Bus session and keyring.
  exec timeout --kill-after=10 "${STORELINK_BENCH_TIMEOUT:-2400}" xvfb-run -a -s "-screen 0 1280x800x24" \
    "$root/scripts/with-keyring.sh" "$0" "$@"
fi

profile=${STORELINK_BENCH_PROFILE:-release}
records=${STORELINK_BENCH_RECORDS:-1000000}
port=${STORELINK_BENCH_PORT:-4454}
native_port=${STORELINK_BENCH_NATIVE_PORT:-4455}
target=$("$root/scripts/target-dir.sh")
export STORELINK_APP="${STORELINK_BENCH_APP:-$target/$profile/storelink-desktop}"
export STORELINK_CLI="$target/$profile/storelink"
for bin in "$STORELINK_APP" "$STORELINK_CLI"; do
  [ -x "$bin" ] || { echo "bench-desktop: $bin is not built" >&2; exit 1; }
done

work=$(mktemp -d "${TMPDIR:-/tmp}/storelink-bench-desktop.XXXXXX")
# The administrator the seed creates; only this throwaway folder knows it (a reused folder
# needs the password it was seeded with).
export BENCH_USERNAME=admin BENCH_PASSWORD="${BENCH_PASSWORD:-Bench-adm1n!}"
if [ -n "${STORELINK_BENCH_DATA:-}" ]; then
  export STORELINK_DATA_DIR="$STORELINK_BENCH_DATA"
  [ -f "$STORELINK_DATA_DIR/storelink.db" ] || { echo "bench-desktop: $STORELINK_DATA_DIR has no database" >&2; exit 1; }
else
  export STORELINK_DATA_DIR="$work/data"
  echo "seeding $records POS transactions into $STORELINK_DATA_DIR" >&2
  STORELINK_PASSWORD="$BENCH_PASSWORD" "$STORELINK_CLI" --data-dir "$STORELINK_DATA_DIR" \
    bench seed-pos --records "$records" --admin "$BENCH_USERNAME"
fi

driver_log="$work/tauri-driver.log"
tauri-driver --port "$port" --native-port "$native_port" >"$driver_log" 2>&1 &
driver=$!
cleanup() {
  kill "$driver" 2>/dev/null || true
  wait "$driver" 2>/dev/null || true
  if [ "${STORELINK_BENCH_KEEP:-}" = "1" ] && [ -z "${STORELINK_BENCH_DATA:-}" ]; then
    mv "$STORELINK_DATA_DIR" "$work.data"
    echo "kept the seeded data folder: STORELINK_BENCH_DATA=$work.data" >&2
  fi
  rm -rf "$work"
}
trap cleanup EXIT
for _ in $(seq 1 100); do
  if node -e 'require("net").connect(Number(process.argv[1]),"127.0.0.1").on("connect",()=>process.exit(0)).on("error",()=>process.exit(1))' "$port"; then
    break
  fi
  sleep 0.1
done

echo "measuring $STORELINK_APP" >&2
status=0
BENCH_DRIVER_PORT="$port" BENCH_DRIVER_PID="$driver" node "$root/tests/bench/desktop.mjs" || status=$?
if [ "$status" -ne 0 ]; then
  echo "---- tauri-driver log ----" >&2
  cat "$driver_log" >&2
fi
exit "$status"
