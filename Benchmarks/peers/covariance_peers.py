#!/usr/bin/env python3
"""Times the Python peers of RiskKernels' covariance kernels and writes the shared inputs.

For each d it generates T x d daily returns from a seeded 5-factor model, writes them as raw
float64 column-major (so the Swift benchmark times the same numbers), times the peers, and
writes a JSON of medians plus checksums of the peers' results (the Swift side checks it computed
the same thing). BLAS threads: OPENBLAS_NUM_THREADS, set by the caller before NumPy loads.

usage: covariance_peers.py OUTDIR --rows 2520 --sizes 100,500,1000 [--quick]
"""
import argparse
import json
import os
import platform
import time
from importlib import metadata

import numpy as np
from sklearn.covariance import LedoitWolf


def returns(t, d, seed):
    rng = np.random.default_rng(seed)
    factors = rng.standard_normal((t, 5)) * 0.01
    loadings = rng.normal(0.8, 0.4, size=(d, 5)) / np.sqrt(5)
    noise = rng.standard_normal((t, d)) * rng.uniform(0.005, 0.02, size=d)
    return factors @ loadings.T + noise


def timed(fn, min_reps, min_seconds, max_reps):
    fn()
    fn()
    times = []
    start = time.perf_counter()
    out = None
    while len(times) < max_reps and (len(times) < min_reps or time.perf_counter() - start < min_seconds):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    times.sort()
    return {"median": times[len(times) // 2], "p90": times[min(len(times) - 1, int(0.9 * len(times)))],
            "reps": len(times)}, out


def ewma_sqrt_weighted(x, decay=0.94):
    n = x.shape[0]
    w = decay ** np.arange(n - 1, -1, -1, dtype=float)
    w /= w.sum()
    xs = x * np.sqrt(w)[:, None]
    return xs.T @ xs


def ewma_weighted(x, decay=0.94):
    n = x.shape[0]
    w = decay ** np.arange(n - 1, -1, -1, dtype=float)
    w /= w.sum()
    return x.T @ (w[:, None] * x)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("outdir")
    ap.add_argument("--rows", type=int, default=2520)
    ap.add_argument("--sizes", default="100,500,1000")
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args()
    os.makedirs(args.outdir, exist_ok=True)
    reps = dict(min_reps=3, min_seconds=0.3, max_reps=10) if args.quick else dict(min_reps=7, min_seconds=1.5, max_reps=40)
    rows = []
    for d in [int(s) for s in args.sizes.split(",")]:
        x = returns(args.rows, d, seed=1000 + d)
        np.asfortranarray(x).T.astype("<f8").tofile(os.path.join(args.outdir, f"returns_{args.rows}x{d}.f64"))
        cases = {
            "sample": ("numpy.cov(X, rowvar=False)", lambda: np.cov(x, rowvar=False)),
            "ewma": ("numpy weighted X'WX, w as a vector", lambda: ewma_weighted(x)),
            "ewma-sqrt": ("numpy sqrt(w)-scaled Xs'Xs", lambda: ewma_sqrt_weighted(x)),
            "ledoit-wolf": ("sklearn LedoitWolf(store_precision=False).fit",
                            lambda: LedoitWolf(store_precision=False).fit(x)),
            "ledoit-wolf-default": ("sklearn LedoitWolf().fit", lambda: LedoitWolf().fit(x)),
        }
        for name, (peer, fn) in cases.items():
            timing, out = timed(fn, **reps)
            cov = out.covariance_ if hasattr(out, "covariance_") else out
            rows.append({"kernel": name, "rows": args.rows, "assets": d, "peer": peer,
                         "checksum": float(np.sum(cov)), **timing})
            print(f"peer {name:<20} d={d:<5} {peer:<48} median {timing['median'] * 1e3:9.3f} ms", flush=True)
        if d == 500:
            s = np.cov(x, rowvar=False)
            timing, _ = timed(lambda: np.linalg.cholesky(s), **reps)
            rows.append({"kernel": "cholesky-refactor", "rows": args.rows, "assets": d,
                         "peer": "numpy.linalg.cholesky", "checksum": 0.0, **timing})
            print(f"peer cholesky-refactor  d={d:<5} numpy.linalg.cholesky  median {timing['median'] * 1e3:9.3f} ms")
    doc = {"python": platform.python_version(),
           "versions": {p: metadata.version(p) for p in ("numpy", "scipy", "scikit-learn")},
           "blasThreads": os.environ.get("OPENBLAS_NUM_THREADS", "default"), "results": rows}
    with open(os.path.join(args.outdir, "peers.json"), "w") as f:
        json.dump(doc, f, indent=1)


if __name__ == "__main__":
    main()
