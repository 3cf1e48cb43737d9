#!/usr/bin/env bash
# API abuse with schemathesis (issue 8): a real `storelink serve` on 127.0.0.1 with a fresh
# data folder, a POS system and an admin token, fuzzed from its own /openapi.json with a
# bounded number of examples per operation. Fails on any 5xx, on an undocumented status
# code or content type, and on a reply that does not match the schema.
#
# schemathesis is pinned and installed once into a venv under the cache folder. When the
# system allows it, everything runs in a private network namespace where only loopback
# exists, so nothing the fuzzer types (a system's api_endpoint, then tested or synced by
# the server) can reach another host; otherwise the operations that store or probe an
# endpoint are left out.
#
# Env: SCHEMATHESIS_EXAMPLES (per operation, default 30), SCHEMATHESIS_SEED (default 8),
#      SCHEMATHESIS_NETNS=0 (no namespace), STORELINK_BIN (default: debug/storelink in cargo's
#      target folder, which honours CARGO_TARGET_DIR; built by `make build`).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
version=4.32.5
cache=${XDG_CACHE_HOME:-$HOME/.cache}/storelink
venv=${STORELINK_SCHEMATHESIS_VENV:-$cache/venv-schemathesis-$version}
examples=${SCHEMATHESIS_EXAMPLES:-30}
seed=${SCHEMATHESIS_SEED:-8}
bin=${STORELINK_BIN:-$("$root/scripts/target-dir.sh")/debug/storelink}

if [ -z "${STORELINK_SCHEMATHESIS_INNER:-}" ]; then
  if [ ! -x "$venv/bin/schemathesis" ]; then
    echo "Installing schemathesis $version into $venv"
    mkdir -p "$cache"
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$version"
  fi
  [ -x "$bin" ] || cargo build -p storelink-cli --bin storelink
  # The keyring session moves XDG_CACHE_HOME: the inner stage is told where things are.
  export STORELINK_SCHEMATHESIS_INNER=1 STORELINK_BIN="$bin" STORELINK_SCHEMATHESIS_VENV="$venv"
  if [ "${SCHEMATHESIS_NETNS:-1}" = 1 ] && command -v ip >/dev/null && unshare -rn true 2>/dev/null; then
    export STORELINK_NETNS=1
    exec unshare -rn "$root/scripts/with-keyring.sh" "$0" "$@"
  fi
  echo "No private network namespace here: leaving out the operations that store or probe an endpoint."
  exec "$root/scripts/with-keyring.sh" "$0" "$@"
fi

# Inside the keyring session (and the namespace, when there is one).
excluded=()
if [ "${STORELINK_NETNS:-}" = 1 ]; then
  ip link set lo up
else
  excluded=(--exclude-path-regex '^/api/v1/integrations/systems')
fi
data=$(mktemp -d "${TMPDIR:-/tmp}/storelink-schemathesis.XXXXXX")
out=$data/serve.out
pid=""
cleanup() {
  if [ -n "$pid" ]; then
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  fi
  rm -rf "$data"
}
trap cleanup EXIT

cli() { "$bin" --data-dir "$data/db" --json "$@"; }
field() { python3 -c "import json,sys; print(json.load(sys.stdin)['$1'])"; }

# A system of each kind the paths take, so generated requests reach past "not found":
# their ids (and the webhook channels) are offered to the fuzzer most of the time.
ids=()
for kind in pos supplier member reservation erp ecommerce; do
  ids+=("$(cli systems add --name "schemathesis $kind" --type "$kind" --provider test --store-id store-001 \
    --config '{"webhook_secret": "whsec_c2NoZW1hdGhlc2lzLXdlYmhvb2stc2VjcmV0"}' | field id)")
done
token=$(cli tokens add --name schemathesis --role admin --rate-limit 100000 | field token)
quoted=$(printf '"%s",' "${ids[@]}")
cat >"$data/schemathesis.toml" <<TOML
[dictionaries.systems]
values = [${quoted%,}]
[dictionaries.channels]
values = ["pos", "supplier", "member", "reservation", "erp"]
[parameters]
"path.system_id" = { dictionary = "systems", probability = 0.8 }
"query.system_id" = { dictionary = "systems", probability = 0.5 }
"path.channel" = { dictionary = "channels", probability = 0.8 }
TOML
# Each push route mostly gets a system of its own kind.
n=0
for route in "pos/{system_id}/transactions" "supplier/{system_id}/orders" "member/{system_id}/sync" \
  "reservation/{system_id}/sync"; do
  cat >>"$data/schemathesis.toml" <<TOML
[dictionaries.kind$n]
values = ["${ids[$n]}"]
[[operations]]
include-path = "/api/v1/integrations/$route"
parameters = { "path.system_id" = { dictionary = "kind$n", probability = 0.9 } }
TOML
  n=$((n + 1))
done

"$bin" --data-dir "$data/db" --json serve --listen 127.0.0.1:0 >"$out" 2>"$data/serve.log" &
pid=$!
for _ in $(seq 1 600); do
  [ -s "$out" ] && break
  kill -0 "$pid" 2>/dev/null || { cat "$data/serve.log" >&2; exit 1; }
  sleep 0.1
done
url=$(head -n 1 "$out" | field listening)
echo "schemathesis $version against $url ($examples examples per operation, seed $seed)"

status=0
"$venv/bin/schemathesis" --config-file "$data/schemathesis.toml" run "$url/openapi.json" \
  --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance \
  --max-examples "$examples" --seed "$seed" \
  --header "Authorization: Bearer $token" \
  --generation-database none --no-color --workers 2 \
  --report junit --report-junit-path "$data/junit.xml" \
  "${excluded[@]}" || status=$?

# The server must still be up and well after all that.
if ! kill -0 "$pid" 2>/dev/null; then
  echo "storelink serve died during the run:" >&2
  tail -n 50 "$data/serve.log" >&2
  exit 1
fi
python3 - "$data/junit.xml" <<'EOF' || true
import sys, xml.etree.ElementTree as ET
s = ET.parse(sys.argv[1]).getroot()
t = s if s.tag == "testsuite" else s.find("testsuite")
print(f"schemathesis: {t.get('tests')} operations, {t.get('failures')} failures, {t.get('errors')} errors")
EOF
exit "$status"
