#!/usr/bin/env python3
"""Reference liquidation probabilities for RiskKernels' leverage kernels.

Liquidation price: P_liq/P0 = (1 - 1/L)/(1 - m) (long), (1 + 1/L)/(1 + m) (short).
Terminal and first-passage probabilities under GBM: SciPy's norm.cdf closed forms (the
reflection principle with drift; Shreve, Stochastic Calculus for Finance II, 7.2), and
independently QuantLib's AnalyticDigitalAmericanEngine one-touch (cash-or-nothing paid at expiry, r = mu, q = 0, NPV x e^{rT}). Discrete monitoring: the BGK-shifted barrier
(beta = -zeta(1/2)/sqrt(2 pi)) in the SciPy closed form. Writes
Tests/RiskKernelsTests/Fixtures/leverage/liquidation.json.
"""
import json
import math
import os
from importlib import metadata

import QuantLib as ql
from scipy.stats import norm

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
OUT = os.path.join(ROOT, "Tests", "RiskKernelsTests", "Fixtures", "leverage")
PEERS = {p: metadata.version(p) for p in ("scipy", "QuantLib")}
BETA = 0.5825971579390106
YEAR_SECONDS = 365 * 86400


def first_passage(side, ell, sigma, mu, t):
    nu = mu - sigma * sigma / 2
    s = sigma * math.sqrt(t)
    if side == "long":
        return norm.cdf((ell - nu * t) / s) + math.exp(2 * nu * ell / sigma**2) * norm.cdf((ell + nu * t) / s)
    return norm.cdf((-ell + nu * t) / s) + math.exp(2 * nu * ell / sigma**2) * norm.cdf((-ell - nu * t) / s)


def terminal(side, ell, sigma, mu, t):
    nu = mu - sigma * sigma / 2
    z = (ell - nu * t) / (sigma * math.sqrt(t))
    return norm.cdf(z) if side == "long" else norm.cdf(-z)


def one_touch(side, barrier, sigma, mu, t):
    """QuantLib: P(touch) = NPV of a one-touch paying 1 at expiry, times e^{rT} (r = mu)."""
    today = ql.Date(1, 1, 2026)
    ql.Settings.instance().evaluationDate = today
    dc = ql.Actual365Fixed()
    days = max(1, round(t * 365))
    maturity = today + days
    tq = dc.yearFraction(today, maturity)
    spot = ql.QuoteHandle(ql.SimpleQuote(1.0))
    rate = ql.YieldTermStructureHandle(ql.FlatForward(today, mu, dc))
    div = ql.YieldTermStructureHandle(ql.FlatForward(today, 0.0, dc))
    vol = ql.BlackVolTermStructureHandle(ql.BlackConstantVol(today, ql.NullCalendar(), sigma, dc))
    process = ql.BlackScholesMertonProcess(spot, div, rate, vol)
    kind = ql.Option.Put if side == "long" else ql.Option.Call
    option = ql.VanillaOption(ql.CashOrNothingPayoff(kind, barrier, 1.0), ql.AmericanExercise(today, maturity, True))
    option.setPricingEngine(ql.AnalyticDigitalAmericanEngine(process))
    return option.NPV() * math.exp(mu * tq), tq


def main():
    cases = []
    for side in ("long", "short"):
        for leverage in (2.0, 10.0, 50.0, 100.0, 125.0):
            for m in (0.0, 0.005):
                for sigma, mu in ((0.5, 0.0), (0.8, 0.3), (1.2, -0.2)):
                    for days in (1, 7, 30):
                        ratio = (1 - 1 / leverage) / (1 - m) if side == "long" else (1 + 1 / leverage) / (1 + m)
                        ql_touch, t = one_touch(side, ratio, sigma, mu, days / 365)
                        ell = math.log(ratio)
                        disc = {}
                        for seconds in (0.4, 12.0):
                            shift = BETA * sigma * math.sqrt(seconds / YEAR_SECONDS)
                            shifted = ell - shift if side == "long" else ell + shift
                            disc[str(seconds)] = first_passage(side, shifted, sigma, mu, t)
                        cases.append(dict(side=side, leverage=leverage, maintenanceMargin=m, volatility=sigma,
                                          drift=mu, horizonYears=t, liquidationPrice=ratio,
                                          terminal=terminal(side, ell, sigma, mu, t),
                                          firstPassage=first_passage(side, ell, sigma, mu, t),
                                          firstPassageQuantLib=ql_touch, discrete=disc))
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, "liquidation.json"), "w") as f:
        json.dump(dict(description="Liquidation prices and probabilities: SciPy closed forms, QuantLib one-touch, BGK",
                       script="Tests/FixtureScripts/make_liquidation.py", peers=PEERS, cases=cases), f, indent=1)
    worst = max(abs(c["firstPassage"] - c["firstPassageQuantLib"]) for c in cases)
    print(f"{len(cases)} cases; SciPy vs QuantLib first passage max |diff| = {worst:.2e}")


if __name__ == "__main__":
    main()
