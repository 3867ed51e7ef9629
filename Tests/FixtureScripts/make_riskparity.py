#!/usr/bin/env python3
"""Reference values for RiskKernels' risk-budgeting solver and cost-aware rebalance.

Independent of the Swift algorithms (Newton on Spinu's problem, active-set Newton for caps):
  - risk budgeting: MINPACK's hybrid Powell method (scipy.optimize.root, 'hybr') on the
    conditions x_i (Sigma x)_i = b_i, then w = x / sum(x);
  - capped risk budgeting (Richard & Roncalli): the capped set from a bounded L-BFGS-B solve of
    min 1/2 x'Sx - lam sum b_i ln x_i, 0 < x <= u, with lam found by brentq so that sum(x) = 1,
    then 'hybr' on the free set's conditions w_i (Sigma w)_i = lam b_i, sum(w) = 1 to full
    precision;
  - cost-aware rebalance: CVXPY with Clarabel on min sqrt(w'Sw) - lam mu'w + sum c_i|w_i - w0_i|,
    sum(w) = 1, 0 <= w <= u.
Everything in float64. Writes Tests/RiskKernelsTests/Fixtures/riskparity/<case>.json.
"""
import json
import os
from importlib import metadata

import numpy as np
from scipy.optimize import brentq, minimize, root

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
OUT = os.path.join(ROOT, "Tests", "RiskKernelsTests", "Fixtures", "riskparity")
SCRIPT = "Tests/FixtureScripts/make_riskparity.py"
PEERS = {p: metadata.version(p) for p in ("numpy", "scipy", "cvxpy", "clarabel")}


def factor_covariance(d, seed, k=4):
    rng = np.random.default_rng(seed)
    b = rng.normal(0.8, 0.4, size=(d, k)) / np.sqrt(k) * 0.2
    psi = rng.uniform(0.01, 0.06, size=d)
    return b @ b.T + np.diag(psi)


def risk_budgeting(sigma, budgets):
    active = budgets > 0
    s, b = sigma[np.ix_(active, active)], budgets[active]
    x0 = np.sqrt(b / np.diag(s))
    x0 /= np.sqrt(x0 @ s @ x0)
    sol = root(lambda x: x * (s @ x) - b, x0, method="hybr", tol=1e-14)
    assert np.max(np.abs(sol.x * (s @ sol.x) - b)) < 1e-15, sol.message
    w = np.zeros_like(budgets)
    w[active] = sol.x / sol.x.sum()
    return w


def capped_risk_budgeting(sigma, budgets, caps):
    d = len(budgets)

    def inner(lam):
        f = lambda x: 0.5 * x @ sigma @ x - lam * budgets @ np.log(x)
        g = lambda x: sigma @ x - lam * budgets / x
        x0 = np.minimum(np.full(d, 1.0 / d), caps * 0.99)
        r = minimize(f, x0, jac=g, method="L-BFGS-B", bounds=[(1e-12, u) for u in caps],
                     options=dict(ftol=1e-16, gtol=1e-12, maxiter=10000))
        return r.x

    lam = brentq(lambda lam: inner(lam).sum() - 1.0, 1e-6, 1e3, xtol=1e-14)
    x = inner(lam)
    capped = x >= caps * (1 - 1e-6)
    free = ~capped

    def conditions(z):
        w = caps.copy()
        w[free] = z[:-1]
        return np.concatenate([w[free] * (sigma @ w)[free] - z[-1] * budgets[free], [w.sum() - 1]])

    sol = root(conditions, np.concatenate([x[free], [lam]]), method="hybr", tol=1e-14)
    assert np.max(np.abs(conditions(sol.x))) < 1e-15, sol.message
    w = caps.copy()
    w[free] = sol.x[:-1]
    return w, np.flatnonzero(capped).tolist()


def rebalance(sigma, mu, lam, costs, w0, caps):
    import cvxpy as cp
    d = len(w0)
    w = cp.Variable(d)
    chol = np.linalg.cholesky(sigma)
    objective = cp.norm(chol.T @ w) - lam * mu @ w + costs @ cp.abs(w - w0)
    problem = cp.Problem(cp.Minimize(objective), [cp.sum(w) == 1, w >= 0, w <= caps])
    problem.solve(solver=cp.CLARABEL, tol_gap_abs=1e-10, tol_gap_rel=1e-10, tol_feas=1e-10)
    return np.asarray(w.value), float(problem.value)


def write(name, description, inputs, expected):
    os.makedirs(OUT, exist_ok=True)
    doc = dict(description=description, script=SCRIPT, peers=PEERS,
               inputs={k: np.asarray(v).tolist() for k, v in inputs.items()},
               expected={k: (np.asarray(v).tolist() if not isinstance(v, (int, float, list)) else v)
                         for k, v in expected.items()})
    with open(os.path.join(OUT, f"{name}.json"), "w") as f:
        json.dump(doc, f, indent=1)


def main():
    rng = np.random.default_rng(2013)
    sigma = factor_covariance(30, seed=30)
    equal = np.full(30, 1 / 30)
    budgets = rng.dirichlet(np.full(30, 2.0))
    zero = budgets.copy()
    zero[[3, 17]] = 0
    zero /= zero.sum()
    write("factor_d30", "4-factor covariance, d = 30: equal, Dirichlet and partly zero budgets",
          dict(covariance=sigma, equalBudgets=equal, budgets=budgets, zeroBudgets=zero),
          dict(equal=risk_budgeting(sigma, equal), budgeted=risk_budgeting(sigma, budgets),
               zeroBudgeted=risk_budgeting(sigma, zero)))

    caps = np.full(30, 0.045)
    caps[:10] = 0.02
    w_capped, capped = capped_risk_budgeting(sigma, equal, caps)
    write("capped_d30", "Same covariance, equal budgets, caps 2% on the first 10 assets and 4.5% on the rest",
          dict(covariance=sigma, budgets=equal, caps=caps),
          dict(weights=w_capped, capped=capped))

    sigma8 = factor_covariance(8, seed=8)
    mu = rng.normal(0.05, 0.03, size=8)
    w0 = rng.dirichlet(np.full(8, 3.0))
    costs = np.full(8, 0.002)
    caps8 = np.full(8, 0.3)
    cases = {}
    for label, lam, c in [("costly", 0.5, costs), ("free", 0.0, np.zeros(8)), ("expensive", 0.5, costs * 10)]:
        w, value = rebalance(sigma8, mu, lam, c, w0, caps8)
        cases[label] = dict(riskAversion=lam, costs=c.tolist(), weights=w.tolist(), objective=value)
    write("rebalance_d8", "Cost-aware rebalance on a 4-factor covariance, d = 8, caps 30%",
          dict(covariance=sigma8, expectedReturns=mu, currentWeights=w0, caps=caps8),
          dict(cases=cases))


if __name__ == "__main__":
    main()
