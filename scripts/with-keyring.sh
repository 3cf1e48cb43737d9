#!/usr/bin/env bash
# Runs a command inside a private D-Bus session with an unlocked gnome-keyring (the real
# Secret Service), and private XDG folders so nothing touches the real home. Used by
# `make test` and by `make run` on machines without a desktop session.
set -euo pipefail
if [ "${STORELINK_IN_KEYRING_SESSION:-}" != "1" ]; then
  export STORELINK_IN_KEYRING_SESSION=1
  exec dbus-run-session -- "$0" "$@"
fi
if [ -z "${STORELINK_KEEP_XDG:-}" ]; then
  xdg=$(mktemp -d "${TMPDIR:-/tmp}/storelink-xdg.XXXXXX")
  export XDG_DATA_HOME="$xdg/data" XDG_CONFIG_HOME="$xdg/config" XDG_CACHE_HOME="$xdg/cache"
  mkdir -p "$XDG_DATA_HOME" "$XDG_CONFIG_HOME" "$XDG_CACHE_HOME"
fi
# The password only unlocks this throwaway session's login keyring.
eval "$(printf 'storelink-test-keyring' | gnome-keyring-daemon --unlock --components=secrets)"
export GNOME_KEYRING_CONTROL
# The login keyring is made on the first store. Several first stores at once (tests storing
# secrets in parallel) raced its creation and were refused ("locked", or "collection/login
# does not exist"), so one store and clear go first, alone.
ready=
for _ in $(seq 1 50); do
  if printf ready | secret-tool store --label=storelink-keyring-probe storelink-keyring-probe ready 2>/dev/null; then
    secret-tool clear storelink-keyring-probe ready
    ready=1
    break
  fi
  sleep 0.1
done
if [ -z "$ready" ]; then
  echo "with-keyring: the keyring in this session did not accept a secret within 5 s" >&2
  exit 1
fi
"$@"
