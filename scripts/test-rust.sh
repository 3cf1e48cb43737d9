#!/usr/bin/env bash
# Runs every workspace package's tests, each package in its own private keyring session
# (scripts/with-keyring.sh). One gnome-keyring-daemon serving the whole workspace's test
# binaries in a row stopped answering part-way through (every later keychain call then
# failed), so no daemon is asked to outlive one package's tests.
set -euo pipefail
cd "$(dirname "$0")/.."
CARGO=${CARGO:-cargo}
"$CARGO" test --workspace --no-run
packages=$("$CARGO" metadata --no-deps --format-version 1 |
  python3 -c 'import json, sys; print(" ".join(p["name"] for p in json.load(sys.stdin)["packages"]))')
for package in $packages; do
  echo "== tests of $package"
  scripts/with-keyring.sh "$CARGO" test -p "$package"
done
