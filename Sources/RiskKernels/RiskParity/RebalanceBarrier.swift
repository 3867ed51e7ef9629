internal import RealModule

/// The barrier method behind `CostAwareRebalance`, in `Double`: purchases `p` and sales `n` in
/// boxes, `w = w0 + p − n`, Newton's method on `t·f(p, n) − Σ log(slacks)` with `Σw = 1` kept
/// exactly, `t` raised twentyfold per stage until `m/t` (plus what inexact centring adds) is at
/// most the tolerance.
struct RebalanceBarrier {
  let sigma: Matrix<Double>
  let w0: [Double]
  let mu: [Double]
  let lambda: Double
  let costs: [Double]
  let caps: [Double]
  let tolerance: Double
  let maxIterations: Int

  struct Result {
    var weights: [Double]
    var cost: Double
    var objective: Double
    var volatility: Double
    var iterations: Int
    var factorisations: Int
    var gap: Double
  }

  /// A box `[low, high]` for one purchase or sale; fixed when it has no width.
  struct Box {
    let low: Double
    let high: Double
    var isFree: Bool { high > low }
  }

  mutating func solve() throws(RiskKernelsError) -> Result {
    let d = w0.count
    let capSum = caps.reduce(0, +)
    if capSum <= 1 + 1e-12 {
      // The caps sum to 1: w = u is the only feasible point.
      return try result(caps, iterations: 0, factorisations: 0, gap: 0)
    }
    // A costless asset trades through one variable v = w − w0 ∈ [−w0, u − w0] (split, its two
    // halves would drift apart along a direction nothing but the barrier holds, and the Newton
    // system would lose every digit to cancellation as t grows).
    let buy = (0..<d).map {
      costs[$0] == 0
        ? Box(low: -w0[$0], high: caps[$0] - w0[$0])
        : Box(low: 0, high: Swift.max(0, caps[$0] - w0[$0]))
    }
    let sell = (0..<d).map {
      costs[$0] == 0
        ? Box(low: 0, high: 0) : Box(low: Swift.max(0, w0[$0] - caps[$0]), high: w0[$0])
    }
    let assets = (0..<d).filter { buy[$0].isFree || sell[$0].isFree }
    let bounds = 2 * assets.reduce(0) { $0 + (buy[$1].isFree ? 1 : 0) + (sell[$1].isFree ? 1 : 0) }

    // Strictly feasible start: w = u/Σu, each trade split with equal slack on both sides.
    var p = [Double](repeating: 0, count: d)
    var n = p
    for i in 0..<d {
      let target = caps[i] / capSum
      let change = target - w0[i]
      switch (buy[i].isFree, sell[i].isFree) {
      case (true, true):
        let slack =
          0.5 * Swift.min(buy[i].high - Swift.max(change, 0), sell[i].high - Swift.max(-change, 0))
        p[i] = Swift.max(change, 0) + slack
        n[i] = Swift.max(-change, 0) + slack
      case (true, false): p[i] = change
      case (false, true): n[i] = -change
      case (false, false): n[i] = sell[i].low - buy[i].low
      }
    }
    var t = 1.0
    var iterations = 0
    var factorisations = 0
    var centringSlack = 0.0
    var y = [Double](repeating: 0, count: d)
    while true {
      // Centering: Newton's method on φ_t from the previous centre.
      while true {
        let w = weights(p, n)
        let (value, volatility) = try barrierValue(w, p, n, t, buy, sell, &y)
        guard value.isFinite else {
          throw .noConvergence(iterations: iterations, residual: .nan, tolerance: tolerance)
        }
        var g = [Double](repeating: 0, count: d)
        for i in 0..<d { g[i] = y[i] / volatility - lambda * mu[i] }
        // Reduced system (t·G_AA + diag(E)) Δw + ν1 = rhs, 1ᵀΔw = 0 (see CostAwareRebalance).
        let m = assets.count
        var k = try Matrix<Double>(rows: m, columns: m)
        var rhs = try Matrix<Double>(rows: m, columns: 2)
        var rp = [Double](repeating: 0, count: d)
        var rn = rp
        var dp = rp
        var dn = rp
        for (a, i) in assets.enumerated() {
          for (b, j) in assets.enumerated() where b >= a {
            k.storage[b + a * m] =
              t * (sigma.storage[j + i * d] - y[i] * y[j] / (volatility * volatility)) / volatility
          }
          if buy[i].isFree {
            let (lo, hi) = (p[i] - buy[i].low, buy[i].high - p[i])
            rp[i] = t * (g[i] + costs[i]) - 1 / lo + 1 / hi
            dp[i] = 1 / (lo * lo) + 1 / (hi * hi)
          }
          if sell[i].isFree {
            let (lo, hi) = (n[i] - sell[i].low, sell[i].high - n[i])
            rn[i] = t * (-g[i] + costs[i]) - 1 / lo + 1 / hi
            dn[i] = 1 / (lo * lo) + 1 / (hi * hi)
          }
          let (e, r): (Double, Double) =
            switch (buy[i].isFree, sell[i].isFree) {
            case (true, true):
              (dp[i] * dn[i] / (dp[i] + dn[i]), (dp[i] * rn[i] - dn[i] * rp[i]) / (dp[i] + dn[i]))
            case (true, false): (dp[i], -rp[i])
            default: (dn[i], rn[i])
            }
          k.storage[a + a * m] += e
          rhs.storage[a] = r
          rhs.storage[a + m] = 1
        }
        // σ_p is homogeneous, so G·w = 0: t·G + E is as ill-conditioned as t is large along w.
        // Adding ρ·11ᵀ changes nothing on the feasible steps (1ᵀΔw = 0) and lifts that
        // direction (1ᵀw = 1), keeping the factorisation accurate at the t a small gap needs.
        var shift = 0.0
        for a in 0..<m { shift = Swift.max(shift, k.storage[a + a * m]) }
        for a in 0..<m { for b in a..<m { k.storage[b + a * m] += shift } }
        if let minor = try Double._potrf(&k, .lower) {
          throw .notPositiveDefinite(failingMinor: assets[minor - 1] + 1)
        }
        try Double._potrs(k, .lower, &rhs)
        factorisations += 1
        var sumA = 0.0
        var sumB = 0.0
        for a in 0..<m {
          sumA += rhs.storage[a]
          sumB += rhs.storage[a + m]
        }
        let nu = sumA / sumB
        var stepP = [Double](repeating: 0, count: d)
        var stepN = stepP
        var decrementSquared = 0.0
        var stepW = [Double](repeating: 0, count: m)
        for (a, i) in assets.enumerated() {
          let dw = rhs.storage[a] - nu * rhs.storage[a + m]
          stepW[a] = dw
          switch (buy[i].isFree, sell[i].isFree) {
          case (true, true):
            stepP[i] = (dn[i] * dw - (rp[i] + rn[i])) / (dp[i] + dn[i])
            stepN[i] = stepP[i] - dw
          case (true, false): stepP[i] = dw
          default: stepN[i] = -dw
          }
          decrementSquared += dp[i] * stepP[i] * stepP[i] + dn[i] * stepN[i] * stepN[i]
        }
        // λ² = ΔᵀHΔ = t·ΔwᵀGΔw + Σ D Δ²: a sum of non-negative terms, free of the cancellation
        // in −∇φᵀΔ.
        for (a, i) in assets.enumerated() {
          var row = 0.0
          for (b, j) in assets.enumerated() {
            row += (sigma.storage[j + i * d] - y[i] * y[j] / (volatility * volatility)) * stepW[b]
          }
          decrementSquared += t * stepW[a] * row / volatility
        }
        // Centred enough: the inexact centre adds at most λ²/(2t) ≤ tolerance/100 to the gap
        // (φ_t is t·f in f's units), and the criterion stays above φ_t's rounding as t grows.
        if decrementSquared / 2 <= 0.01 * tolerance * t {
          centringSlack = decrementSquared / (2 * t)
          break
        }
        iterations += 1
        guard iterations <= maxIterations else {
          throw .noConvergence(
            iterations: maxIterations, residual: Double(bounds) / t, tolerance: tolerance)
        }
        // Longest step inside the boxes (99% of the way), then backtracking (Armijo, ¼).
        var alpha = 1.0
        for i in assets {
          alpha = Swift.min(
            alpha, Self.room(p[i], stepP[i], buy[i]), Self.room(n[i], stepN[i], sell[i]))
        }
        // Inside the region of quadratic convergence (λ² < 0.1, below (3−√5)/2 for this
        // self-concordant barrier) the step is taken unchecked: at large t the decrease is lost
        // in the rounding of φ_t.
        var accepted = false
        for _ in 0..<60 {
          let candidateP = zip(p, stepP).map { $0 + alpha * $1 }
          let candidateN = zip(n, stepN).map { $0 + alpha * $1 }
          let (candidate, _) = try barrierValue(
            weights(candidateP, candidateN), candidateP, candidateN, t, buy, sell, &y)
          if candidate.isFinite
            && (decrementSquared < 0.1 || candidate <= value - 0.25 * alpha * decrementSquared)
          {
            p = candidateP
            n = candidateN
            accepted = true
            break
          }
          alpha /= 2
        }
        guard accepted else {
          throw .noConvergence(
            iterations: iterations, residual: Double(bounds) / t, tolerance: tolerance)
        }
      }
      let gap = Double(bounds) / t + centringSlack
      if gap <= tolerance || bounds == 0 {
        return try result(
          weights(p, n), iterations: iterations, factorisations: factorisations,
          gap: bounds == 0 ? 0 : gap)
      }
      t *= 20
    }
  }

  /// `w = w0 + p − n`.
  func weights(_ p: [Double], _ n: [Double]) -> [Double] {
    (0..<w0.count).map { w0[$0] + p[$0] - n[$0] }
  }

  /// The largest α ≤ 1 keeping `v + α·step` at most 99% of the way to its box's edge.
  static func room(_ v: Double, _ step: Double, _ box: Box) -> Double {
    guard box.isFree else { return 1 }
    if step > 0 { return 0.99 * (box.high - v) / step }
    if step < 0 { return 0.99 * (v - box.low) / -step }
    return 1
  }

  /// `φ_t = t·(σ_p − λμᵀw + cᵀ(p+n)) − Σ log(slacks)` (+∞ outside the boxes) and `σ_p`; leaves
  /// `Σw` in `y`.
  func barrierValue(
    _ w: [Double], _ p: [Double], _ n: [Double], _ t: Double, _ buy: [Box], _ sell: [Box],
    _ y: inout [Double]
  ) throws(RiskKernelsError) -> (Double, Double) {
    try Double._symv(sigma, .lower, w, alpha: 1, beta: 0, into: &y)
    var variance = 0.0
    var linear = 0.0
    var logs = 0.0
    for i in w.indices {
      variance += w[i] * y[i]
      linear += -lambda * mu[i] * w[i] + costs[i] * (p[i] + n[i])
      for (v, box) in [(p[i], buy[i]), (n[i], sell[i])] where box.isFree {
        guard v > box.low, v < box.high else { return (.infinity, variance.squareRoot()) }
        logs += Double.log(v - box.low) + Double.log(box.high - v)
      }
    }
    let volatility = variance.squareRoot()
    return (t * (volatility + linear) - logs, volatility)
  }

  func result(_ w: [Double], iterations: Int, factorisations: Int, gap: Double)
    throws(RiskKernelsError) -> Result
  {
    var y = [Double](repeating: 0, count: w.count)
    try Double._symv(sigma, .lower, w, alpha: 1, beta: 0, into: &y)
    var variance = 0.0
    var linear = 0.0
    var cost = 0.0
    for i in w.indices {
      variance += w[i] * y[i]
      linear -= lambda * mu[i] * w[i]
      cost += costs[i] * Swift.abs(w[i] - w0[i])
    }
    let volatility = variance.squareRoot()
    return Result(
      weights: w, cost: cost, objective: volatility + linear + cost, volatility: volatility,
      iterations: iterations, factorisations: factorisations, gap: gap)
  }
}
