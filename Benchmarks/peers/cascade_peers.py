#!/usr/bin/env python3
"""Times the liquidation cascade a NumPy user would write (a loop over rounds, each round a
vectorised mask of the open positions the price has reached) and writes the book, so
RiskKernels' LiquidationCascade runs the same book and shock in the same invocation.

Book: N positions (default 10^5) on one asset traded in a constant-product pool at price 2000,
70% long and 30% short, leverage U(2, 50), margin U(10^3, 10^5), maintenance margin
U(0.4%, 1%), entry price 2000·U(0.99, 1.01); the pool's base reserve is ten times the longs' total
size, fee 0.3%. Shock: -10%. Monte Carlo: P paths (default 10^4) of one-day GBM shocks
(sigma 0.8) on the first M positions (default 10^4), the cascade per path in a Python loop.
Writes OUTDIR/casc_book.f64 (columns: side, leverage, margin, maintenance margin, entry) and
OUTDIR/casc_peers.json.

usage: cascade_peers.py OUTDIR [--positions N] [--paths P] [--mc-positions M] [--quick]
"""
import argparse
import json
import os
import platform
import sys
from importlib import metadata

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import harness as peers  # noqa: E402  (Benchmarks/peers/harness.py)


def liquidation_price(side, lev, m, entry):
    return np.where(side > 0, entry * (1 - 1 / lev) / (1 - m), entry * (1 + 1 / lev) / (1 + m))


def cascade(book, rb, rq, fee, shock):
    """The mechanics of docs/liquidation.md, round by round with NumPy masks."""
    side, lev, margin, m, entry, liq, units = book
    k_root = np.sqrt(rb) * np.sqrt(rq)
    p = rq / rb * (1 + shock)
    rb, rq = k_root / np.sqrt(p), k_root * np.sqrt(p)
    open_ = np.ones(side.shape, dtype=bool)
    rounds, bad_debt, notional = 0, 0.0, 0.0
    while True:
        price = rq / rb
        hit = open_ & (((side > 0) & (liq >= price)) | ((side < 0) & (liq <= price)))
        if not hit.any():
            break
        rounds += 1
        net = float(np.sum(units[hit] * side[hit]))
        if net > 0:
            paid = rq * net * (1 - fee) / (rb + net * (1 - fee))
            rb, rq, execution = rb + net, rq - paid, paid / net
        elif net < 0:
            cost = rq * -net / ((rb + net) * (1 - fee))
            rb, rq, execution = rb + net, rq + cost, cost / -net
        else:
            execution = price
        equity = margin[hit] + side[hit] * units[hit] * (execution - entry[hit])
        bad_debt += float(np.maximum(0, -equity).sum())
        notional += float((margin[hit] * lev[hit]).sum())
        open_ &= ~hit
    return rounds, int((~open_).sum()), notional, rq / rb, bad_debt


def make_book(n, seed=5):
    rng = np.random.default_rng(seed)
    side = np.where(rng.random(n) < 0.7, 1.0, -1.0)
    lev = rng.uniform(2, 50, n)
    margin = rng.uniform(1e3, 1e5, n)
    m = rng.uniform(0.004, 0.01, n)
    entry = 2000 * rng.uniform(0.99, 1.01, n)
    return side, lev, margin, m, entry


def prepared(side, lev, margin, m, entry):
    return side, lev, margin, m, entry, liquidation_price(side, lev, m, entry), margin * lev / entry


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("out")
    parser.add_argument("--positions", type=int, default=100_000)
    parser.add_argument("--paths", type=int, default=10_000)
    parser.add_argument("--mc-positions", type=int, default=10_000)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    if args.quick:
        args.positions, args.paths, args.mc_positions = 10_000, 200, 2_000
    side, lev, margin, m, entry = make_book(args.positions)
    np.stack([side, lev, margin, m, entry]).astype("<f8").tofile(os.path.join(args.out, "casc_book.f64"))
    longs = float((margin * lev / entry)[side > 0].sum())
    rb, rq, fee, shock = 10 * longs, 10 * longs * 2000, 0.003, -0.1
    book = prepared(side, lev, margin, m, entry)
    med, mn, reps, out = peers.timeit(lambda: cascade(book, rb, rq, fee, shock))
    rounds, closed, notional, final, debt = out
    print(f"peer cascade of {args.positions} positions: median {med * 1e3:.2f} ms, {rounds} rounds, "
          f"{closed} closed, final {final:.4f}, bad debt {debt:.2f}", file=sys.stderr)
    # The Monte Carlo: the first M positions, with a pool ten times their longs' size.
    mp = args.mc_positions
    small = prepared(*(c[:mp] for c in (side, lev, margin, m, entry)))
    mc_longs = float(small[6][small[0] > 0].sum())
    mc_rb, mc_rq = 10 * mc_longs, 10 * mc_longs * 2000
    sigma, t = 0.8, 1 / 365

    def monte_carlo():
        rng = np.random.default_rng(1)
        shocks = np.expm1(-0.5 * sigma * sigma * t + sigma * np.sqrt(t) * rng.standard_normal(args.paths))
        debts = np.array([cascade(small, mc_rb, mc_rq, fee, s)[4] for s in shocks])
        return float(debts.mean()), float((debts > 0).mean())

    mc_med, _, mc_reps, (mean_debt, p_debt) = peers.timeit(monte_carlo, warmup=0, min_reps=1, max_reps=3,
                                                           target_s=0)
    print(f"peer cascade Monte Carlo {args.paths} paths x {mp} positions: median {mc_med:.2f} s, "
          f"mean bad debt {mean_debt:.2f}, P(bad debt) {p_debt:.4f}", file=sys.stderr)
    with open(os.path.join(args.out, "casc_peers.json"), "w") as f:
        json.dump({"python": platform.python_version(), "versions": {"numpy": metadata.version("numpy")},
                   "positions": args.positions, "pool": {"baseReserve": rb, "quoteReserve": rq, "fee": fee},
                   "shock": shock,
                   "cascade": {"tool": "NumPy loop over rounds", "median_s": med, "reps": reps,
                               "rounds": rounds, "liquidatedPositions": closed,
                               "liquidatedNotional": notional, "finalPrice": final, "badDebt": debt},
                   "monteCarlo": {"tool": "NumPy loop over paths and rounds", "paths": args.paths,
                                  "positions": mp, "pool": {"baseReserve": mc_rb, "quoteReserve": mc_rq},
                                  "volatility": sigma, "horizonYears": t, "median_s": mc_med,
                                  "reps": mc_reps, "meanBadDebt": mean_debt,
                                  "badDebtProbability": p_debt}}, f, indent=1)


if __name__ == "__main__":
    main()
