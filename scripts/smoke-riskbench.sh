#!/usr/bin/env bash
# A smoke run of riskbench (release build, --quick, pipelines only): proves every pipeline runs
# and the JSON document has its sections. It never judges speed: CI machines vary.
set -euo pipefail
cd "$(dirname "$0")/.."
SWIFT=${SWIFT:-swift}
$SWIFT build -c release --product riskbench
OUT=.build/riskbench-smoke.json
rm -f "$OUT"
.build/release/riskbench --quick --output "$OUT" > .build/riskbench-smoke.txt
for key in '"machine"' '"backend"' '"vectorLevel"' '"pipelines"' '"kernels"' '"p99Seconds"' '"headroom"' '"largestSizeWithinBudget"'; do
  grep -q "$key" "$OUT" || { echo "smoke-riskbench: $OUT has no $key" >&2; exit 1; }
done
echo "riskbench smoke run: $(grep -c '"name"' "$OUT") pipelines ran ($OUT)"
