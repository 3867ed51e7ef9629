#!/usr/bin/env bash
# Times one small program against the library at two commits, alternately: each commit is
# checked out in a temporary worktree and linked, in release, by a small package whose main is
# Benchmarks/NAME/main.swift. NAME is observer-ab (the observers `riskbench montecarlo` does not
# time: barriers, portfolio extremes) or sweep-ab (`LiquidationSweep.firstPassage` alone).
#
#   bash Benchmarks/run-ab.sh NAME OLD [NEW] [ROUNDS]     (NEW defaults to HEAD, ROUNDS to 3)
#
# Builds one after the other (never two builds at once); check the load first.
set -euo pipefail
name=${1:?usage: run-ab.sh NAME OLD [NEW] [ROUNDS]}
old=${2:?usage: run-ab.sh NAME OLD [NEW] [ROUNDS]}
new=${3:-HEAD}
rounds=${4:-3}
root=$(git rev-parse --show-toplevel)
work=$(mktemp -d)
trap 'for s in old new; do git -C "$root" worktree remove --force "$work/$s" 2>/dev/null || true; done;
      rm -rf "$work"' EXIT
for side in old new; do
  commit=$([ "$side" = old ] && echo "$old" || echo "$new")
  git -C "$root" worktree add -q --detach "$work/$side" "$commit"
  mkdir -p "$work/ab-$side/Sources/ab"
  cp "$root/Benchmarks/$name/main.swift" "$work/ab-$side/Sources/ab/"
  cat > "$work/ab-$side/Package.swift" <<PKG
// swift-tools-version:6.0
import PackageDescription
let package = Package(
  name: "ab", dependencies: [.package(path: "$work/$side")],
  targets: [.executableTarget(name: "ab", dependencies: [.product(name: "RiskKernels", package: "$side")])])
PKG
  if ! (cd "$work/ab-$side" && swift build -c release -q >"$work/build-$side.log" 2>&1); then
    echo "run-ab: $name does not build against $commit:" >&2
    grep -E "error" "$work/build-$side.log" | head -5 >&2
    exit 1
  fi
done
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
for _ in $(seq "$rounds"); do
  for side in old new; do
    "$work/ab-$side/.build/release/ab" | sed "s/^/$side /"
  done
done
