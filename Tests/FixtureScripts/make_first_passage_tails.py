#!/usr/bin/env python3
"""First-passage liquidation probabilities to full precision, far tails included, for the
accuracy of RiskKernels' LiquidationSweep (vector kernel) and LiquidationProbabilities.

p = Phi(a1) + exp(E) Phi(a2), a1 = side (l - nu T)/s, a2 = side (l + nu T)/s, E = 2 nu l / sigma^2,
l = log of the liquidation price per unit entry price ((1 - 1/L)/(1 - m) long, (1 + 1/L)/(1 + m)
short), nu = mu - sigma^2/2, s = sigma sqrt(T) (the reflection principle with drift; Shreve, Stochastic Calculus for Finance II, 7.2), evaluated with mpmath at
60 significant digits from the exact double inputs, so the values are exact to the last bit.

Books: per horizon (400 ms, 12 s, 1 hour, 1 day, 30 days, 1 year of a 365-day year), random
positions (either side, leverage log-uniform on [1.02, 125], margin U(0, 2%), sigma log-uniform on
[0.01, 3], mu U(-1, 1), one in eight U(-40, 40)), plus positions that are never liquidated (a long at
L <= 1) and positions already beyond their price (L m >= 1).

`condition` bounds how much double rounding of the inputs' derived quantities moves p, relative:
(|a1| + 1)((4 + |l| + |nu T|)/s + 3|a1|) + (|a2| + 1)((4 + |l| + |nu T|)/s + 3|a2|) + 3|E|, times
the unit roundoff: l, nu T and s carry a few ulps each, and d log Phi(a)/da <= |a| + 1 for a < 0.
Tests allow a small multiple of it.

Writes Tests/RiskKernelsTests/Fixtures/leverage/first_passage_tails.json.
"""
import json
import os
import random
from importlib import metadata

import mpmath as mp

mp.mp.dps = 60
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
OUT = os.path.join(ROOT, "Tests", "RiskKernelsTests", "Fixtures", "leverage")
YEAR_SECONDS = 365 * 86400
HORIZONS = {"400 ms": 0.4 / YEAR_SECONDS, "12 s": 12 / YEAR_SECONDS, "1 hour": 3600 / YEAR_SECONDS,
            "1 day": 1 / 365, "30 days": 30 / 365, "1 year": 1.0}


def exact(side, lev, m, sigma, mu, t):
    sgn = 1 if side == "long" else -1
    lev, m, sigma, mu, t = (mp.mpf(x) for x in (lev, m, sigma, mu, t))
    ratio = (1 - 1 / lev) / (1 - m) if sgn > 0 else (1 + 1 / lev) / (1 + m)
    if ratio <= 0:
        return dict(p=0.0, a1=None, a2=None, condition=0.0)
    ell = mp.log(ratio)
    if sgn * ell >= 0:
        return dict(p=1.0, a1=None, a2=None, condition=0.0)
    nu = mu - sigma * sigma / 2
    s = sigma * mp.sqrt(t)
    a1 = sgn * (ell - nu * t) / s
    a2 = sgn * (ell + nu * t) / s
    e = 2 * nu * ell / (sigma * sigma)
    p = mp.ncdf(a1) + mp.exp(e + mp.log(mp.ncdf(a2)))
    p = min(mp.mpf(1), p)
    spread = (4 + abs(ell) + abs(nu * t)) / s
    condition = (abs(a1) + 1) * (spread + 3 * abs(a1)) + (abs(a2) + 1) * (spread + 3 * abs(a2)) + 3 * abs(e)
    return dict(p=float(p), a1=float(a1), a2=float(a2), condition=float(condition))


def main():
    rng = random.Random(20261121)
    books = []
    for name, t in HORIZONS.items():
        positions = []
        for k in range(240):
            side = "long" if rng.random() < 0.5 else "short"
            lev = 1.02 * (125 / 1.02) ** rng.random()
            m = 0.02 * rng.random()
            if k % 40 == 0:
                lev = 0.5 + 0.5 * rng.random() if side == "long" else lev  # never liquidated
            if k % 40 == 1:
                m = min(0.99, 1.0 / lev + 0.001)  # already beyond the price
            sigma = 0.01 * 300 ** rng.random()
            mu = 80 * (rng.random() - 0.5) if k % 8 == 0 else 2 * (rng.random() - 0.5)
            positions.append(dict(side=side, leverage=lev, maintenanceMargin=m, volatility=sigma, drift=mu,
                                  **exact(side, lev, m, sigma, mu, t)))
        books.append(dict(horizon=name, horizonYears=t, positions=positions))
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, "first_passage_tails.json"), "w") as f:
        json.dump(dict(description="First-passage probabilities from exact double inputs, mpmath at 60 digits",
                       script="Tests/FixtureScripts/make_first_passage_tails.py",
                       peers={"mpmath": metadata.version("mpmath")}, books=books), f, indent=0)
    tiny = sum(1 for b in books for p in b["positions"] if 0 < p["p"] < 1e-50)
    print(f"{sum(len(b['positions']) for b in books)} positions, {tiny} with 0 < p < 1e-50")


if __name__ == "__main__":
    main()
