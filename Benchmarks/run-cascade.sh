#!/usr/bin/env bash
# Liquidation cascades through an AMM pool: the NumPy loop over rounds and RiskKernels'
# LiquidationCascade on the same book of 10^5 positions, and the Monte Carlo of cascades
# (10^4 paths × 10^4 positions) against NumPy's loop over paths, in one run.
#   bash Benchmarks/run-cascade.sh [--quick]
set -euo pipefail
cd "$(dirname "$0")/.."
QUICK=""
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) QUICK="--quick"; shift ;;
    *) echo "run-cascade.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
VENV=Benchmarks/peers/.venv
bash Benchmarks/peers/ensure-venv.sh
swift build -c release --product riskbench >&2
OUT=Benchmarks/results
mkdir -p "$OUT"
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
OPENBLAS_NUM_THREADS=1 "$VENV/bin/python" Benchmarks/peers/cascade_peers.py "$OUT" $QUICK
.build/release/riskbench cascade --data "$OUT" $QUICK
