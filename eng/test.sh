#!/usr/bin/env bash
# Runs the whole test suite: installs the pinned chain toolchain if it is missing, builds once,
# runs every test project, re-runs the SIMD kernel tests with hardware paths switched off,
# and prints one closing line with the totals.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

contracts="src/TokenLabeling.Chain/contracts"
if [ -f "$contracts/package-lock.json" ] && [ ! -x "$contracts/node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil" ]; then
  echo "== installing the pinned chain toolchain (npm ci)"
  (cd "$contracts" && npm ci --no-audit --no-fund)
fi
[ -f "$contracts/package-lock.json" ] && { echo "== contracts: recompile and regenerate bindings, diff against the committed ones"; bash "$contracts/check.sh"; }

log="$(mktemp)"
trap 'rm -f "$log"' EXIT

echo "== build"
if ! dotnet build TokenLabeling.sln -c Release > "$log" 2>&1; then
  grep -iE "error" "$log" | grep -v "warning" | sort -u | head -n 50 || true
  echo "tests: 0 passed, 1 failed (the build failed)"
  exit 1
fi
tail -n 3 "$log"
: > "$log"

status=0
run() {
  echo "== $*"
  "$@" 2>&1 | tee -a "$log" || status=1
}

# Long parity and soak runs carry [Trait("Category", "Long")] and are run on demand only.
run dotnet test TokenLabeling.sln -c Release --no-build --filter "Category!=Long"

# The same kernel tests with wide paths switched off, as a machine without them would run them.
# (.NET 10 reads DOTNET_EnableAVX512; DOTNET_EnableAVX512F is the older name, kept for older runtimes.)
for flags in "DOTNET_EnableAVX512F=0 DOTNET_EnableAVX512=0" DOTNET_EnableAVX2=0 DOTNET_EnableHWIntrinsic=0; do
  run env $flags dotnet test tests/TokenLabeling.Consensus.Tests -c Release --no-build --filter "Category=Kernels"
done

# dotnet test prints one "Passed!/Failed! - Failed: F, Passed: P, Skipped: S, Total: T" line per assembly.
grep -Eo 'Failed: +[0-9]+, Passed: +[0-9]+, Skipped: +[0-9]+' "$log" \
  | awk -F'[:,]' '{ f += $2; p += $4; s += $6 } END { printf "tests: %d passed, %d failed, %d skipped\n", p, f, s; if (p == 0) exit 1 }' || status=1
exit $status
