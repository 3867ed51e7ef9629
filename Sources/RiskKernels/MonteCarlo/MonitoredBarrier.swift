internal import Foundation
internal import RealModule

/// A barrier prepared for the inner loop.
struct MonitoredBarrier<Scalar: BLASScalar>: Sendable {
  /// The asset, or `nil` for a basket with `holdings`.
  let asset: Int?
  let holdings: [Scalar]
  /// The assets a basket holds (`hᵢ ≠ 0`), their holdings, and Σ restricted to them
  /// (`k × k`, column-major): a basket of k of d assets costs O(k²) per date, not O(d²).
  let support: [Int]
  let supportHoldings: [Scalar]
  let supportCovariance: [Scalar]
  let level: Scalar
  let logLevel: Scalar
  let down: Bool
  let strike: Scalar?
  /// `log U(0)`, and the volatility of `log U` over the first interval.
  let logInitial: Scalar
  let initialSigma: Scalar

  init(_ barrier: Barrier<Scalar>, model: CorrelatedGBM<Scalar>) {
    let start = barrier.initialValue(spot: model.spot)
    switch barrier.underlying {
    case .asset(let i):
      (asset, holdings, initialSigma) = (i, [], model.volatility[i])
      (support, supportHoldings, supportCovariance) = ([], [], [])
    case .basket(let h):
      (asset, holdings) = (nil, h)
      initialSigma = Self.basketVolatility(h, model.spot, value: start, model.covarianceFactor)
      let assets = h.indices.filter { h[$0] != 0 }
      let lower = model.covarianceFactor.lower
      var covariance = [Scalar](repeating: 0, count: assets.count * assets.count)
      for (b, j) in assets.enumerated() {
        for (a, i) in assets.enumerated() {
          // Σᵢⱼ = Σ_m L[i, m] L[j, m], m ≤ min(i, j).
          var sum: Scalar = 0
          for m in 0...min(i, j) { sum += lower[i, m] * lower[j, m] }
          covariance[a + b * assets.count] = sum
        }
      }
      (support, supportHoldings, supportCovariance) = (assets, assets.map { h[$0] }, covariance)
    }
    level = barrier.level
    logLevel = Scalar.log(barrier.level)
    down = barrier.direction == .down
    strike = barrier.strike
    logInitial = Scalar.log(start)
  }

  /// `Σ hᵢ Sᵢ` at one date's prices.
  func basketValue(_ prices: [Scalar], offset: Int = 0) -> Scalar {
    var v: Scalar = 0
    for a in support.indices { v += supportHoldings[a] * prices[offset + support[a]] }
    return v
  }

  /// `σ_V = √(xᵀΣx) / V`, `xᵢ = hᵢSᵢ` over the basket's support: its local log-volatility.
  func localVolatility(_ prices: [Scalar], offset: Int, value: Scalar) -> Scalar {
    let k = support.count
    var sum: Scalar = 0
    for b in 0..<k {
      let xb = supportHoldings[b] * prices[offset + support[b]]
      var t: Scalar = 0
      for a in 0..<b {
        t += supportCovariance[a + b * k] * supportHoldings[a] * prices[offset + support[a]]
      }
      sum += xb * (2 * t + supportCovariance[b + b * k] * xb)
    }
    return sum.squareRoot() / value
  }

  /// `σ_V = ‖Lᵀw‖`, `wᵢ = hᵢSᵢ/V`: the basket's local log-volatility, from the factor.

  static func basketVolatility(
    _ holdings: [Scalar], _ prices: [Scalar], value: Scalar, _ factor: Cholesky<Scalar>
  ) -> Scalar {
    let lower = factor.lower
    let d = holdings.count
    var sum: Scalar = 0
    // (Lᵀw)ⱼ = Σ_{i ≥ j} L[i, j] wᵢ.
    for j in 0..<d {
      var t: Scalar = 0
      for i in j..<d { t += lower[i, j] * holdings[i] * prices[i] }
      sum += t * t
    }
    return sum.squareRoot() / value
  }
}
