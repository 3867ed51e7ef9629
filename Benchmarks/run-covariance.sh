#!/usr/bin/env bash
# The covariance benchmark: Python peers and RiskKernels on the same inputs, in one run.
#   bash Benchmarks/run-covariance.sh [--threads N] [--quick] [--sizes 100,500,1000] [--rows 2520]
# Creates a venv with the pinned peers (Benchmarks/peers/.venv), builds riskkernels in release,
# runs the peers, then the Swift side, which prints the ratio table and writes
# Benchmarks/results/covariance.json. Both sides use the same OpenBLAS thread count.
set -euo pipefail
cd "$(dirname "$0")/.."
THREADS=$(nproc); QUICK=""; SIZES="100,500,1000"; ROWS=2520
while [ $# -gt 0 ]; do
  case "$1" in
    --threads) THREADS="$2"; shift 2 ;;
    --quick) QUICK="--quick"; shift ;;
    --sizes) SIZES="$2"; shift 2 ;;
    --rows) ROWS="$2"; shift 2 ;;
    *) echo "run-covariance.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
VENV=Benchmarks/peers/.venv
bash Benchmarks/peers/ensure-venv.sh
swift build -c release --product riskbench >&2
OUT=Benchmarks/results
mkdir -p "$OUT"
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
OPENBLAS_NUM_THREADS=$THREADS "$VENV/bin/python" Benchmarks/peers/covariance_peers.py "$OUT" \
  --rows "$ROWS" --sizes "$SIZES" $QUICK
OPENBLAS_NUM_THREADS=$THREADS .build/release/riskbench covariance --data "$OUT" --rows "$ROWS" \
  --sizes "$SIZES" --threads "$THREADS" $QUICK
