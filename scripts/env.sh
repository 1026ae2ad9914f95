# shellcheck shell=bash
# Environment shared by scripts/setup, scripts/serve and scripts/test (sourced, not run).
# Also handy by hand: `source scripts/env.sh && trunk build --release`.
#
# - ~/.cargo/bin first: trunk, wasm-bindgen and cargo installed by scripts/setup.
# - tests/e2e/node_modules/.bin before the system directories: its wasm-opt is binaryen 132
#   (npm `binaryen`, pinned in tests/e2e/package.json). Debian's binaryen 108 must never be
#   used: it silently breaks the output. TRUNK_TOOLS_WASM_OPT=version_132 (like Trunk.toml's
#   [tools] wasm_opt) makes Trunk refuse any other wasm-opt instead of using it.
# - Trunk must not touch the network: TRUNK_OFFLINE, TRUNK_SKIP_VERSION_CHECK.

CUSTOS_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export CUSTOS_ROOT

# Pinned tool versions (wasm-bindgen-cli follows Cargo.lock, see custos_wasm_bindgen_version).
export CUSTOS_TRUNK_VERSION="0.21.14"
export CUSTOS_WASM_OPT_VERSION="version_132"

CUSTOS_E2E_DIR="$CUSTOS_ROOT/tests/e2e"
CUSTOS_CARGO_BIN="${CARGO_HOME:-$HOME/.cargo}/bin"
export CUSTOS_E2E_DIR

case ":$PATH:" in
  *":$CUSTOS_CARGO_BIN:"*) ;;
  *) PATH="$CUSTOS_CARGO_BIN:$PATH" ;;
esac
# node_modules/.bin goes first so that its wasm-opt wins over any other on PATH.
case "$PATH:" in
  "$CUSTOS_E2E_DIR/node_modules/.bin:"*) ;;
  *) PATH="$CUSTOS_E2E_DIR/node_modules/.bin:$PATH" ;;
esac
export PATH

export TRUNK_OFFLINE=true
export TRUNK_SKIP_VERSION_CHECK=true
export TRUNK_TOOLS_WASM_OPT="$CUSTOS_WASM_OPT_VERSION"

# The version of the `wasm-bindgen` crate recorded in Cargo.lock (exactly one is allowed).
custos_wasm_bindgen_version() {
  local versions count
  versions="$(awk '
    /^\[\[package\]\]/ { name = "" }
    /^name = / { name = $3; gsub(/"/, "", name) }
    /^version = / && name == "wasm-bindgen" { v = $3; gsub(/"/, "", v); print v }
  ' "$CUSTOS_ROOT/Cargo.lock")"
  count="$(printf '%s\n' "$versions" | grep -c . || true)"
  if [ "$count" -ne 1 ]; then
    echo "error: expected exactly one wasm-bindgen version in Cargo.lock, found: ${versions:-none}" >&2
    return 1
  fi
  printf '%s\n' "$versions"
}

if CUSTOS_WASM_BINDGEN_VERSION="$(custos_wasm_bindgen_version)"; then
  export CUSTOS_WASM_BINDGEN_VERSION
  export TRUNK_TOOLS_WASM_BINDGEN="$CUSTOS_WASM_BINDGEN_VERSION"
fi
