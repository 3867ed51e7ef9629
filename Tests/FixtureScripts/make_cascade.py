#!/usr/bin/env python3
"""Reference liquidation cascades for RiskKernels' LiquidationCascade.

An independent, deliberately naive implementation of the mechanics in docs/liquidation.md
(no sorting: every round scans every open position), in Python floats (IEEE double):
the shock moves the constant-product pool to P(1+s) keeping k; each round closes every open
position whose liquidation price the mid has reached (long: price <= P_liq, short: price >=
P_liq), nets the closures into one swap (sale: R_q*D*(1-f)/(R_b+D*(1-f)); purchase:
R_q*D/((R_b-D)*(1-f))), prices them at the swap's average execution price, and counts negative
equity as bad debt. Writes Tests/RiskKernelsTests/Fixtures/leverage/cascade.json.
"""
import json
import math
import os

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "RiskKernelsTests", "Fixtures", "leverage")


def liquidation_price(p):
    L, m, e = p["leverage"], p["maintenanceMargin"], p["entryPrice"]
    if p["side"] == "long":
        return e * (1 - 1 / L) / (1 - m)
    return e * (1 + 1 / L) / (1 + m)


def cascade(book, shock):
    rb, rq, fee = book["pool"]["baseReserve"], book["pool"]["quoteReserve"], book["pool"]["fee"]
    p0 = rq / rb
    if shock != 0:  # a zero shock leaves the pool as it is
        k_root = math.sqrt(rb) * math.sqrt(rq)
        target = p0 * (1 + shock)
        rb, rq = k_root / math.sqrt(target), k_root * math.sqrt(target)
    shocked = rq / rb
    open_ = [True] * len(book["positions"])
    closing = [None] * len(book["positions"])
    rounds, notional, bad_debt, details = 0, 0.0, 0.0, []
    while True:
        price = rq / rb
        closed = [
            i for i, p in enumerate(book["positions"])
            if open_[i] and (
                (p["side"] == "long" and liquidation_price(p) >= price)
                or (p["side"] == "short" and liquidation_price(p) <= price))
        ]
        if not closed:
            break
        rounds += 1
        units = {i: book["positions"][i]["margin"] * book["positions"][i]["leverage"]
                 / book["positions"][i]["entryPrice"] for i in closed}
        net = sum(units[i] if book["positions"][i]["side"] == "long" else -units[i]
                  for i in closed)
        if net > 0:
            paid = rq * net * (1 - fee) / (rb + net * (1 - fee))
            rb, rq = rb + net, rq - paid
            execution = paid / net
        elif net < 0:
            d = -net
            assert d < rb
            cost = rq * d / ((rb - d) * (1 - fee))
            rb, rq = rb - d, rq + cost
            execution = cost / d
        else:
            execution = price
        round_debt = 0.0
        for i in closed:
            p = book["positions"][i]
            sign = 1 if p["side"] == "long" else -1
            equity = p["margin"] + sign * units[i] * (execution - p["entryPrice"])
            round_debt += max(0.0, -equity)
            notional += p["margin"] * p["leverage"]
            open_[i] = False
            closing[i] = rounds
        bad_debt += round_debt
        details.append({"price": price, "closed": len(closed), "netUnitsSold": net,
                        "executionPrice": execution, "priceAfter": rq / rb,
                        "badDebt": round_debt})
    final = rq / rb
    amplification = None if p0 == shocked else (p0 - final) / (p0 - shocked)
    return {"rounds": rounds, "liquidatedPositions": sum(1 for c in closing if c),
            "liquidatedNotional": notional, "shockedPrice": shocked, "finalPrice": final,
            "badDebt": bad_debt, "amplification": amplification, "closingRound": closing,
            "roundDetails": details}


def pos(side, leverage, margin, entry, m=0.005):
    return {"side": side, "leverage": leverage, "margin": margin, "maintenanceMargin": m,
            "entryPrice": entry}


POOL = {"baseReserve": 10000.0, "quoteReserve": 20000000.0, "fee": 0.0}
CASES = [
    ("two rounds: a 5% fall closes the 20x long, its sale the 10x long", POOL,
     [pos("long", 20, 100000, 2000), pos("long", 10, 200000, 2000), pos("long", 2, 500000, 2000)],
     -0.05),
    ("three rounds of longs, with a fee", dict(POOL, fee=0.003),
     [pos("long", 25, 20000, 2000), pos("long", 15, 40000, 2000), pos("long", 8, 60000, 2000),
      pos("long", 4, 50000, 2000)], -0.04),
    ("a short squeeze upward", dict(POOL, fee=0.003),
     [pos("short", 20, 100000, 2000), pos("short", 10, 150000, 2000),
      pos("short", 5, 100000, 2000)], 0.06),
    ("a position already underwater closes in round one at a zero shock", POOL,
     [pos("long", 10, 50000, 2400), pos("long", 50, 10000, 2000)], 0.0),
    ("longs and shorts netted in one round, bad debt on a deep gap",
     dict(POOL, fee=0.01),
     [pos("long", 100, 50000, 2000), pos("long", 50, 80000, 2000),
      pos("short", 20, 10000, 1500, 0.01), pos("long", 1, 10000, 2000)], -0.12),
    ("nothing liquidated", POOL, [pos("long", 5, 10000, 2000), pos("short", 5, 10000, 2000)],
     -0.02),
]


def main():
    cases = []
    for name, pool, positions, shock in CASES:
        book = {"pool": pool, "positions": positions}
        cases.append({"name": name, "book": book, "shock": shock,
                      "expected": cascade(book, shock)})
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, "cascade.json"), "w") as f:
        json.dump({"source": "Tests/FixtureScripts/make_cascade.py", "cases": cases}, f,
                  indent=1)
        f.write("\n")
    for c in cases:
        e = c["expected"]
        print(f'{c["name"]}: rounds {e["rounds"]}, closed {e["liquidatedPositions"]}, '
              f'final {e["finalPrice"]:.4f}, bad debt {e["badDebt"]:.2f}, amp {e["amplification"]}')


if __name__ == "__main__":
    main()
