#!/usr/bin/env bash
# The distributed tests (issue 17): riskreport-mpi on loopback with 1–4 ranks (and alone,
# without mpirun) prints the same bytes as riskreport for simulate (its quantiles in one pass
# and in several) and var, and writes the same
# report.json for run except the timing fields and the process count; a rank that fails ends
# the job with its one-line message; mismatched ranks are refused; ranks on different vector
# levels all use the lowest, and ranks on different OpenBLAS kernels that level's reference
# kernel. Every mpirun has a time limit, so a hang fails instead of waiting.
set -euo pipefail
cd "$(dirname "$0")/.."
SWIFT=${SWIFT:-swift}
command -v mpirun >/dev/null || { echo "test-mpi: mpirun not found (scripts/install-system-deps.sh installs openmpi-bin)" >&2; exit 1; }
$SWIFT build --product riskreport
$SWIFT build --product riskreport-mpi
BIN=$($SWIFT build --show-bin-path)
ONE="$BIN/riskreport"
MPI="$BIN/riskreport-mpi"
# CI runs as root; Open MPI refuses that unless told. Loopback only; more ranks than cores.
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export OMPI_MCA_btl=self,vader OMPI_MCA_rmaps_base_oversubscribe=1
RUN=(timeout 120 mpirun --quiet)
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
failures=0
pass() { echo "test-mpi: ok   $*"; }
fail() { echo "test-mpi: FAIL $*" >&2; failures=$((failures + 1)); }

printf 'asset,weight\nAAPL,0.4\nGOOG,0.3\nIBM,0.2\nMSFT,0.1\n' > "$WORK/weights.csv"

# Same bytes as one process, for every rank count. 20 500 paths: 21 groups, split unevenly.
same() {  # name, riskreport args...
  local name=$1; shift
  "$ONE" "$@" > "$WORK/one.out"
  if "$MPI" "$@" > "$WORK/alone.out" && cmp -s "$WORK/one.out" "$WORK/alone.out"; then
    pass "$name: alone = riskreport"
  else
    fail "$name: alone differs from riskreport"
  fi
  for np in 1 2 3 4 $EXTRA_NP; do
    if "${RUN[@]}" -np $np "$MPI" "$@" > "$WORK/mpi.out" && cmp -s "$WORK/one.out" "$WORK/mpi.out"; then
      pass "$name: np $np = riskreport"
    else
      fail "$name: np $np differs from riskreport"
    fi
  done
}
EXTRA_NP=6  # a tree of three levels, with a rank of two children
same "simulate" simulate --paths 20500 --steps 7 --format json
# Quantiles selected in passes (--quantile-values below N × d): every pass a distributed run.
same "simulate in up to 6 passes" simulate --paths 20500 --steps 7 --quantile-values 1 --format json
EXTRA_NP=""
same "simulate in passes, float" simulate --paths 20500 --steps 3 --precision float \
  --quantile-values 300 --format json
same "simulate antithetic float mt19937" simulate --paths 20500 --steps 3 --antithetic \
  --precision float --generator mt19937 --format json
same "var monte-carlo" var --weights "$WORK/weights.csv" --method monte-carlo --paths 20500 --format json
same "var all (table)" var --weights "$WORK/weights.csv" --paths 3000
same "var importance sampling" var --weights "$WORK/weights.csv" --method monte-carlo \
  --paths 20500 --variance-reduction importance --format json
same "var antithetic" var --weights "$WORK/weights.csv" --method monte-carlo --paths 20500 \
  --variance-reduction antithetic --format json
# A custom observer's partials (the cascade samples, a failure flag) across ranks.
same "cascade monte carlo" cascade --paths 20500 --volatility 0.8 --horizon-days 2 --format json

# run: report.json equal but for the timings and the process count.
strip() {
  python3 -c 'import json,sys
def s(x):
    if isinstance(x, dict): return {k: s(v) for k, v in x.items() if k not in ("timings", "processes", "refreshSeconds")}
    if isinstance(x, list): return [s(v) for v in x]
    return x
print(json.dumps(s(json.load(open(sys.argv[1]))), sort_keys=True))' "$1"
}
"$ONE" run --paths 20500 --format json --out "$WORK/one" > /dev/null
"${RUN[@]}" -np 3 "$MPI" run --paths 20500 --format json --out "$WORK/three" > /dev/null
if [ "$(strip "$WORK/one/report.json")" = "$(strip "$WORK/three/report.json")" ] \
  && grep -qE '"processes" ?: ?3' "$WORK/three/report.json"; then
  pass "run: np 3 report.json = riskreport's but timings, processes 3"
else
  fail "run: np 3 report.json differs"
  diff <(strip "$WORK/one/report.json" | tr ',' '\n') <(strip "$WORK/three/report.json" | tr ',' '\n') | head -5 >&2 || true
fi

# Failures: one line from rank 0, nothing on stdout, a non-zero exit.
expect_error() {  # name, expected stderr pattern, mpirun args...
  local name=$1 pattern=$2; shift 2
  set +e
  "${RUN[@]}" "$@" > "$WORK/err.out" 2> "$WORK/err.txt"
  local rc=$?
  set -e
  local lines
  lines=$(grep -c . "$WORK/err.txt" || true)
  if [ $rc -ne 0 ] && [ $rc -ne 124 ] && [ ! -s "$WORK/err.out" ] && [ "$lines" -eq 1 ] \
    && grep -qE "$pattern" "$WORK/err.txt"; then
    pass "$name (exit $rc): $(cat "$WORK/err.txt")"
  else
    fail "$name: exit $rc, stdout $(wc -c < "$WORK/err.out") bytes, stderr: $(cat "$WORK/err.txt")"
  fi
}
A=(simulate --paths 20500 --format json)
expect_error "a failing rank ends the job with its message" \
  '^riskreport-mpi: rank 2: RISKKERNELS_ISA=bogus' \
  -np 2 "$MPI" "${A[@]}" : -np 1 env RISKKERNELS_ISA=bogus "$MPI" "${A[@]}"
expect_error "rank 0 failing ends every rank" '^riskreport-mpi: RISKKERNELS_ISA=bogus' \
  -np 1 env RISKKERNELS_ISA=bogus "$MPI" "${A[@]}" : -np 2 "$MPI" "${A[@]}"
expect_error "ranks with other flags are refused" 'rank 1 was started with other arguments' \
  -np 1 "$MPI" "${A[@]}" : -np 1 "$MPI" "${A[@]}" --seed 7
# Open MPI missing at run time (here: its library named wrongly), on every node or on one.
expect_error "Open MPI missing on every node" '^riskreport-mpi: cannot load Open MPI' \
  -np 3 -x RISKREPORT_MPI_LIBRARY=/nonexistent/libmpi.so.40 "$MPI" "${A[@]}"
expect_error "Open MPI missing on one node" '^riskreport-mpi: rank 1: cannot load Open MPI' \
  -np 1 "$MPI" "${A[@]}" : -np 1 env RISKREPORT_MPI_LIBRARY=/nonexistent/libmpi.so.40 "$MPI" "${A[@]}"
if RISKREPORT_MPI_LIBRARY=/nonexistent/libmpi.so.40 "$MPI" "${A[@]}" > "$WORK/err.out" 2> "$WORK/err.txt"; then
  fail "Open MPI missing, alone: exit 0"
elif [ ! -s "$WORK/err.out" ] && [ "$(grep -c . "$WORK/err.txt")" -eq 1 ]; then
  pass "Open MPI missing, alone: $(cat "$WORK/err.txt")"
else
  fail "Open MPI missing, alone: $(cat "$WORK/err.txt")"
fi
expect_error "a bad flag is one line" '^riskreport-mpi: --paths' -np 3 "$MPI" simulate --paths 0
expect_error "cascade with one shock" '^riskreport-mpi: --paths: one shock' \
  -np 2 "$MPI" cascade --shock -0.1
expect_error "a method with nothing to distribute" '^riskreport-mpi: --method' \
  -np 2 "$MPI" var --weights "$WORK/weights.csv" --method historical
expect_error "simulate by Sobol' scramblings" '^riskreport-mpi: --sampler: sobol runs' \
  -np 2 "$MPI" simulate --sampler sobol --paths 1024
expect_error "var by Sobol' scramblings" '^riskreport-mpi: --sampler: sobol runs' \
  -np 2 "$MPI" var --weights "$WORK/weights.csv" --method monte-carlo --sampler sobol

# Failures during and after the simulation: the same flags, other files on one rank's node
# (mpirun -wdir gives each rank its own folder, so a relative --model names different files).
mkdir -p "$WORK/node0" "$WORK/node1" "$WORK/empty"
model() {  # folder, first spot
  printf '{"assets": ["X", "Y"], "spot": [%s, 50], "drift": [0.05, 0.02], "volatility": [0.2, 0.3], "correlation": [[1, 0.5], [0.5, 1]]}' "$2" > "$1/model.json"
}
model "$WORK/node0" 100
model "$WORK/node1" 101
M=(simulate --model model.json --paths 5000 --format json)
expect_error "a rank that read other input files" '^riskreport-mpi: a rank simulated another run' \
  -np 1 -wdir "$WORK/node0" "$MPI" "${M[@]}" : -np 1 -wdir "$WORK/node1" "$MPI" "${M[@]}"
expect_error "a file missing on one rank's node" '^riskreport-mpi: rank 1: model.json: cannot read' \
  -np 1 -wdir "$WORK/node0" "$MPI" "${M[@]}" : -np 1 -wdir "$WORK/empty" "$MPI" "${M[@]}"
# Rank 3's error travels up the tree through rank 2 to rank 0; rank 2's past rank 3's partial.
expect_error "a failure two levels down the tree" '^riskreport-mpi: rank 3: model.json: cannot read' \
  -np 3 -wdir "$WORK/node0" "$MPI" "${M[@]}" : -np 1 -wdir "$WORK/empty" "$MPI" "${M[@]}"
expect_error "a failing rank with a child" '^riskreport-mpi: rank 2: model.json: cannot read' \
  -np 2 -wdir "$WORK/node0" "$MPI" "${M[@]}" : -np 1 -wdir "$WORK/empty" "$MPI" "${M[@]}" : \
  -np 2 -wdir "$WORK/node0" "$MPI" "${M[@]}"
printf 'asset,weight\nAAPL,0.4\nGOOG,0.3\nIBM,0.2\nMSFT,0.1\n' > "$WORK/node0/w.csv"
printf 'asset,weight\nAAPL,0.1\nGOOG,0.3\nIBM,0.2\nMSFT,0.4\n' > "$WORK/node1/w.csv"
V=(var --weights w.csv --method monte-carlo --paths 5000 --format json)
expect_error "var: a rank with other weights" '^riskreport-mpi: a rank simulated another run' \
  -np 1 -wdir "$WORK/node0" "$MPI" "${V[@]}" : -np 1 -wdir "$WORK/node1" "$MPI" "${V[@]}"

# Ranks on different vector levels all draw at the lowest: the bytes of one process at it.
RISKKERNELS_ISA=scalar "$ONE" "${A[@]}" > "$WORK/scalar.out"
if "${RUN[@]}" -np 2 "$MPI" "${A[@]}" : -np 1 env RISKKERNELS_ISA=scalar "$MPI" "${A[@]}" \
  > "$WORK/mixed.out" && cmp -s "$WORK/scalar.out" "$WORK/mixed.out"; then
  pass "mixed vector levels: the job draws at scalar, = riskreport at scalar"
else
  fail "mixed vector levels differ from riskreport at scalar"
fi

# Ranks whose CPUs choose different OpenBLAS kernels (here forced: one rank on Sandybridge's) all
# switch to the agreed level's reference kernel: the bytes of one process pinned to it and that
# level (the JSON's backend names the kernel, so a rank 0 that did not switch would differ).
cpu=$("$ONE" "${A[@]}" | sed -n 's/.*"cpuVectorLevel":"\([a-z0-9]*\)".*/\1/p')
if [ "$cpu" != scalar ]; then
  reference=$([ "$cpu" = avx512 ] && echo SkylakeX || echo Haswell)
  OPENBLAS_CORETYPE=$reference "$ONE" "${A[@]}" > "$WORK/pinned.out"
  if "${RUN[@]}" -np 1 "$MPI" "${A[@]}" : -np 2 env OPENBLAS_CORETYPE=Sandybridge "$MPI" "${A[@]}" \
    > "$WORK/mixed.out" && cmp -s "$WORK/pinned.out" "$WORK/mixed.out"; then
    pass "mixed OpenBLAS kernels: every rank on $reference, = riskreport pinned to it"
  else
    fail "mixed OpenBLAS kernels differ from riskreport with OPENBLAS_CORETYPE=$reference"
  fi
  RISKKERNELS_ISA=avx2 OPENBLAS_CORETYPE=Haswell "$ONE" "${A[@]}" > "$WORK/pinned.out"
  if "${RUN[@]}" -np 1 "$MPI" "${A[@]}" : \
    -np 1 env RISKKERNELS_ISA=avx2 OPENBLAS_CORETYPE=Sandybridge "$MPI" "${A[@]}" \
    > "$WORK/mixed.out" && cmp -s "$WORK/pinned.out" "$WORK/mixed.out"; then
    pass "mixed kernels and levels: avx2 and Haswell on every rank, = riskreport at both"
  else
    fail "mixed kernels and levels differ from riskreport at avx2 with Haswell"
  fi
fi

if [ $failures -ne 0 ]; then
  echo "test-mpi: $failures failure(s)" >&2
  exit 1
fi
echo "test-mpi: all passed"
