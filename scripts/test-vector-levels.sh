#!/usr/bin/env bash
# The vector-level suites (Monte Carlo engine, partials, custom observers, normals, liquidation,
# VaR, the C kernels) once more per level this CPU has below its own, with RISKKERNELS_ISA capping the library's kernels, and once
# under OpenBLAS's Haswell kernels (OPENBLAS_CORETYPE), whose TRMM edge columns round unlike
# SkylakeX's: so an AVX-512 machine also proves the AVX2 and scalar paths, and any x86-64 machine
# the AVX2 hosts' BLAS. `swift test` has already run everything at the CPU's own level.
set -euo pipefail
cd "$(dirname "$0")/.."
SWIFT=${SWIFT:-swift}
SUITES='PathSimulatorTests|PathResimulationTests|NormalGeneratorTests|MonitoredBarrierTests|GBMAdvanceTests|BackendTests|Liquidation|LendingBookTests|LoanImportanceSamplingTests|MonteCarloVaRTests|VectorLevelTests|SimulationPartialTests|PathObserverTests|TailCandidatesTests|SimulationScratch|TerminalQuantileSelectionTests|TailStandardErrorsTests|ImportanceSamplingTests|SobolTests|CascadeSimulationTests|SystemicPartialTests'
# The CPU's level as the library itself detects it (the backend object of riskreport's JSON,
# built by the swift test that ran before this script).
cpu=$(.build/debug/riskreport liquidation --leverage 2 --volatility 0.5 --horizon-days 1 \
  --format json | sed -n 's/.*"cpuVectorLevel":"\([a-z0-9]*\)".*/\1/p')
case "$cpu" in
  avx512) levels=(scalar avx2) ;;
  avx2) levels=(scalar) ;;
  scalar) levels=() ;;
  *) echo "test-vector-levels: cannot read the CPU's vector level ('$cpu')" >&2; exit 1 ;;
esac
run() {
  echo "== $*: $SUITES"
  local log=.build/test-vector-levels.log status=0
  env "$@" "$SWIFT" test --disable-xctest --skip-build --filter "$SUITES" > "$log" 2>&1 || status=$?
  grep '✘' "$log" | head -n 40 || true
  tail -n 1 "$log"
  return "$status"
}
for level in "${levels[@]}"; do run RISKKERNELS_ISA="$level"; done
# OpenBLAS's Haswell kernels need AVX2 and FMA themselves.
if [ "$cpu" != scalar ]; then run OPENBLAS_CORETYPE=Haswell; fi
