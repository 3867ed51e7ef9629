#!/usr/bin/env bash
# Monte Carlo VaR/ES to 1% relative standard error: NumPy's plain Monte Carlo and RiskKernels'
# plain and importance-sampled runs on the same models, paths needed and time, in one run.
#   bash Benchmarks/run-accuracy.sh [--quick]
set -euo pipefail
cd "$(dirname "$0")/.."
QUICK=""
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) QUICK="--quick"; shift ;;
    *) echo "run-accuracy.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
VENV=Benchmarks/peers/.venv
bash Benchmarks/peers/ensure-venv.sh
swift build -c release --product riskbench >&2
OUT=Benchmarks/results
mkdir -p "$OUT"
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
OPENBLAS_NUM_THREADS=1 "$VENV/bin/python" Benchmarks/peers/accuracy_peers.py "$OUT" \
  Sources/RiskReportCore/Resources/quandl_wiki_4stocks_2004_2013_prices.csv $QUICK
.build/release/riskbench accuracy --data "$OUT" $QUICK
