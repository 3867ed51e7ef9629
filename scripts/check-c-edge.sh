#!/usr/bin/env bash
# The C edge rule (STYLE.md 6.3): only files under Sources/RiskKernels/CEdge import CShims or
# name Unsafe*Pointer. Prints offending lines and fails if there are any.
set -euo pipefail
cd "$(dirname "$0")/.."
offenders=$(grep -rnE 'import CShims|Unsafe(Mutable)?(Raw)?(Buffer)?Pointer' Sources \
  --include='*.swift' | grep -v '^Sources/RiskKernels/CEdge/' || true)
if [ -n "$offenders" ]; then
  echo "C edge rule violated (CShims and Unsafe*Pointer belong in Sources/RiskKernels/CEdge):"
  echo "$offenders"
  exit 1
fi
