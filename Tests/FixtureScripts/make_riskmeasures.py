#!/usr/bin/env python3
"""Reference values for RiskKernels' VaR/ES kernels and backtests.

  - parametric normal VaR/ES and Euler components: scipy.stats.norm (ppf, pdf);
  - Cornish-Fisher VaR from sample moments (scipy.stats skew and kurtosis, population 1/n) and
    its ES by numerical quadrature (scipy.integrate.quad) of the expanded quantile over the tail;
  - historical VaR/ES: numpy.partition(x, k-1), k = ceil(N(1-c)), and the mean of the k smallest;
  - Kupiec / Christoffersen: a direct transcription of rugarch's VaRTest and LR.cc.test with
    scipy.stats.chi2.sf, on fixed hit sequences.
Writes Tests/RiskKernelsTests/Fixtures/riskmeasures/riskmeasures.json.
"""
import json
import math
import os
from importlib import metadata

import numpy as np
from scipy import integrate, stats

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
OUT = os.path.join(ROOT, "Tests", "RiskKernelsTests", "Fixtures", "riskmeasures")
PEERS = {p: metadata.version(p) for p in ("numpy", "scipy")}


def cf_quantile(z, s, k):
    return z + (z * z - 1) * s / 6 + (z**3 - 3 * z) * k / 24 - (2 * z**3 - 5 * z) * s * s / 36


def xlogy(x, y):
    return 0.0 if x == 0 else x * math.log(y)


def backtest(hits, conf):
    t, x, p = len(hits), int(sum(hits)), 1 - conf
    ph = x / t
    pof = -2 * (xlogy(t - x, 1 - p) + xlogy(x, p)) + 2 * (xlogy(t - x, 1 - ph) + xlogy(x, ph))
    n = np.zeros((2, 2))
    for a, b in zip(hits[:-1], hits[1:]):
        n[int(a), int(b)] += 1
    n00, n01, n10, n11 = n[0, 0], n[0, 1], n[1, 0], n[1, 1]
    ind = 0.0
    if n01 + n11 > 0 and n00 + n10 > 0:
        pi = (n01 + n11) / n.sum()
        pi01 = n01 / (n00 + n01) if n00 + n01 > 0 else 0
        pi11 = n11 / (n10 + n11) if n10 + n11 > 0 else 0
        ind = -2 * (xlogy(n00 + n10, 1 - pi) + xlogy(n01 + n11, pi)) + 2 * (
            xlogy(n00, 1 - pi01) + xlogy(n01, pi01) + xlogy(n10, 1 - pi11) + xlogy(n11, pi11))
    return dict(hits=[bool(h) for h in hits], confidence=conf, exceedances=x, kupiec=pof,
                kupiecP=float(stats.chi2.sf(pof, 1)), independence=ind,
                independenceP=float(stats.chi2.sf(ind, 1)), conditionalCoverage=pof + ind,
                conditionalCoverageP=float(stats.chi2.sf(pof + ind, 2)))


def main():
    rng = np.random.default_rng(5)
    # Parametric: a 5-asset covariance of daily returns.
    b = rng.normal(0.01, 0.004, size=(5, 2))
    sigma = b @ b.T + np.diag(rng.uniform(1e-5, 4e-4, size=5))
    w = np.array([0.3, 0.25, 0.2, 0.15, 0.1])
    means = rng.normal(0.0004, 0.0002, size=5)
    parametric = []
    for conf, h in ((0.99, 1.0), (0.975, 10.0), (0.95, 5.0)):
        z, sp = stats.norm.ppf(conf), math.sqrt(w @ sigma @ w)
        rc = w * (sigma @ w) / sp
        var_c = rc * z * math.sqrt(h) - w * means * h
        es_c = rc * stats.norm.pdf(z) / (1 - conf) * math.sqrt(h) - w * means * h
        parametric.append(dict(confidence=conf, horizonDays=h, valueAtRisk=float(var_c.sum()),
                               expectedShortfall=float(es_c.sum()), valueAtRiskComponents=var_c.tolist(),
                               expectedShortfallComponents=es_c.tolist()))
    # A fat-tailed, skewed return sample.
    sample = (stats.t.rvs(4, size=2000, random_state=11) * 0.01 - 0.3 * np.abs(rng.normal(size=2000)) * 0.01)
    cf, hist = [], []
    for conf in (0.99, 0.975, 0.95):
        mu, sd = sample.mean(), sample.std()
        s, k = stats.skew(sample), stats.kurtosis(sample)
        alpha = 1 - conf
        zq = stats.norm.ppf(alpha)
        tail = integrate.quad(lambda u: cf_quantile(stats.norm.ppf(u), s, k), 0, alpha, limit=200, epsabs=1e-13)[0] / alpha
        cf.append(dict(confidence=conf, skewness=s, excessKurtosis=k, valueAtRisk=-(mu + sd * cf_quantile(zq, s, k)),
                       expectedShortfall=-(mu + sd * tail)))
        kk = math.ceil(len(sample) * (1 - conf) - 1e-9)
        part = np.partition(sample, kk - 1)
        hist.append(dict(confidence=conf, tailCount=kk, valueAtRisk=float(-part[kk - 1]),
                         expectedShortfall=float(-part[:kk].mean())))
    # Backtests on fixed sequences.
    seqs = []
    hits = np.zeros(250, dtype=bool); hits[[17, 60, 61, 62, 130, 200]] = True
    seqs.append(backtest(hits, 0.99))                           # 6 hits, clustered
    hits = rng.random(500) < 0.02
    seqs.append(backtest(hits, 0.99))                           # too many, scattered
    seqs.append(backtest(np.zeros(250, dtype=bool), 0.99))      # zero exceedances
    seqs.append(backtest(np.zeros(400, dtype=bool), 0.99))      # zero, long enough to reject
    hits = np.zeros(250, dtype=bool); hits[[5, 90, 180]] = True
    seqs.append(backtest(hits, 0.975))
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, "riskmeasures.json"), "w") as f:
        json.dump(dict(description="VaR/ES (parametric, Cornish-Fisher, historical) and backtests",
                       script="Tests/FixtureScripts/make_riskmeasures.py", peers=PEERS,
                       covariance=sigma.tolist(), weights=w.tolist(), means=means.tolist(),
                       parametric=parametric, sample=sample.tolist(), cornishFisher=cf, historical=hist,
                       backtests=seqs), f, indent=1)


if __name__ == "__main__":
    main()
