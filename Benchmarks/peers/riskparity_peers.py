#!/usr/bin/env python3
"""Times the Python peers of RiskKernels' risk-budgeting solver and writes their inputs.

For each d, Σ is the peer harness (harness.py)'s covariance (harness.py: 2520 days of
a 5-factor model, scikit-learn Ledoit-Wolf, x252), written to OUTDIR/rp_sigma_<d>.f64 so the Swift
side solves the same matrices. Peers, equal budgets, each run to an absolute residual
max_i |RC_i/sigma_p - b_i| <= 1e-10 where it can (the residual each reached is recorded):
  - riskparityportfolio vanilla.design(tol=1e-12) with both of its CCD methods;
  - Riskfolio-Lib rp_optimization (MV, its default solver);
  - the harness's NumPy and SciPy Spinu Newton (one factorisation per step).
Also writes the inputs of the warm re-solve benchmark: 2520 + 50 return rows at d = 500.
BLAS threads: OPENBLAS_NUM_THREADS, set by the caller before NumPy loads.

usage: riskparity_peers.py OUTDIR [--sizes 50,100,500,1000] [--large 2000] [--quick]
"""
import argparse
import json
import os
import platform
import sys
import warnings
from importlib import metadata

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import harness as peers  # noqa: E402  (Benchmarks/peers/harness.py)


def residual(sigma, w, b):
    rc = w * (sigma @ w)
    return float(np.max(np.abs(rc / rc.sum() - b)))


def covariance(d):
    """The harness's returns and annualised Ledoit-Wolf covariance for d assets."""
    from sklearn.covariance import LedoitWolf
    r = peers.factor_returns(peers.T_COV, d, seed=99)
    return r, LedoitWolf().fit(r).covariance_ * 252.0


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("out")
    parser.add_argument("--sizes", default="50,100,500,1000")
    parser.add_argument("--large", default="2000")
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    peers.QUICK = args.quick
    import riskparityportfolio as rpp
    import pandas as pd
    import riskfolio as rfl

    rows = []

    def record(tool, d, fn, w_of, big=False):
        med, mn, n, out = peers.timeit(fn, warmup=0 if big else 1, min_reps=1 if big else 3,
                                       max_reps=1 if big else 15)
        w = w_of(out)
        rows.append(dict(tool=tool, assets=d, median_s=med, min_s=mn, reps=n,
                         residual=residual(sigma, w, b), weights_sum=float(w.sum())))
        print(f"peer d={d:5d} {tool:48s} median {med * 1e3:9.3f} ms  residual {rows[-1]['residual']:.2e}",
              file=sys.stderr)

    sizes = [int(s) for s in args.sizes.split(",") if s]
    large = [int(s) for s in args.large.split(",") if s]
    for d in sizes + large:
        returns, sigma = covariance(d)
        sigma.astype("<f8").tofile(os.path.join(args.out, f"rp_sigma_{d}.f64"))
        # The returns too (column-major), so riskbench estimates Ledoit-Wolf itself and times
        # the solver's default call path on the library's own estimate.
        returns.astype("<f8").T.copy().tofile(os.path.join(args.out, f"rp_returns_{d}.f64"))
        if d in large:
            continue
        b = np.full(d, 1.0 / d)
        record("numpy Spinu Newton (np.linalg.solve)", d, lambda: peers.spinu_newton(sigma, b),
               lambda out: out[0])
        record("scipy Spinu Newton (cho_solve)", d, lambda: peers.spinu_newton_scipy(sigma, b),
               lambda out: out[0])
        # vanilla.cpp swaps the names: method="spinu" runs Choi-Chen CCD, "choi" runs Spinu CCD.
        record("riskparityportfolio vanilla.design(tol=1e-12) [Choi CCD]", d,
               lambda: rpp.vanilla.design(sigma, b, tol=1e-12, maxiter=10000), lambda w: w)
        record("riskparityportfolio vanilla.design(method='choi', tol=1e-12) [Spinu CCD]", d,
               lambda: rpp.vanilla.design(sigma, b, tol=1e-12, maxiter=10000, method="choi"),
               lambda w: w)
        if not args.quick or d <= 100:
            cols = [f"A{i}" for i in range(d)]
            port = rfl.Portfolio(returns=pd.DataFrame(returns, columns=cols))
            port.assets_stats(method_mu="hist", method_cov="hist")
            port.cov = pd.DataFrame(sigma / 252.0, index=cols, columns=cols)  # as the harness does

            def run_rfl():
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    return port.rp_optimization(model="Classic", rm="MV", rf=0, b=None, hist=True)
            record(f"riskfolio-lib rp_optimization(MV, {port.solvers[0]})", d, run_rfl,
                   lambda wdf: wdf["weights"].to_numpy(), big=d >= 500)

    warm = peers.factor_returns(peers.T_COV + 50, 500, seed=99)
    warm.astype("<f8").T.copy().tofile(os.path.join(args.out, "rp_returns_2570x500.f64"))  # column-major

    versions = {p: metadata.version(p) for p in ("numpy", "scipy", "scikit-learn",
                                                 "riskparityportfolio", "riskfolio-lib")}
    with open(os.path.join(args.out, "rp_peers.json"), "w") as f:
        json.dump({"python": platform.python_version(), "versions": versions,
                   "blasThreads": os.environ.get("OPENBLAS_NUM_THREADS", "default"),
                   "loadBefore": os.getloadavg(), "results": rows}, f, indent=1)


if __name__ == "__main__":
    main()
