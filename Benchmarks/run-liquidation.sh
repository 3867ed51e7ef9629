#!/usr/bin/env bash
# The per-block liquidation sweep: SciPy's vectorised closed form and RiskKernels'
# LiquidationSweep on the same book of 10^6 positions, in one run.
#   bash Benchmarks/run-liquidation.sh [--quick] [--positions N]
set -euo pipefail
cd "$(dirname "$0")/.."
QUICK=""; POSITIONS=1000000
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) QUICK="--quick"; shift ;;
    --positions) POSITIONS="$2"; shift 2 ;;
    *) echo "run-liquidation.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
VENV=Benchmarks/peers/.venv
bash Benchmarks/peers/ensure-venv.sh
swift build -c release --product riskbench >&2
OUT=Benchmarks/results
mkdir -p "$OUT"
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
OPENBLAS_NUM_THREADS=1 "$VENV/bin/python" Benchmarks/peers/liquidation_peers.py "$OUT" --positions "$POSITIONS" $QUICK
.build/release/riskbench liquidation --data "$OUT" $QUICK
