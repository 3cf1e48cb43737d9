#!/usr/bin/env bash
# Prints cargo's target directory (honours CARGO_TARGET_DIR and .cargo/config).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cargo metadata --format-version 1 --no-deps --manifest-path "$root/Cargo.toml" |
  node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).target_directory))'
