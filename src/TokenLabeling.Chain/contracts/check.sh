#!/usr/bin/env bash
# Recompiles the contracts and regenerates the bindings, and fails if either differs from what is committed.
# Needs the pinned toolchain: `npm ci` in this folder (eng/test.sh runs it when anvil is missing).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
if [ ! -d node_modules/solc ] || [ ! -d node_modules/nethereum-codegen ]; then
  echo "contracts/check.sh: the pinned toolchain is missing; run 'npm ci' in $(pwd)" >&2
  exit 2
fi
node compile.js --check
node codegen.js --check
