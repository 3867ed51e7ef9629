#!/usr/bin/env bash
# The Monte Carlo benchmark: the peer harness (NumPy, QuantLib) and RiskKernels on the same
# cases, in one run.
#   bash Benchmarks/run-montecarlo.sh [--threads N] [--quick]
# Creates the peers' venv (Benchmarks/peers/.venv) if missing, builds in release, runs the peers
# (Benchmarks/peers/harness.py bench_mc_gbm), then the Swift side, which prints the tables
# and writes Benchmarks/results/montecarlo.json.
set -euo pipefail
cd "$(dirname "$0")/.."
THREADS=$(nproc); QUICK=""
while [ $# -gt 0 ]; do
  case "$1" in
    --threads) THREADS="$2"; shift 2 ;;
    --quick) QUICK="--quick"; shift ;;
    *) echo "run-montecarlo.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
VENV=Benchmarks/peers/.venv
bash Benchmarks/peers/ensure-venv.sh
swift build -c release --product riskbench >&2
OUT=Benchmarks/results
mkdir -p "$OUT"
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
OPENBLAS_NUM_THREADS=$THREADS "$VENV/bin/python" Benchmarks/peers/montecarlo_peers.py "$OUT" $QUICK
.build/release/riskbench montecarlo --data "$OUT" --threads "$THREADS" $QUICK
