#!/usr/bin/env python3
"""Times the Python peers of RiskKernels' Monte Carlo engine with the peer harness (harness.py).

Runs harness.py's bench_mc_gbm (NumPy step loop and fully vectorised
correlated GBM with terminal prices and running minimum; NumPy's normal and exp rates; QuantLib's
GaussianMultiPathGenerator) and writes its rows to OUTDIR/mc_peers.json with the versions.
BLAS threads: OPENBLAS_NUM_THREADS, set by the caller before NumPy loads.

usage: montecarlo_peers.py OUTDIR [--quick]
"""
import argparse
import json
import os
import platform
import sys
from importlib import metadata

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import harness as peers  # noqa: E402  (Benchmarks/peers/harness.py)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("out")
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    peers.QUICK = args.quick
    peers.bench_mc_gbm()
    versions = {p: metadata.version(p) for p in ("numpy", "QuantLib")}
    rows = [r for r in peers.RESULTS if "error" not in r]
    for r in rows:
        print(f"peer {r['kernel']:28s} {r['size']:32s} {r['tool'][:48]:48s} median {r['median_s']:.4f} s",
              file=sys.stderr)
    with open(os.path.join(args.out, "mc_peers.json"), "w") as f:
        json.dump({"python": platform.python_version(), "versions": versions,
                   "blasThreads": os.environ.get("OPENBLAS_NUM_THREADS", "default"),
                   "results": rows}, f, indent=1)


if __name__ == "__main__":
    main()
