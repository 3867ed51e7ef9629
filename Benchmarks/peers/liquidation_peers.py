#!/usr/bin/env python3
"""Times SciPy's vectorised first-passage liquidation probability on a book of positions and
writes the book, so RiskKernels' LiquidationSweep computes the same numbers in the same run.

Book: N positions (default 10^6), half long, half short, leverage U(2, 125), maintenance margin
U(0, 1%), sigma U(0.2, 1.5), mu U(-0.5, 0.5), horizon 400 ms of a 365-day year (one fast-chain
block) and 1 day. Peers: the closed form with scipy.stats.norm.cdf and with scipy.special.ndtr.
Writes OUTDIR/liq_book.f64 (columns: side, leverage, margin, sigma, mu) and OUTDIR/liq_peers.json.

usage: liquidation_peers.py OUTDIR [--positions N] [--quick]
"""
import argparse
import json
import os
import platform
import sys
from importlib import metadata

import numpy as np
from scipy.special import ndtr
from scipy.stats import norm

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "..", "shared", "bench", "peers"))
import peers  # noqa: E402  (the shared harness: timeit)

YEAR = 365.0


def first_passage(side, lev, m, sigma, mu, t, cdf):
    ratio = np.where(side > 0, (1 - 1 / lev) / (1 - m), (1 + 1 / lev) / (1 + m))
    ell = np.log(ratio)
    nu = mu - 0.5 * sigma * sigma
    s = sigma * np.sqrt(t)
    p = cdf(side * (ell - nu * t) / s) + np.exp(2 * nu * ell / (sigma * sigma)) * cdf(side * (ell + nu * t) / s)
    return np.clip(p, 0, 1)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("out")
    parser.add_argument("--positions", type=int, default=1_000_000)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    rng = np.random.default_rng(7)
    n = args.positions
    side = np.where(rng.random(n) < 0.5, 1.0, -1.0)
    lev = rng.uniform(2, 125, n)
    m = rng.uniform(0, 0.01, n)
    sigma = rng.uniform(0.2, 1.5, n)
    mu = rng.uniform(-0.5, 0.5, n)
    np.stack([side, lev, m, sigma, mu], axis=1).T.copy().astype("<f8").tofile(os.path.join(args.out, "liq_book.f64"))
    rows = []
    for label, t in (("400 ms", 0.4 / (YEAR * 86400)), ("1 day", 1 / YEAR)):
        for name, cdf in (("scipy.stats.norm.cdf", norm.cdf), ("scipy.special.ndtr", ndtr)):
            med, mn, reps, p = peers.timeit(lambda: first_passage(side, lev, m, sigma, mu, t, cdf))
            rows.append(dict(horizon=label, horizonYears=t, tool=name, median_s=med, reps=reps,
                             checksum=float(p.sum())))
            print(f"peer {label:7s} {name:22s} median {med * 1e3:8.2f} ms  sum {p.sum():.6f}", file=sys.stderr)
    versions = {p: metadata.version(p) for p in ("numpy", "scipy")}
    with open(os.path.join(args.out, "liq_peers.json"), "w") as f:
        json.dump({"python": platform.python_version(), "versions": versions, "positions": n,
                   "blasThreads": os.environ.get("OPENBLAS_NUM_THREADS", "default"), "results": rows}, f, indent=1)


if __name__ == "__main__":
    main()
