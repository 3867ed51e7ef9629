#!/usr/bin/env bash
# riskbench in full: the pipelines against their budgets, then the kernels against their peers
# on the same inputs, all in one invocation.
#   bash Benchmarks/run-riskbench.sh [--quick] [--threads N] [--no-peers] [riskbench options…]
# Creates Benchmarks/peers/.venv with the pinned peers (NumPy/SciPy, scikit-learn,
# riskparityportfolio, Riskfolio-Lib, QuantLib), runs the five peers scripts (they write the
# shared inputs and their own times into Benchmarks/results), builds riskbench in release mode
# and runs it with --kernels on those results. Prints the tables and writes
# Benchmarks/results/riskbench.json. --no-peers times the pipelines only (no Python needed).
set -euo pipefail
cd "$(dirname "$0")/.."
THREADS=$(nproc); QUICK=""; PEERS=1; EXTRA=()
while [ $# -gt 0 ]; do
  case "$1" in
    --threads) THREADS="$2"; shift 2 ;;
    --quick) QUICK="--quick"; shift ;;
    --no-peers) PEERS=0; shift ;;
    *) EXTRA+=("$1"); shift ;;
  esac
done
OUT=Benchmarks/results
mkdir -p "$OUT"
swift build -c release --product riskbench >&2
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
KERNELS=()
if [ "$PEERS" = 1 ]; then
  VENV=Benchmarks/peers/.venv
  bash Benchmarks/peers/ensure-venv.sh
  PY="$VENV/bin/python"
  OPENBLAS_NUM_THREADS=$THREADS "$PY" Benchmarks/peers/covariance_peers.py "$OUT" $QUICK >&2
  OPENBLAS_NUM_THREADS=$THREADS "$PY" Benchmarks/peers/montecarlo_peers.py "$OUT" $QUICK >&2
  OPENBLAS_NUM_THREADS=1 "$PY" Benchmarks/peers/riskparity_peers.py "$OUT" $QUICK >&2
  OPENBLAS_NUM_THREADS=1 "$PY" Benchmarks/peers/liquidation_peers.py "$OUT" $QUICK >&2
  OPENBLAS_NUM_THREADS=1 "$PY" Benchmarks/peers/cascade_peers.py "$OUT" $QUICK >&2
  KERNELS=(--kernels "$OUT")
fi
OPENBLAS_NUM_THREADS=$THREADS .build/release/riskbench run --threads "$THREADS" $QUICK \
  "${KERNELS[@]}" --output "$OUT/riskbench.json" "${EXTRA[@]}"
