"""RiskKernels' peer harness: the Python a quant would otherwise use, timed the same way.

Imported by the *_peers.py scripts beside it (Benchmarks/run-*.sh). Every measurement: inputs
from a fixed seed, float64, warm-up run(s), then repeated runs; the median (and min) wall time
is reported. BLAS threads stay at the library default unless a row says threads=1.
"""
import gc
import math
import time

import numpy as np

RESULTS = []
QUICK = False
THREADS = None  # None: library default; else the limit the caller set for everything
T_COV = 2520  # rows of the synthetic return histories (ten years of trading days)


def timeit(fn, warmup=1, min_reps=3, max_reps=15, target_s=1.5):
    """Run fn warmup times, then repeat until min_reps done and target_s spent (or max_reps)."""
    out = None
    for _ in range(warmup):
        out = fn()
    gc.collect()
    times = []
    start = time.perf_counter()
    while True:
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
        n = len(times)
        if n >= max_reps or (n >= min_reps and time.perf_counter() - start >= target_s):
            break
    return float(np.median(times)), float(np.min(times)), len(times), out


def record(section, kernel, size, tool, med, mn, reps, work=None, unit=None, threads=None, **extra):
    row = dict(section=section, kernel=kernel, size=size, tool=tool, median_s=med, min_s=mn,
               reps=reps, threads=threads if threads is not None else (THREADS or "default"))
    if work is not None:
        row["throughput"] = work / med
        row["throughput_unit"] = unit
    row.update(extra)
    RESULTS.append(row)
    tp = f"{row['throughput']:.4g} {unit}" if work is not None else ""
    ex = " ".join(f"{k}={v:.3g}" if isinstance(v, float) else f"{k}={v}" for k, v in extra.items())
    print(f"[{section}] {kernel:<38} {size:<26} {tool:<34} med {med:.4g}s min {mn:.4g}s "
          f"(n={reps}) {tp} {ex}", flush=True)


def factor_returns(T, d, k=5, seed=20240601):
    """Daily returns from a k-factor model: R = F B' + E (so covariances are realistic)."""
    rng = np.random.default_rng(seed)
    F = rng.standard_normal((T, k)) * 0.01
    B = rng.normal(0.8, 0.4, size=(d, k)) / math.sqrt(k)
    E = rng.standard_normal((T, d)) * rng.uniform(0.005, 0.02, size=d)
    return F @ B.T + E


def corr_chol(d, rho=0.3):
    C = np.full((d, d), rho)
    np.fill_diagonal(C, 1.0)
    return np.linalg.cholesky(C)


def gbm_vectorised(L, S0, mu, sigma, dt, steps, paths, seed):
    """The natural fully vectorised numpy version: all normals at once, shape (steps, paths, d)."""
    rng = np.random.default_rng(seed)
    d = L.shape[0]
    Z = rng.standard_normal((steps, paths, d))
    X = Z @ L.T                      # correlate
    del Z
    X *= sigma * math.sqrt(dt)
    X += (mu - 0.5 * sigma ** 2) * dt
    np.cumsum(X, axis=0, out=X)      # cumulative log-returns
    np.exp(X, out=X)
    X *= S0                          # price paths
    terminal = X[-1].copy()
    runmin = np.minimum(X.min(axis=0), S0)
    return terminal, runmin


def gbm_steploop(L, S0, mu, sigma, dt, steps, paths, seed):
    """Memory-light alternative: loop over time steps, keep log-price and running min."""
    rng = np.random.default_rng(seed)
    d = L.shape[0]
    LT = L.T * (sigma * math.sqrt(dt))
    drift = (mu - 0.5 * sigma ** 2) * dt
    x = np.zeros((paths, d))
    m = np.zeros((paths, d))
    for _ in range(steps):
        x += rng.standard_normal((paths, d)) @ LT
        x += drift
        np.minimum(m, x, out=m)
    return S0 * np.exp(x), S0 * np.exp(m)


def bench_mc_gbm():
    S0, mu, sig = 100.0, 0.05, 0.2
    cases = [(10, 100_000, 252), (100, 10_000, 10), (500, 100_000, 1)]
    if QUICK:
        cases = [(10, 20_000, 252), (100, 10_000, 10), (500, 20_000, 1)]
    # raw RNG and exp rates of numpy for reference
    rng = np.random.default_rng(1)
    med, mn, n, _ = timeit(lambda: rng.standard_normal(10_000_000))
    record("e", "numpy_rng_standard_normal", "1e7", f"numpy {np.__version__} default_rng(PCG64)",
           med, mn, n, 10.0, "M normals/s", threads=1)
    buf = np.empty(10_000_000)
    med, mn, n, _ = timeit(lambda: rng.standard_normal(out=buf))
    record("e", "numpy_rng_standard_normal_out", "1e7", f"numpy {np.__version__} default_rng(PCG64)",
           med, mn, n, 10.0, "M normals/s", threads=1)
    x = rng.uniform(-2, 2, 10_000_000)
    med, mn, n, _ = timeit(lambda: np.exp(x, out=buf))
    record("e", "numpy_exp", "1e7", f"numpy {np.__version__}", med, mn, n, 10.0, "M exp/s", threads=1)

    for d, paths, steps in cases:
        L = corr_chol(d)
        sigma = np.full(d, sig)
        dt = 1.0 / 252
        nn = d * paths * steps
        size = f"d={d},paths={paths},steps={steps}"
        big = nn >= 1e8
        med, mn, n, (term, rmin) = timeit(
            lambda: gbm_vectorised(L, S0, mu, sigma, dt, steps, paths, 42),
            warmup=0 if big else 1, min_reps=3, max_reps=3 if big else 10)
        exp_term = S0 * math.exp(mu * steps * dt)
        record("e", "mc_gbm_terminal+runmin", size, f"numpy {np.__version__} vectorised (steps,paths,d)",
               med, mn, n, nn / 1e6, "M normals/s", per_path_us=med / paths * 1e6,
               mean_terminal=float(term.mean()), expected_terminal=exp_term,
               mean_runmin=float(rmin.mean()), peak_array_GB=nn * 8 / 1e9)
        med, mn, n, (term, rmin) = timeit(
            lambda: gbm_steploop(L, S0, mu, sigma, dt, steps, paths, 42),
            warmup=0 if big else 1, min_reps=3, max_reps=3 if big else 10)
        record("e", "mc_gbm_terminal+runmin", size, f"numpy {np.__version__} step loop (paths,d)",
               med, mn, n, nn / 1e6, "M normals/s", per_path_us=med / paths * 1e6,
               mean_terminal=float(term.mean()), expected_terminal=exp_term,
               mean_runmin=float(rmin.mean()))
    bench_quantlib_mc()


def bench_quantlib_mc():
    try:
        import QuantLib as ql
    except Exception as e:
        RESULTS.append(dict(section="e", kernel="mc_gbm", tool="QuantLib", error=repr(e)))
        return
    d, steps, T = 10, 252, 1.0
    procs = [ql.GeometricBrownianMotionProcess(100.0, 0.05, 0.2) for _ in range(d)]
    C = ql.Matrix(d, d)
    for i in range(d):
        for j in range(d):
            C[i][j] = 1.0 if i == j else 0.3
    arr = ql.StochasticProcessArray(procs, C)
    grid = ql.TimeGrid(T, steps)

    def make_gen():
        urng = ql.UniformRandomSequenceGenerator(d * steps, ql.UniformRandomGenerator(42))
        rsg = ql.GaussianRandomSequenceGenerator(urng)
        return ql.GaussianMultiPathGenerator(arr, list(grid), rsg, False)

    qv = f"QuantLib {ql.__version__} MultiPathGenerator"
    paths = 2000 if QUICK else 10_000

    def gen_only():
        g = make_gen()
        for _ in range(paths):
            g.next()
        return None

    def gen_terminal():
        g = make_gen()
        out = np.empty((paths, d))
        for k in range(paths):
            mp = g.next().value()
            for i in range(d):
                out[k, i] = mp[i].back()
        return out

    med, mn, n, _ = timeit(gen_only, warmup=0, min_reps=3, max_reps=3)
    record("e", "mc_gbm_paths_only", f"d={d},paths={paths},steps={steps}", qv, med, mn, n,
           d * steps * paths / 1e6, "M normals/s", per_path_us=med / paths * 1e6)
    med, mn, n, term = timeit(gen_terminal, warmup=0, min_reps=3, max_reps=3)
    record("e", "mc_gbm_terminal", f"d={d},paths={paths},steps={steps}", qv + " + Path.back()",
           med, mn, n, d * steps * paths / 1e6, "M normals/s", per_path_us=med / paths * 1e6,
           mean_terminal=float(term.mean()))
    paths_min = 500

    def gen_term_min():
        g = make_gen()
        out = np.empty((paths_min, d))
        mins = np.empty((paths_min, d))
        for k in range(paths_min):
            mp = g.next().value()
            for i in range(d):
                p = mp[i]
                out[k, i] = p.back()
                mins[k, i] = min(p)
        return out, mins

    med, mn, n, _ = timeit(gen_term_min, warmup=0, min_reps=3, max_reps=3)
    record("e", "mc_gbm_terminal+runmin", f"d={d},paths={paths_min},steps={steps}",
           qv + " + python min(Path)", med, mn, n, d * steps * paths_min / 1e6, "M normals/s",
           per_path_us=med / paths_min * 1e6)


def spinu_newton(Sigma, b, tol=1e-12, maxiter=100):
    """Spinu (2013): min 0.5 x'Sx - sum b_i log x_i via damped Newton; w = x / sum(x)."""
    x = b / math.sqrt(b @ Sigma @ b)
    lam_thr = 0.95 * (3 - math.sqrt(5)) / 2
    for it in range(1, maxiter + 1):
        Sx = Sigma @ x
        g = Sx - b / x
        H = Sigma + np.diag(b / (x * x))
        dx = np.linalg.solve(H, g)  # plain numpy: LU solve (numpy has no cho_solve)
        lam = math.sqrt(g @ dx)  # Newton decrement
        if lam > lam_thr:
            x = x - dx / (1.0 + lam)
        else:
            x = x - dx
        if lam < tol:
            break
    return x / x.sum(), it


def spinu_newton_scipy(Sigma, b, tol=1e-12, maxiter=100):
    import scipy.linalg as sla
    x = b / math.sqrt(b @ Sigma @ b)
    lam_thr = 0.95 * (3 - math.sqrt(5)) / 2
    for it in range(1, maxiter + 1):
        g = Sigma @ x - b / x
        H = Sigma + np.diag(b / (x * x))
        dx = sla.cho_solve(sla.cho_factor(H, lower=True, check_finite=False), g, check_finite=False)
        lam = math.sqrt(g @ dx)
        x = x - dx / (1.0 + lam) if lam > lam_thr else x - dx
        if lam < tol:
            break
    return x / x.sum(), it
