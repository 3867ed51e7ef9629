#!/usr/bin/env python3
"""Times SciPy's vectorised first-passage liquidation probability on a book of positions and
writes the book, so RiskKernels' LiquidationSweep computes the same numbers in the same run.

Book: N positions (default 10^6), half long, half short, leverage U(2, 125), maintenance margin
U(0, 1%), sigma U(0.2, 1.5), mu U(-0.5, 0.5), horizon 400 ms of a 365-day year (one fast-chain
block) and 1 day. Peers: the closed form with scipy.stats.norm.cdf and with scipy.special.ndtr.
Writes OUTDIR/liq_book.f64 (columns: side, leverage, margin, sigma, mu) and OUTDIR/liq_peers.json.

Two more issue-5 peers in the same run:
- VaR/ES of 10^6 simulated P&L values (Student-t, 4 degrees of freedom, written to
  OUTDIR/pnl.f64) at 99%: numpy.partition(x, k-1) plus the mean of the first k, k = ceil(N(1-c)).
- Single-asset liquidation probability by Monte Carlo on a fine grid: 100 000 paths x 1440 steps
  in a day (one per minute), counting paths whose minimum reaches the liquidation price
  (long 50x, margin 0.5%, sigma 0.8, mu 0), in chunks of 2 000 paths; its standard error is
  what RiskKernels must match.

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
sys.path.insert(0, HERE)
import harness as peers  # noqa: E402  (Benchmarks/peers/harness.py)

YEAR = 365.0


def first_passage(side, lev, m, sigma, mu, t, cdf):
    ratio = np.where(side > 0, (1 - 1 / lev) / (1 - m), (1 + 1 / lev) / (1 + m))
    ell = np.log(ratio)
    nu = mu - 0.5 * sigma * sigma
    s = sigma * np.sqrt(t)
    p = cdf(side * (ell - nu * t) / s) + np.exp(2 * nu * ell / (sigma * sigma)) * cdf(side * (ell + nu * t) / s)
    return np.clip(p, 0, 1)


def var_peer(out, n):
    rng = np.random.default_rng(11)
    pnl = rng.standard_t(4, n) * 0.01
    pnl.astype("<f8").tofile(os.path.join(out, "pnl.f64"))
    c = 0.99
    exact = n * (1 - c)  # 1 - 0.99 is not 0.01: guard the ceiling as RiskKernels does
    k = max(1, int(np.ceil(exact - 1e-9 * max(1, exact))))

    def f():
        part = np.partition(pnl, k - 1)
        return -part[k - 1], -part[:k].mean()

    med, mn, reps, (var, es) = peers.timeit(f)
    print(f"peer VaR/ES of {n} P&L values: numpy.partition median {med * 1e3:.2f} ms  VaR {var:.6g} ES {es:.6g}",
          file=sys.stderr)
    return dict(values=n, confidence=c, tool="numpy.partition + tail mean", median_s=med, reps=reps,
                var=float(var), expectedShortfall=float(es))


def fine_grid_peer(paths):
    sigma, mu, t, steps = 0.8, 0.0, 1 / YEAR, 1440
    lev, margin = 50.0, 0.005
    log_barrier = np.log((1 - 1 / lev) / (1 - margin))
    dt = t / steps
    rng = np.random.default_rng(3)

    def run():
        hits = 0
        for start in range(0, paths, 2000):
            z = rng.standard_normal((min(2000, paths - start), steps))
            z *= sigma * np.sqrt(dt)
            z += (mu - 0.5 * sigma * sigma) * dt
            np.cumsum(z, axis=1, out=z)
            hits += int(np.count_nonzero(z.min(axis=1) <= log_barrier))
        p = hits / paths
        return p, np.sqrt(p * (1 - p) / paths)

    med, mn, reps, (p, se) = peers.timeit(run, warmup=0, min_reps=3, max_reps=3, target_s=0)
    print(f"peer MC fine grid {paths} x {steps}: median {med:.2f} s  p {p:.5f} +- {se:.5f}", file=sys.stderr)
    return dict(paths=paths, steps=steps, sigma=sigma, mu=mu, horizonYears=t, leverage=lev,
                maintenanceMargin=margin, tool="NumPy fine grid (cumsum, min)", median_s=med, reps=reps,
                probability=p, standardError=float(se))


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
    var = var_peer(args.out, 100_000 if args.quick else 1_000_000)
    grid = fine_grid_peer(10_000 if args.quick else 100_000)
    versions = {p: metadata.version(p) for p in ("numpy", "scipy")}
    with open(os.path.join(args.out, "liq_peers.json"), "w") as f:
        json.dump({"python": platform.python_version(), "versions": versions, "positions": n,
                   "blasThreads": os.environ.get("OPENBLAS_NUM_THREADS", "default"), "results": rows,
                   "var": var, "fineGrid": grid}, f, indent=1)


if __name__ == "__main__":
    main()
