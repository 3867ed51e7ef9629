#!/usr/bin/env python3
"""Monte Carlo VaR and ES to a stated precision: how many paths, and how long, plain NumPy
Monte Carlo needs for the 99% one-day VaR and the 97.5% ES of a portfolio to reach 1% relative
standard error. Writes the models, so RiskKernels' suite (riskbench accuracy) runs the same
ones in the same invocation.

Models (driftless correlated GBM over one day = 1/365 year, equal value weights):
- "example": the bundled four stocks (the repository's example price file), sample covariance of
  the complete rows' daily log returns times 365, spot the last row;
- "book50": 50 assets, the covariance of harness.factor_returns(2520, 50) times 365, spot
  100·U(0.5, 2).
Plain Monte Carlo: R = Σ wᵢ (exp(Xᵢ) − 1), X ~ N(−σ²T/2, TΣ); VaR = −x₍k₎, k = ⌈N p⌉, ES the mean
of the k worst; standard errors by the asymptotic formulas RiskKernels uses (Siddiqui's spacing
for the quantile's density, Manistre–Hancock for ES). A pilot of 200 000 paths gives the
relative error r₀; N = ⌈200 000 (r₀/0.01)²⌉ paths are then timed.

Liquidation: the 10-day first-passage probability of a 50× long (maintenance margin 0.5%) on an
asset of volatility 80%, 10 monitoring steps, with the Brownian-bridge correction between them,
by QuantLib's Sobol' path generator with Brownian-bridge construction
(GaussianSobolPathGenerator over GaussianLowDiscrepancySequenceGenerator(SobolRsg)) and a Python
loop over each path's steps. QuantLib's sequence is not randomized, so it has no standard error
of its own: its time per path is recorded, and riskbench prices it at the paths RiskKernels'
randomized Sobol' with the same construction needs.

usage: accuracy_peers.py OUTDIR PRICES_CSV [--quick]
"""
import argparse
import csv
import json
import math
import os
import platform
import sys
from importlib import metadata

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import harness as peers  # noqa: E402  (Benchmarks/peers/harness.py)

HORIZON = 1 / 365
TARGET = 0.01
PILOT = 200_000


def example_model(path):
    with open(path) as f:
        rows = list(csv.reader(f))
    assets = rows[0][1:]
    values = [[float(x) if x else math.nan for x in r[1:]] for r in rows[1:]]
    prices = np.array([r for r in values if not any(math.isnan(x) for x in r)])
    logs = np.diff(np.log(prices), axis=0)
    return assets, prices[-1], np.cov(logs, rowvar=False, ddof=1) * 365


def book50_model():
    returns = peers.factor_returns(peers.T_COV, 50)
    rng = np.random.default_rng(11)
    spot = 100 * rng.uniform(0.5, 2, 50)
    return [f"A{i}" for i in range(50)], spot, np.cov(returns, rowvar=False, ddof=1) * 365


def tail(returns, c):
    """VaR, ES and their standard errors (RiskKernels' TailStandardErrors formulas)."""
    n = returns.size
    p = 1 - c
    k = max(1, math.ceil(n * p - 1e-9 * max(1, n * p)))
    m = max(1, int(math.sqrt(k)))
    part = np.partition(returns, min(n - 1, k - 1 + m))[: min(n, k + m)]
    part.sort()
    var = -part[k - 1]
    worst = part[:k]
    es = -worst.mean()
    lo, hi = max(0, k - 1 - m), min(n - 1, k - 1 + m)
    se_var = math.sqrt(p * (1 - p) / n) * n * (part[hi] - part[lo]) / (hi - lo)
    gap = part[k - 1] - worst.mean()
    se_es = math.sqrt((worst.var(ddof=1) + c * gap * gap) / (n * p))
    return var, es, se_var, se_es


def plain(model, n, seed):
    spot, cov, weights = model
    sigma2 = np.diag(cov)
    L = np.linalg.cholesky(cov * HORIZON)
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, spot.size)) @ L.T - 0.5 * sigma2 * HORIZON
    R = np.expm1(X) @ weights
    v, _, sv, _ = tail(R, 0.99)
    _, e, _, se = tail(R, 0.975)
    return v, e, sv, se


def quantlib_liquidation(paths):
    import QuantLib as ql
    sigma, days, steps, leverage, margin = 0.8, 10, 10, 50.0, 0.005
    horizon = days / 365
    level = (1 - 1 / leverage) / (1 - margin)  # liquidation price per unit of entry (long)
    process = ql.GeometricBrownianMotionProcess(1.0, 0.0, sigma)
    dt = horizon / steps
    log_level = math.log(level)

    def run():
        rsg = ql.GaussianLowDiscrepancySequenceGenerator(ql.UniformLowDiscrepancySequenceGenerator(steps))
        generator = ql.GaussianSobolPathGenerator(process, horizon, steps, rsg, True)
        grid_hits, continuous = 0, 0.0
        for _ in range(paths):
            path = generator.next().value()
            survive, seen = 1.0, False
            previous = -log_level  # log(S0 / level), S0 = 1
            for s in range(1, steps + 1):
                current = math.log(path[s]) - log_level
                if current <= 0:
                    seen = True
                survive *= 1 - (1.0 if previous * current <= 0 else math.exp(-2 * previous * current / (sigma * sigma * dt)))
                previous = current
            grid_hits += seen
            continuous += 1 - survive
        return grid_hits / paths, continuous / paths

    med, mn, reps, (grid, cont) = peers.timeit(run, warmup=1, min_reps=3, max_reps=7, target_s=1)
    print(f"QuantLib Sobol' + bridge: {paths} paths, median {med * 1e3:.1f} ms, P(grid) {grid:.5f},"
          f" P(continuous) {cont:.5f}", file=sys.stderr)
    return {"tool": f"QuantLib {ql.__version__} GaussianSobolPathGenerator (Brownian bridge)",
            "volatility": sigma, "horizonYears": horizon, "steps": steps, "leverage": leverage,
            "maintenanceMargin": margin, "paths": paths, "median_s": med, "reps": reps,
            "perPathSeconds": med / paths, "onGrid": grid, "continuous": cont}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("out")
    parser.add_argument("prices")
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    models = {"example": example_model(args.prices), "book50": book50_model()}
    out = {"python": platform.python_version(), "versions": {"numpy": metadata.version("numpy")},
           "horizonYears": HORIZON, "targetRelativeError": TARGET, "models": [], "numpy": []}
    for name, (assets, spot, cov) in models.items():
        d = spot.size
        weights = np.full(d, 1 / d)
        out["models"].append({"name": name, "assets": assets, "spot": spot.tolist(),
                              "covariance": cov.tolist(), "weights": weights.tolist()})
        model = (spot, cov, weights)
        v, e, sv, se = plain(model, PILOT, 1)
        rel = max(sv / v, se / e)
        needed = math.ceil(PILOT * (rel / TARGET) ** 2)
        if args.quick:
            needed = min(needed, 20_000)
        med, mn, reps, (v, e, sv, se) = peers.timeit(lambda: plain(model, needed, 2), warmup=1,
                                                     min_reps=3, max_reps=11, target_s=1)
        print(f"NumPy plain {name}: {needed} paths, median {med * 1e3:.2f} ms, VaR {v:.5f} ± {sv:.2g},"
              f" ES {e:.5f} ± {se:.2g}", file=sys.stderr)
        out["numpy"].append({"model": name, "tool": "NumPy plain Monte Carlo", "paths": needed,
                             "median_s": med, "reps": reps, "var": v, "es": e,
                             "relativeError": max(sv / v, se / e)})
    out["liquidation"] = quantlib_liquidation(2_048 if args.quick else 16_384)
    with open(os.path.join(args.out, "acc_peers.json"), "w") as f:
        json.dump(out, f, indent=1)


if __name__ == "__main__":
    main()
