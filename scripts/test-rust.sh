#!/usr/bin/env bash
# Runs every workspace test binary, each in its own private keyring session
# (scripts/with-keyring.sh), then the doc tests. One gnome-keyring-daemon serving all the
# workspace's test binaries in a row stopped answering part-way through (every later keychain
# call failed), so no daemon outlives one binary. The binaries are built once, with the
# workspace's unified features (per-package `cargo test -p` runs would rebuild shared crates).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
CARGO=${CARGO:-cargo}
list=$(mktemp)
trap 'rm -f "$list"' EXIT
"$CARGO" test --workspace --no-run --message-format=json-render-diagnostics |
  python3 -c '
import json, os, sys
for line in sys.stdin:
    try:
        m = json.loads(line)
    except ValueError:
        continue
    if m.get("reason") == "compiler-artifact" and m.get("profile", {}).get("test") and m.get("executable"):
        print(os.path.dirname(m["manifest_path"]) + "\t" + m["executable"])
' >"$list"
failed=()
while IFS=$'\t' read -r dir exe; do
  echo "== $(basename "$dir"): $(basename "$exe")"
  # Cargo runs a package's tests from the package's folder; so do we.
  if ! (cd "$dir" && "$root/scripts/with-keyring.sh" "$exe"); then
    failed+=("$exe")
  fi
done <"$list"
"$CARGO" test --workspace --doc
if [ "${#failed[@]}" -gt 0 ]; then
  printf 'failed: %s\n' "${failed[@]}" >&2
  exit 1
fi
