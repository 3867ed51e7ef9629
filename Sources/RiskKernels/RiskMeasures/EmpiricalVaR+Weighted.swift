/// VaR and ES of a weighted sample: scenarios drawn under another distribution, each carrying its
/// likelihood ratio `wₖ = dP/dQ` (importance sampling), or any sample with probability weights
/// `wₖ/N`.
///
/// With N scenarios sorted ascending `x₍₁₎ ≤ … ≤ x₍N₎`, p = 1 − c and the weighted distribution
/// function `F̂(x) = (1/N) Σₖ wₖ 1{xₖ ≤ x}` (not normalised by Σw, so that it is unbiased under
/// importance sampling; Glynn 1996, "Importance sampling for Monte Carlo estimation of
/// quantiles"):
/// ```
/// VaR = −x₍J₎,   J the first rank with F̂(x₍J₎) ≥ p
/// ES  = −(1/(Np)) [ Σ_{j<J} w₍ⱼ₎ x₍ⱼ₎ + (Np − Σ_{j<J} w₍ⱼ₎) x₍J₎ ]
/// ```
/// ES is the tail mean with the quantile's scenario counted for the probability the tail still
/// lacks (Acerbi & Tasche 2002). With unit weights and an integer Np both are
/// `EmpiricalVaR.measure(_:)`'s figures. Standard errors, for N independent scenarios (Glasserman
/// 2004, §9.2; Hong, Hu & Liu 2014, "Monte Carlo methods for value-at-risk and conditional
/// value-at-risk: a review", ACM TOMACS 24(4)):
/// ```
/// s.e.(VaR) = s.d.(w 1{x ≤ q}) / (√N f̂(q)),   f̂(q) = (F̂(x₍hi₎) − F̂(x₍lo₎)) / (x₍hi₎ − x₍lo₎)
/// s.e.(ES)  = s.d.(w (q − x)⁺) / (√N p)
/// ```
/// over the window `lo, hi = J ∓ m`, `m = ⌊√(J+1)⌋` ranks (Siddiqui 1960's spacing estimate of
/// the density), the variances over N − 1. With unit weights these are `TailStandardErrors`'
/// formulas to O(1/N).
extension EmpiricalVaR {
  /// VaR and ES of `returns` weighted by `weights` (likelihood ratios, mean about 1), with their
  /// standard errors.
  ///
  /// - Throws: `.insufficientData` for an empty sample; `.dimensionMismatch` unless there is one
  ///   weight per return; `.nonFiniteInput`; `.parameterOutOfRange` for a negative weight or a
  ///   confidence outside `[0.5, 1)`.
  @specialized(where T == Double)
  @specialized(where T == Float)
  public func measure<T: BLASScalar>(_ returns: [T], weights: [Double])
    throws(RiskKernelsError) -> TailRisk<T>
  {
    try Self.checkWeightedSample(returns, weights: weights, confidence: confidence)
    return Self.weightedAllocate(
      totals: returns, order: Self.ascendingOrder(returns), weights: weights, assets: 0,
      confidence: confidence, contribution: { _, _ in 0 })
  }

  static func checkWeightedSample<T: BLASScalar>(
    _ returns: [T], weights: [Double], confidence: Double
  ) throws(RiskKernelsError) {
    try checkConfidence(confidence)
    guard !returns.isEmpty else {
      throw .insufficientData(argument: "returns", required: 1, actual: 0)
    }
    try checkAllFinite(returns, "returns")
    try checkCount(weights, returns.count, "weights for \(returns.count) returns")
    try checkAllFinite(weights, "weights")
    if let k = weights.firstIndex(where: { $0 < 0 }) {
      throw .parameterOutOfRange(
        name: ParameterName("weights", index: k), value: weights[k], allowed: "≥ 0")
    }
  }

  /// The indices of `totals` in ascending order of their values, ties by index: one order
  /// whatever the sort's algorithm, so the figures are the same bits however they were reached.
  /// (A sort of (value, index) pairs: a third of the time of indices compared through the
  /// array.)
  static func ascendingOrder<T: BLASScalar>(_ totals: [T]) -> [Int] {
    var pairs = totals.indices.map { (value: totals[$0], index: $0) }
    pairs.sort { $0.value < $1.value || ($0.value == $1.value && $0.index < $1.index) }
    return pairs.map(\.index)
  }

  /// The weighted figures with Euler components (`d > 0`): ES's are the tail's weighted mean
  /// contributions, summing exactly to ES; VaR's the weighted mean contributions over the
  /// window `J ∓ m`, rescaled to sum to VaR. Inputs already checked; `order` is
  /// `ascendingOrder(totals)`. With `strata` the weights are post-stratified (`c_h·wₖ`) and the
  /// standard errors are the strata's (`PostStratification`).
  static func weightedAllocate<T: BLASScalar>(
    totals: [T], order: [Int], weights: [Double], strata: PostStratification? = nil,
    assets d: Int, confidence: Double, contribution: (_ row: Int, _ asset: Int) -> T
  ) -> TailRisk<T> {
    let n = totals.count
    let p = 1 - confidence
    let target = Double(n) * p
    // The ceiling's guard of `tailCount`: N·p a hair above an integer counts as that integer.
    let reach = target - 1e-9 * Swift.max(1, target)
    var cumulative = [Double](repeating: 0, count: n)
    var running = 0.0
    var rank = n - 1
    for j in 0..<n {
      running += weights[order[j]]
      cumulative[j] = running
      if running >= reach {
        rank = j
        break
      }
    }
    // Past the quantile only the density window reads the cumulative weights.
    let m = Swift.max(1, Int(Double(rank + 1).squareRoot()))
    let hi = Swift.min(n - 1, rank + m)
    for j in (rank + 1)..<Swift.max(rank + 1, hi + 1) {
      running += weights[order[j]]
      cumulative[j] = running
    }
    let quantile = Double(totals[order[rank]])
    let before = rank > 0 ? cumulative[rank - 1] : 0
    let remainder = target - before  // the quantile scenario's share of the tail, ≤ its weight
    var tailSum = 0.0
    for j in 0..<rank { tailSum += weights[order[j]] * Double(totals[order[j]]) }
    let expectedShortfall = -(tailSum + remainder * quantile) / target

    var esComponents = [T](repeating: 0, count: d)
    var varComponents = [T](repeating: 0, count: d)
    let lo = Swift.max(0, rank - m)
    let valueAtRisk = -quantile
    if d > 0 {
      var raw = [Double](repeating: 0, count: d)
      var windowWeight = 0.0
      for j in lo...hi { windowWeight += weights[order[j]] }
      for i in 0..<d {
        var s = 0.0
        for j in 0..<rank { s += weights[order[j]] * Double(contribution(order[j], i)) }
        s += remainder * Double(contribution(order[rank], i))
        esComponents[i] = T(-s / target)
        var w = 0.0
        for j in lo...hi { w -= weights[order[j]] * Double(contribution(order[j], i)) }
        raw[i] = windowWeight > 0 ? w / windowWeight : 0
      }
      let rawSum = raw.reduce(0, +)
      varComponents = raw.map {
        T(rawSum != 0 ? $0 * valueAtRisk / rawSum : valueAtRisk / Double(d))
      }
    }

    // Standard errors from the sample variances of w·1{x ≤ q} and w·(q − x)⁺ (both zero above
    // the quantile, so only ranks ≤ J contribute), within each stratum when post-stratified.
    let sizes = strata?.sizes ?? [n]
    var (indicator, indicatorSquares) = (
      [Double](repeating: 0, count: sizes.count), [Double](repeating: 0, count: sizes.count)
    )
    var (excess, excessSquares) = (indicator, indicatorSquares)
    for j in 0...rank {
      let k = order[j]
      let h = strata?.stratum[k] ?? 0
      let w = weights[k]
      indicator[h] += w
      indicatorSquares[h] += w * w
      let e = w * (quantile - Double(totals[k]))
      excess[h] += e
      excessSquares[h] += e * e
    }
    let indicatorVariance = PostStratification.varianceOfMean(
      sizes: sizes, sums: indicator, squares: indicatorSquares)
    let excessVariance = PostStratification.varianceOfMean(
      sizes: sizes, sums: excess, squares: excessSquares)
    let count = Double(n)
    var varError: T?
    let spread = Double(totals[order[hi]]) - Double(totals[order[lo]])
    let between = cumulative[hi] - cumulative[lo]  // n·(F̂(x₍hi₎) − F̂(x₍lo₎))
    if hi > lo, spread > 0, between > 0 {
      let density = between / count / spread
      varError = T(indicatorVariance.squareRoot() / density)
    }
    let esError: T? = rank >= 1 ? T(excessVariance.squareRoot() / p) : nil
    return TailRisk(
      confidence: confidence, valueAtRisk: T(valueAtRisk), expectedShortfall: T(expectedShortfall),
      valueAtRiskComponents: d > 0 ? varComponents : nil,
      expectedShortfallComponents: d > 0 ? esComponents : nil,
      valueAtRiskStandardError: varError, expectedShortfallStandardError: esError)
  }
}
