"""Fixture for StambaughCovariance: a price file of four assets with three start dates, and the
maximum-likelihood mean and covariance of its daily log returns computed independently, by EM
(Dempster, Laird & Rubin 1977) on the multivariate normal likelihood with the missing returns,
run to convergence. For a monotone pattern the likelihood's maximum is Anderson's (1957) closed
form, which Stambaugh (1997) applies to staggered histories; the script checks its own closed
form against the EM solution as well. Writes
Tests/RiskKernelsTests/Fixtures/covariance/stambaugh_three_starts.json,
Tests/RiskReportTests/Fixtures/stambaugh_three_starts.csv (the same prices as a price file) and
Tests/RiskReportTests/Fixtures/stambaugh_three_starts_expected.json (the expected estimate).
"""
import json
import os
import datetime

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
rng = np.random.default_rng(20261205)
n_prices = 401
starts = {"LONG1": 0, "LONG2": 0, "MID": 120, "SHORT": 260}  # first price row of each asset
assets = list(starts)
d = len(assets)
vol = np.array([0.02, 0.025, 0.03, 0.04])
corr = np.array([[1, 0.6, 0.4, 0.3], [0.6, 1, 0.5, 0.2], [0.4, 0.5, 1, 0.45], [0.3, 0.2, 0.45, 1]])
cov = corr * np.outer(vol, vol)
drift = np.array([0.0004, 0.0002, 0.0006, -0.0003])
z = rng.multivariate_normal(drift, cov, size=n_prices - 1)
log_prices = np.vstack([np.log([100.0, 40.0, 10.0, 2.5]), z]).cumsum(axis=0)
prices = np.exp(log_prices)
for j, a in enumerate(assets):
    prices[: starts[a], j] = np.nan

# Log returns: an asset's first return is from its first price to the next.
returns = np.diff(np.log(prices), axis=0)  # NaN where either price is missing
first = [starts[a] for a in assets]  # first return row = first price row

# EM over the rows from the earliest return on.
X = returns
mask = ~np.isnan(X)
mu = np.nanmean(X, axis=0)
sigma = np.diag(np.nanvar(X, axis=0))
for iteration in range(200000):
    xhat = np.where(mask, X, 0.0)
    extra = np.zeros((d, d))
    for t in range(X.shape[0]):
        o = mask[t]
        m = ~o
        if not m.any():
            continue
        so = sigma[np.ix_(o, o)]
        smo = sigma[np.ix_(m, o)]
        k = np.linalg.solve(so, smo.T).T
        xhat[t, m] = mu[m] + k @ (X[t, o] - mu[o])
        extra[np.ix_(m, m)] += sigma[np.ix_(m, m)] - k @ smo.T
    new_mu = xhat.mean(axis=0)
    c = xhat - new_mu
    new_sigma = (c.T @ c + extra) / X.shape[0]
    change = max(np.abs(new_mu - mu).max(), np.abs(new_sigma - sigma).max())
    mu, sigma = new_mu, new_sigma
    if change < 1e-17:
        break
print("EM iterations:", iteration + 1, "last change", change)

# Anderson's closed form, block by block (the formulas of the Swift code, written separately).
order = []
m_ml = np.zeros(0)
s_ml = np.zeros((0, 0))
for start in sorted(set(first)):
    block = [j for j in range(d) if first[j] == start]
    rows = X[start:]
    if not order:
        m_ml = rows[:, block].mean(axis=0)
        cc = rows[:, block] - m_ml
        s_ml = cc.T @ cc / len(rows)
        order = block
        continue
    L, S = rows[:, order], rows[:, block]
    mL, mS = L.mean(axis=0), S.mean(axis=0)
    cL, cS = L - mL, S - mS
    n = len(rows)
    Cll, Csl, Css = cL.T @ cL / n, cS.T @ cL / n, cS.T @ cS / n
    B = Csl @ np.linalg.inv(Cll)
    e = Css - B @ Csl.T
    muS = mS + B @ (m_ml - mL)
    Ssl = B @ s_ml
    Sss = e + B @ s_ml @ B.T
    m_ml = np.concatenate([m_ml, muS])
    s_ml = np.block([[s_ml, Ssl.T], [Ssl, Sss]])
    order = order + block
inverse = np.argsort(order)
closed_mu = m_ml[inverse]
closed_sigma = s_ml[np.ix_(inverse, inverse)]
gap = max(np.abs(closed_mu - mu).max(), np.abs(closed_sigma - sigma).max())
print("closed form vs EM:", gap)
assert gap < 1e-12, gap

# Dropping incomplete rows instead: what the complete-case sample (1/n) gives.
complete = X[~np.isnan(X).any(axis=1)]
cc = complete - complete.mean(axis=0)

day = datetime.date(2023, 1, 2)  # a Monday; every day, weekends included (crypto-like)
dates = [(day + datetime.timedelta(days=i)).isoformat() for i in range(n_prices)]
fixture = {
    "description": "Four assets, starts at price rows 0, 0, 120, 260 of 401; log returns; "
    "expected = the EM maximum-likelihood solution (closed form agrees to %.1e)" % gap,
    "inputs": {
        "assets": assets,
        "returns": [[None if np.isnan(v) else float(v) for v in row] for row in X],
    },
    "expected": {
        "mean": [float(v) for v in mu],
        "covariance": [[float(v) for v in row] for row in sigma],
        "firstRows": first,
        "observations": [int(X.shape[0] - f) for f in first],
        "completeCaseCovariance": [[float(v) for v in row] for row in cc.T @ cc / len(complete)],
    },
}
with open(os.path.join(HERE, "../RiskKernelsTests/Fixtures/covariance/stambaugh_three_starts.json"), "w") as f:
    json.dump(fixture, f, indent=1)
os.makedirs(os.path.join(HERE, "../RiskReportTests/Fixtures"), exist_ok=True)
# The command-line tests read the prices as a file and compare with the expected estimate.
with open(os.path.join(HERE, "../RiskReportTests/Fixtures/stambaugh_three_starts_expected.json"), "w") as f:
    json.dump({"expected": {k: fixture["expected"][k] for k in ("covariance", "observations")}}, f, indent=1)
with open(os.path.join(HERE, "../RiskReportTests/Fixtures/stambaugh_three_starts.csv"), "w") as f:
    f.write("date," + ",".join(assets) + "\n")
    for t in range(n_prices):
        cells = ["" if np.isnan(v) else repr(float(v)) for v in prices[t]]
        f.write(dates[t] + "," + ",".join(cells) + "\n")
