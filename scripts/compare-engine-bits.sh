#!/usr/bin/env bash
# Compares the Monte Carlo engine's results, bit for bit, between two commits: each is checked
# out in a temporary worktree, scripts/engine-bits/EngineBitsDump.swift is copied into its tests,
# and the dumps must be identical: 168 runs per precision (126 configurations, the 42 of 60 steps
# again in two chunks of steps with a custom observer beside the built-in ones) and a Monte
# Carlo VaR.
#
#   bash scripts/compare-engine-bits.sh OLD [NEW]      (NEW defaults to HEAD)
#   LEVELS="native scalar avx2" bash scripts/compare-engine-bits.sh OLD
#
# LEVELS (default "native") runs the dumps at each vector level after one build per commit:
# native is this CPU's, scalar is RISKKERNELS_ISA=scalar, avx2 is RISKKERNELS_ISA=avx2 with
# OpenBLAS's Haswell kernels. Builds one commit after the other (never two builds at once).
set -euo pipefail
old=${1:?usage: compare-engine-bits.sh OLD [NEW]}
new=${2:-HEAD}
levels=${LEVELS:-native}
root=$(git rev-parse --show-toplevel)
work=$(mktemp -d)
trap 'git -C "$root" worktree remove --force "$work/old" 2>/dev/null || true;
      git -C "$root" worktree remove --force "$work/new" 2>/dev/null || true; rm -rf "$work"' EXIT
for side in old new; do
  commit=$([ "$side" = old ] && echo "$old" || echo "$new")
  git -C "$root" worktree add -q --detach "$work/$side" "$commit"
  cp "$root/scripts/engine-bits/EngineBitsDump.swift" "$work/$side/Tests/RiskKernelsTests/"
  (cd "$work/$side" && swift build --build-tests -q >/dev/null)
  for level in $levels; do
    case "$level" in
      native) env=() ;;
      scalar) env=(RISKKERNELS_ISA=scalar) ;;
      avx2) env=(RISKKERNELS_ISA=avx2 OPENBLAS_CORETYPE=Haswell) ;;
      *) echo "unknown level $level (native, scalar, avx2)" >&2; exit 2 ;;
    esac
    (cd "$work/$side" && env "${env[@]}" GOLDEN_OUT="$work/$side-$level.txt" \
      swift test --skip-build --disable-xctest --filter EngineBitsDump >/dev/null)
  done
done
status=0
for level in $levels; do
  if cmp -s "$work/old-$level.txt" "$work/new-$level.txt"; then
    echo "$level: same bits, $(grep -c "^==" "$work/new-$level.txt") runs, both precisions ($old vs $new)"
  else
    diff "$work/old-$level.txt" "$work/new-$level.txt" | head -20
    echo "$level: the engine's bits differ between $old and $new" >&2
    status=1
  fi
done
exit $status
