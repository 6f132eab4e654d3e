#!/usr/bin/env bash
# Records every public symbol of the shipped libraries in .PublicAPI/PublicAPI.Unshipped.txt
# (the PublicApiAnalyzers code fix), so that a change of public API shows up in review.
# At release, move the lines to PublicAPI.Shipped.txt.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
for p in src/*/; do
  proj="$p$(basename "$p").csproj"
  [ -d "$p.PublicAPI" ] || continue
  echo "== $proj"
  dotnet format analyzers "$proj" --diagnostics RS0016 RS0017 --severity warn -v q
done
