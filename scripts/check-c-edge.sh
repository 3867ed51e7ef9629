#!/usr/bin/env bash
# The C edge rule: only files under Sources/RiskKernels/CEdge import CShims or
# name Unsafe*Pointer; in the MPI driver, only MPI/RiskReportMPI/MPIJob.swift imports CMPI; the
# test-only C entry points (CShimsTesting) are imported by tests alone.
# Prints offending lines and fails if there are any.
set -euo pipefail
cd "$(dirname "$0")/.."
offenders=$(grep -rnE 'import CShims|import CMPI|Unsafe(Mutable)?(Raw)?(Buffer)?Pointer' Sources MPI \
  --include='*.swift' | grep -v '^Sources/RiskKernels/CEdge/' \
  | grep -v '^MPI/RiskReportMPI/MPIJob.swift:[0-9]*:import CMPI$' || true)
testing=$(grep -rnE 'import CShimsTesting' Sources MPI Examples/Sources Benchmarks --include='*.swift' || true)
if [ -n "$testing" ]; then
  echo "CShimsTesting is for the tests only:"
  echo "$testing"
  exit 1
fi
if [ -n "$offenders" ]; then
  echo "C edge rule violated (CShims and Unsafe*Pointer belong in Sources/RiskKernels/CEdge):"
  echo "$offenders"
  exit 1
fi
