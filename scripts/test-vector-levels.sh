#!/usr/bin/env bash
# The vector-level suites (Monte Carlo engine, normals, liquidation, the C kernels) once more per
# level this CPU has below its own, with RISKKERNELS_ISA capping the library's kernels, and once
# under OpenBLAS's Haswell kernels (OPENBLAS_CORETYPE), whose TRMM edge columns round unlike
# SkylakeX's: so an AVX-512 machine also proves the AVX2 and scalar paths, and any x86-64 machine
# the AVX2 hosts' BLAS. `swift test` has already run everything at the CPU's own level.
set -euo pipefail
cd "$(dirname "$0")/.."
SWIFT=${SWIFT:-swift}
SUITES='PathSimulatorTests|PathResimulationTests|NormalGeneratorTests|MonitoredBarrierTests|GBMAdvanceTests|BackendTests|Liquidation|LendingBookTests|MonteCarloVaRTests|VectorLevelTests'
levels=(scalar)
grep -qw avx2 /proc/cpuinfo && grep -qw fma /proc/cpuinfo && levels+=(avx2)
if grep -qw avx512f /proc/cpuinfo && grep -qw avx512dq /proc/cpuinfo; then levels+=(avx512); fi
unset 'levels[${#levels[@]}-1]'  # the CPU's own level: the full suite ran at it
run() {
  echo "== $*: $SUITES"
  local log=.build/test-vector-levels.log status=0
  env "$@" "$SWIFT" test --disable-xctest --skip-build --filter "$SUITES" > "$log" 2>&1 || status=$?
  grep '✘' "$log" | head -n 40 || true
  tail -n 1 "$log"
  return "$status"
}
for level in "${levels[@]}"; do run RISKKERNELS_ISA="$level"; done
run OPENBLAS_CORETYPE=Haswell
