#!/usr/bin/env python3
"""Reference values for RiskKernels' covariance and linear-algebra kernels.

Peers: NumPy (returns, sample covariance, EWMA as X'WX, eigenvalues, Cholesky), scikit-learn
(LedoitWolf, OAS, both 1/n), and an independent NumPy transcription of Ledoit & Wolf's covCor.m
(constant-correlation shrinkage, 1/T). Everything in float64. Writes
Tests/RiskKernelsTests/Fixtures/covariance/<case>.json.
"""
import csv
import json
import os
from importlib import metadata

import numpy as np
from sklearn.covariance import OAS, LedoitWolf

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
OUT = os.path.join(ROOT, "Tests", "RiskKernelsTests", "Fixtures", "covariance")
PRICES = os.path.join(ROOT, "Sources", "RiskReport", "Resources",
                      "quandl_wiki_4stocks_2004_2013_prices.csv")
SCRIPT = "Tests/FixtureScripts/make_covariance.py"
PEERS = {p: metadata.version(p) for p in ("numpy", "scipy", "scikit-learn")}


def ewma(x, decay, centred):
    """Normalised EWMA weights, newest (last) row heaviest: X'WX, optionally about the weighted mean."""
    n = x.shape[0]
    w = decay ** np.arange(n - 1, -1, -1, dtype=float)
    w /= w.sum()
    mean = w @ x if centred else np.zeros(x.shape[1])
    xc = x - mean
    return xc.T @ (w[:, None] * xc), mean


def cov_cor(x):
    """Ledoit & Wolf (2004) 'Honey' constant-correlation shrinkage: transcription of covCor.m."""
    t, n = x.shape
    x = x - x.mean(axis=0)
    sample = x.T @ x / t
    var = np.diag(sample)
    sqrtvar = np.sqrt(var)
    rbar = (np.sum(sample / np.outer(sqrtvar, sqrtvar)) - n) / (n * (n - 1))
    prior = rbar * np.outer(sqrtvar, sqrtvar)
    np.fill_diagonal(prior, var)
    y = x ** 2
    phi_mat = y.T @ y / t - 2 * (x.T @ x) * sample / t + sample ** 2
    phi = phi_mat.sum()
    term1 = (x ** 3).T @ x / t
    help_ = x.T @ x / t
    help_diag = np.diag(help_)
    term2 = help_diag[:, None] * sample
    term3 = help_ * var[:, None]
    term4 = var[:, None] * sample
    theta_mat = term1 - term2 - term3 + term4
    np.fill_diagonal(theta_mat, 0)
    rho = np.trace(phi_mat) + rbar * np.sum(np.outer(1 / sqrtvar, sqrtvar) * theta_mat)
    gamma = np.linalg.norm(sample - prior, "fro") ** 2
    kappa = (phi - rho) / gamma
    shrinkage = max(0.0, min(1.0, kappa / t))
    return shrinkage * prior + (1 - shrinkage) * sample, shrinkage


def estimates(x):
    lw = LedoitWolf().fit(x)
    oas = OAS().fit(x)
    out = {
        "sampleUnbiased": np.cov(x, rowvar=False, ddof=1).reshape(x.shape[1], -1).tolist(),
        "sampleMaximumLikelihood": np.cov(x, rowvar=False, ddof=0).reshape(x.shape[1], -1).tolist(),
        "mean": x.mean(axis=0).tolist(),
        "ledoitWolf": {"covariance": lw.covariance_.tolist(), "shrinkage": float(lw.shrinkage_)},
        "oas": {"covariance": oas.covariance_.tolist(), "shrinkage": float(oas.shrinkage_)},
    }
    for decay in (0.94, 0.97):
        c0, _ = ewma(x, decay, False)
        c1, m1 = ewma(x, decay, True)
        out[f"ewma{int(decay * 100)}ZeroMean"] = c0.tolist()
        out[f"ewma{int(decay * 100)}WeightedMean"] = {"covariance": c1.tolist(), "mean": m1.tolist()}
    if x.shape[1] >= 2:
        cc, s = cov_cor(x)
        out["constantCorrelation"] = {"covariance": cc.tolist(), "shrinkage": s}
        s_unbiased = np.cov(x, rowvar=False)
        sd = np.sqrt(np.diag(s_unbiased))
        out["correlationOfSampleUnbiased"] = (s_unbiased / np.outer(sd, sd)).tolist()
        ev = np.linalg.eigvalsh(s_unbiased)
        out["eigenvaluesOfSampleUnbiased"] = ev.tolist()
        out["conditionNumberOfSampleUnbiased"] = float(np.linalg.cond(s_unbiased))
        if ev[0] > 0:
            out["choleskyOfSampleUnbiased"] = np.linalg.cholesky(s_unbiased).tolist()
    return out


def write(name, description, seed, returns, extra=None):
    doc = {
        "description": description,
        "script": SCRIPT,
        "peers": PEERS,
        "seed": seed,
        "normalization": {
            "sampleUnbiased": "1/(n-1)", "sampleMaximumLikelihood": "1/n",
            "ledoitWolf": "1/n (scikit-learn)", "oas": "1/n (scikit-learn)",
            "constantCorrelation": "1/T (covCor.m)", "ewma": "weights normalised to sum to 1",
        },
        "inputs": {"returns": returns.tolist()},
        "expected": estimates(returns),
    }
    if extra:
        doc["inputs"].update(extra.get("inputs", {}))
        doc["expected"].update(extra.get("expected", {}))
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, name + ".json"), "w") as f:
        json.dump(doc, f, separators=(",", ":"))
        f.write("\n")
    print("wrote", name)


def main():
    # 1. The bundled prices (first 400 rows): returns from NumPy, then every estimator.
    with open(PRICES) as f:
        rows = list(csv.reader(f))
    prices = np.array([[float(v) for v in r[1:]] for r in rows[1:401]])
    log_r = np.diff(np.log(prices), axis=0)
    simple_r = prices[1:] / prices[:-1] - 1
    write("quandl4_first400", "Bundled Quandl WIKI prices (AAPL, GOOG, IBM, MSFT), first 400 rows; log returns",
          None, log_r, {"inputs": {"prices": prices.tolist()},
                        "expected": {"logReturns": log_r.tolist(), "simpleReturns": simple_r.tolist()}})
    # 2. A 5-factor model, p = 30 assets, n = 120 observations (realistic daily scale).
    rng = np.random.default_rng(20261121)
    f_ = rng.standard_normal((120, 5)) * 0.01
    b = rng.normal(0.8, 0.4, size=(30, 5)) / np.sqrt(5)
    e = rng.standard_normal((120, 30)) * rng.uniform(0.005, 0.02, size=30)
    write("factor_n120_p30", "5-factor model returns, n=120, p=30", 20261121, f_ @ b.T + e)
    # 3. p > n: 20 x 50 standard normals (scikit-learn gives LW about 0.866, OAS about 0.930 for such data).
    rng = np.random.default_rng(42)
    write("normal_n20_p50", "standard normal, n=20 < p=50", 42, rng.standard_normal((20, 50)))
    # 4. One asset: LW and OAS shrinkage are 0 (scikit-learn's p = 1 rule).
    rng = np.random.default_rng(7)
    write("single_asset_n50", "one asset, n=50", 7, rng.standard_normal((50, 1)) * 0.02)
    # 5. Eight samples, four nearly uncorrelated assets: strong shrinkage.
    rng = np.random.default_rng(3)
    write("weak_n8_p4", "8 samples, 4 weakly correlated assets (small n: large shrinkage)", 3, rng.standard_normal((8, 4)) * 0.01)


if __name__ == "__main__":
    main()
