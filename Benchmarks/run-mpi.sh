#!/usr/bin/env bash
# riskreport-mpi against one process (issue 17): `simulate` of 10^6 paths x 10 steps x 50 assets,
# 2 ranks of 1 thread against 1 process of 2 threads (riskreport-mpi alone, so both sides run
# the same code), alternating, RUNS times each. Prints each run's simulation time (first path
# to merged result, from RISKREPORT_MPI_TIMING, with its phases) and whole-command wall time,
# then the medians
# and the throughput ratios (one process = 1), MPI start-up excluded and included.
#   bash Benchmarks/run-mpi.sh [--runs N] [--paths N]
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=5; PATHS=1000000
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) RUNS="$2"; shift 2 ;;
    --paths) PATHS="$2"; shift 2 ;;
    *) echo "run-mpi.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
swift build -c release --product riskreport-mpi >&2
BIN=.build/release/riskreport-mpi
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
# 50 assets: spot 100, drift 5%, volatilities 20%-69%, one-factor correlation 0.3.
python3 - "$WORK/model.json" <<'PY'
import json, sys
d = 50
json.dump({"assets": [f"A{i}" for i in range(d)], "spot": [100.0] * d, "drift": [0.05] * d,
           "volatility": [0.2 + 0.01 * i for i in range(d)],
           "correlation": [[1.0 if i == j else 0.3 for j in range(d)] for i in range(d)]},
          open(sys.argv[1], "w"))
PY
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_btl=self,vader
export RISKREPORT_MPI_TIMING=1
ARGS=(simulate --model "$WORK/model.json" --paths "$PATHS" --steps 10 --horizon-days 10 --format json)
echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) cores," \
  "vector level $(.build/release/riskreport-mpi simulate --paths 100 --format json | python3 -c 'import json,sys; b=json.load(sys.stdin)["backend"]; print(b["vectorLevel"], "/ OpenBLAS", b["blasCore"])')"
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
run() {  # label, command...
  local label=$1; shift
  local start end
  start=$(date +%s%N)
  "$@" > "$WORK/out.json" 2> "$WORK/err.txt"
  end=$(date +%s%N)
  local sim
  sim=$(sed -n 's/.*rank 0: .*merged \([0-9.]*\).*/\1/p' "$WORK/err.txt")
  sed -n 's/riskreport-mpi: timing: /  /p' "$WORK/err.txt" >&2
  echo "$label $sim $(( (end - start) / 1000000 ))e-3"
  cp "$WORK/out.json" "$WORK/$label.json"
}
: > "$WORK/times"
for r in $(seq "$RUNS"); do
  run one "$BIN" "${ARGS[@]}" --threads 2 | tee -a "$WORK/times"
  run mpi mpirun --quiet -np 2 --bind-to none "$BIN" "${ARGS[@]}" --threads 1 | tee -a "$WORK/times"
done
cmp -s "$WORK/one.json" "$WORK/mpi.json" && echo "outputs: identical bytes" || echo "outputs: DIFFER"
python3 - "$WORK/times" <<'PY'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1]) if l.strip()]
med = {k: (statistics.median(float(r[1]) for r in rows if r[0] == k),
           statistics.median(float(r[2]) for r in rows if r[0] == k)) for k in ("one", "mpi")}
print(f"median simulation: one process 2 threads {med['one'][0]:.3f} s, mpirun -np 2 x 1 thread {med['mpi'][0]:.3f} s")
print(f"median whole command: {med['one'][1]:.3f} s vs {med['mpi'][1]:.3f} s")
print(f"throughput ratio (MPI / one process): start-up excluded {med['one'][0] / med['mpi'][0]:.3f}, included {med['one'][1] / med['mpi'][1]:.3f}")
PY
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
