#!/usr/bin/env bash
# Compares the Monte Carlo engine's results, bit for bit, between two commits: each is checked
# out in a temporary worktree, scripts/engine-bits/EngineBitsDump.swift is copied into its tests,
# and the dumps must be identical: 168 runs per precision (126 configurations, the 42 of 60 steps
# again in two chunks of steps with a custom observer beside the built-in ones) and a Monte
# Carlo VaR.
#
#   bash scripts/compare-engine-bits.sh OLD [NEW]      (NEW defaults to HEAD)
#
# Set RISKKERNELS_ISA / OPENBLAS_CORETYPE to compare at another vector level. Builds one commit
# after the other (never two builds at once).
set -euo pipefail
old=${1:?usage: compare-engine-bits.sh OLD [NEW]}
new=${2:-HEAD}
root=$(git rev-parse --show-toplevel)
work=$(mktemp -d)
trap 'git -C "$root" worktree remove --force "$work/old" 2>/dev/null || true;
      git -C "$root" worktree remove --force "$work/new" 2>/dev/null || true; rm -rf "$work"' EXIT
for side in old new; do
  commit=$([ "$side" = old ] && echo "$old" || echo "$new")
  git -C "$root" worktree add -q --detach "$work/$side" "$commit"
  cp "$root/scripts/engine-bits/EngineBitsDump.swift" "$work/$side/Tests/RiskKernelsTests/"
  (cd "$work/$side" && swift build --build-tests -q >/dev/null &&
    GOLDEN_OUT="$work/$side.txt" swift test --skip-build --disable-xctest --filter EngineBitsDump >/dev/null)
done
if cmp -s "$work/old.txt" "$work/new.txt"; then
  echo "same bits: $(grep -c "^==" "$work/new.txt") runs, both precisions ($old vs $new)"
else
  diff "$work/old.txt" "$work/new.txt" | head -20
  echo "the engine's bits differ between $old and $new" >&2
  exit 1
fi
