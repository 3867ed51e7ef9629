#!/usr/bin/env bash
# The risk-parity benchmark: riskparityportfolio, Riskfolio-Lib and NumPy/SciPy Newton against
# RiskKernels on the same covariances, in one run.
#   bash Benchmarks/run-riskparity.sh [--quick] [--sizes 50,100,500,1000] [--large 2000]
# Creates the peers' venv (Benchmarks/peers/.venv), builds the Swift side in release, runs the
# peers (which write the inputs), then the Swift side, which prints the ratio table and writes
# Benchmarks/results/riskparity.json. Everything runs on one BLAS thread (the solvers are
# single-threaded; a 2-thread BLAS call stalls when another process holds a core).
set -euo pipefail
cd "$(dirname "$0")/.."
QUICK=""; SIZES="50,100,500,1000"; LARGE="2000"
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) QUICK="--quick"; shift ;;
    --sizes) SIZES="$2"; shift 2 ;;
    --large) LARGE="$2"; shift 2 ;;
    *) echo "run-riskparity.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
VENV=Benchmarks/peers/.venv
bash Benchmarks/peers/ensure-venv.sh
swift build -c release --product riskbench >&2
OUT=Benchmarks/results
mkdir -p "$OUT"
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
OPENBLAS_NUM_THREADS=1 "$VENV/bin/python" Benchmarks/peers/riskparity_peers.py "$OUT" \
  --sizes "$SIZES" --large "$LARGE" $QUICK
OPENBLAS_NUM_THREADS=1 .build/release/riskbench riskparity --data "$OUT" --sizes "$SIZES" --large "$LARGE" $QUICK
