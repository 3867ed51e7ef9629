/// Historical and Monte Carlo VaR and ES from a sample of returns (or P&L), in O(N) by
/// selection, with Euler components from per-asset scenario contributions.
///
/// With `N` scenarios and `k = ⌈N(1 − c)⌉` tail scenarios, `x₍₁₎ ≤ … ≤ x₍N₎` the sorted values:
/// ```
/// VaR = −x₍k₎                 (the lower empirical quantile, no interpolation)
/// ES  = −(1/k) Σ_{i≤k} x₍i₎    (the mean of the k worst scenarios, VaR's own included)
/// ```
/// This is the rule of NumPy's `partition(x, k−1)` plus the mean of the first `k`, and it makes
/// `ES ≥ VaR` always. One pass gathers the values at or below a cut-off sampled to keep a little
/// more than k of them (`lowerTailCutoff`, after Floyd & Rivest); Hoare's selection (`select`)
/// then finds the k-th smallest among those and leaves the k smallest before it (a full
/// selection runs when the cut-off falls short); only those k are sorted, so ES sums them in one
/// fixed order and has the same bits for any order of the sample. Source: McNeil, Frey &
/// Embrechts (2015) §9.2 (historical simulation); Acerbi & Tasche (2002) for ES as the tail mean.
///
/// Components, when per-asset contributions `x = Σⱼ cⱼ` are given (for example `cⱼ = wⱼ rⱼ`):
/// - ES: `ESⱼ = −(1/k) Σ_{tail} cⱼ`, summing exactly to ES (Tasche 2002).
/// - VaR: the conditional mean `−E[cⱼ | x ≈ VaR]`, estimated over the `m = max(1, ⌊√k⌋)` tail
///   scenarios nearest the VaR scenario by rank on either side (Hallerbach 2003's kernel idea),
///   then rescaled to sum exactly to VaR. Monte Carlo noise in them is of order `1/√m`.
///
/// ```swift
/// let historical = try EmpiricalVaR(confidence: 0.99).measure(portfolioReturns)
/// ```
public struct EmpiricalVaR: TailRiskMeasure, Equatable {
  /// The confidence level `c` in `[0.5, 1)`, checked when measuring.
  public var confidence: Double

  /// The empirical VaR/ES at confidence `c`.
  public init(confidence: Double) { self.confidence = confidence }

  /// VaR and ES of a sample of portfolio returns.
  ///
  /// - Throws: `.insufficientData` for an empty sample; `.nonFiniteInput`;
  ///   `.parameterOutOfRange` for a confidence outside `[0.5, 1)`.
  @specialized(where T == Double)
  @specialized(where T == Float)
  public func measure<T: BLASScalar>(_ returns: [T]) throws(RiskKernelsError) -> TailRisk<T> {
    let k = try Self.tailCount(returns, confidence)
    // Gather the values at or below a sampled cut-off (about k of them, one pass, no copy of
    // the sample) and select within those; a full selection if the cut-off fell short.
    var work: [T] = []
    if let cutoff = lowerTailCutoff(returns, count: k) {
      work.reserveCapacity(2 * k)
      for x in returns where x <= cutoff { work.append(x) }
    }
    if work.count < k { work = returns }
    let quantile = select(&work, rank: k - 1)
    // The k worst summed in ascending order, not in the order the selection left them: the
    // same bits however the sample was produced or ordered (e.g. merged from several processes).
    work[0..<k].sort()
    var sum = 0.0
    for i in 0..<k { sum += Double(work[i]) }
    return TailRisk(
      confidence: confidence, valueAtRisk: -quantile, expectedShortfall: T(-sum / Double(k)))
  }

  /// VaR and ES at several confidence levels of a sample already sorted ascending (a bootstrap
  /// resample sorted once, say): the bits of `measure(_:)` at each level, without its selection.
  ///
  /// - Throws: `.insufficientData` for an empty sample; `.nonFiniteInput`;
  ///   `.parameterOutOfRange` for a confidence outside `[0.5, 1)` or a sample out of order.
  @specialized(where T == Double)
  @specialized(where T == Float)
  public static func measure<T: BLASScalar>(sorted: [T], confidences: [Double])
    throws(RiskKernelsError) -> [TailRisk<T>]
  {
    guard !sorted.isEmpty else {
      throw .insufficientData(argument: "returns", required: 1, actual: 0)
    }
    try checkAllFinite(sorted, "returns")
    for i in sorted.indices.dropFirst() where sorted[i] < sorted[i - 1] {
      throw .parameterOutOfRange(
        name: ParameterName("returns", index: i), value: Double(sorted[i]),
        allowed: "sorted ascending")
    }
    var prefix = [Double](repeating: 0, count: sorted.count + 1)
    for i in sorted.indices { prefix[i + 1] = prefix[i] + Double(sorted[i]) }
    return try confidences.map { c throws(RiskKernelsError) in
      try checkConfidence(c)
      let k = tailCount(n: sorted.count, confidence: c)
      return TailRisk(
        confidence: c, valueAtRisk: -sorted[k - 1], expectedShortfall: T(-prefix[k] / Double(k)))
    }
  }

  /// VaR and ES of `contributions · 1` (scenarios × assets, each row a scenario's per-asset P&L
  /// or weighted returns), with their components.
  ///
  /// - Throws: as `measure(_:)`, and `.nonFiniteInput` for the contributions.
  @specialized(where T == Double)
  @specialized(where T == Float)
  public func measure<T: BLASScalar>(contributions: Matrix<T>) throws(RiskKernelsError)
    -> TailRisk<T>
  {
    try contributions.checkFinite("contributions")
    let (n, d) = (contributions.rows, contributions.columns)
    var totals = [T](repeating: 0, count: n)
    for j in 0..<d { for i in 0..<n { totals[i] += contributions.storage[i + j * n] } }
    return try Self.allocate(totals: totals, assets: d, confidence: confidence) {
      contributions.storage[$0 + $1 * n]
    }
  }

  /// The scenarios in rank order (by total, ties by index) as far as the Euler allocation reads
  /// them: `ranked[0..<k]` is the tail and ranks `k − 1 ± m` the VaR window, `m = ⌊√k⌋`. For
  /// N ≥ 65 536 those at or below a sampled cut-off are sorted, O(N + k log k); below that the
  /// first k + m come from a bounded heap when they are at most N/16, and otherwise all those at
  /// or below the exactly selected (k + m)-th are sorted. Rank positions past k + m − 1, where
  /// present, are never read.
  struct TailRanking: Sendable {
    let k: Int
    let m: Int
    let ranked: [Int]
    /// The ranked rows the allocation reads.
    var rowsRead: ArraySlice<Int> { ranked.prefix(Swift.min(ranked.count, k + m)) }
  }

  static func tailRanking<T: BLASScalar>(totals: [T], confidence: Double)
    throws(RiskKernelsError) -> TailRanking
  {
    let n = totals.count
    let k = try tailCount(totals, confidence)
    let m = windowCount(k: k)
    let needed = Swift.min(n, k + m)
    var candidates: [Int] = []
    var cutoff = lowerTailCutoff(totals, count: needed)
    if cutoff == nil, needed < n {
      // Too few values to sample a cut-off: a small tail comes straight from a bounded heap.
      if needed * 16 <= n, let smallest = smallestIndices(totals, count: needed) {
        return TailRanking(k: k, m: m, ranked: smallest)
      }
      var copy = totals
      cutoff = select(&copy, rank: needed - 1)
    }
    if let cutoff { candidates = (0..<n).filter { totals[$0] <= cutoff } }
    if candidates.count < needed { candidates = Array(0..<n) }
    let ranked = candidates.sorted {
      totals[$0] < totals[$1] || (totals[$0] == totals[$1] && $0 < $1)
    }
    return TailRanking(k: k, m: m, ranked: ranked)
  }

  /// The Euler allocation behind `measure(contributions:)`, from the scenario totals and a way to read
  /// scenario i's contribution of asset j; only the ranking's `rowsRead` are read, so a caller
  /// can derive contributions on demand instead of storing N × d of them.
  static func allocate<T: BLASScalar>(
    totals: [T], assets d: Int, confidence: Double, contribution: (_ row: Int, _ asset: Int) -> T
  ) throws(RiskKernelsError) -> TailRisk<T> {
    let ranking = try tailRanking(totals: totals, confidence: confidence)
    return allocate(
      count: totals.count, ranking: ranking, quantile: totals[ranking.ranked[ranking.k - 1]],
      assets: d, confidence: confidence, totalAtRank: { totals[ranking.ranked[$0]] },
      contributionAtRank: { contribution(ranking.ranked[$0], $1) })
  }

  /// The same from the contribution of the scenario at each rank position (`rank < k + m`, the
  /// positions of `rowsRead`), for callers that derived just those rows in rank order: `n`
  /// scenarios, `quantile` the k-th smallest total, `totalAtRank` the totals in rank order (for
  /// the standard errors, `TailStandardErrors`).
  static func allocate<T: BLASScalar>(
    count n: Int, ranking: TailRanking, quantile: T, assets d: Int, confidence: Double,
    totalAtRank: (_ rank: Int) -> T,
    contributionAtRank contribution: (_ rank: Int, _ asset: Int) -> T
  ) -> TailRisk<T> {
    let (k, m) = (ranking.k, ranking.m)
    var esComponents = [T](repeating: 0, count: d)
    var esSum = 0.0
    for j in 0..<d {
      var s = 0.0
      for r in 0..<k { s += Double(contribution(r, j)) }
      esComponents[j] = T(-s / Double(k))
      esSum += -s / Double(k)
    }
    let window = Swift.max(0, k - 1 - m)...Swift.min(n - 1, k - 1 + m)
    var raw = [Double](repeating: 0, count: d)
    for j in 0..<d {
      for r in window { raw[j] -= Double(contribution(r, j)) }
      raw[j] /= Double(window.count)
    }
    let valueAtRisk = -quantile
    let rawSum = raw.reduce(0, +)
    let varComponents = raw.map {
      T(rawSum != 0 ? $0 * Double(valueAtRisk) / rawSum : Double(valueAtRisk) / Double(d))
    }
    let errors = TailStandardErrors.compute(
      count: n, k: k, m: m, confidence: confidence, rankedTotal: totalAtRank)
    return TailRisk(
      confidence: confidence, valueAtRisk: valueAtRisk, expectedShortfall: T(esSum),
      valueAtRiskComponents: varComponents, expectedShortfallComponents: esComponents,
      valueAtRiskStandardError: errors.valueAtRisk,
      expectedShortfallStandardError: errors.expectedShortfall)
  }

  /// `k = ⌈N(1 − c)⌉` (at least 1), after validation.
  private static func tailCount<T: BLASScalar>(_ values: [T], _ confidence: Double)
    throws(RiskKernelsError) -> Int
  {
    try checkConfidence(confidence)
    guard !values.isEmpty else {
      throw .insufficientData(argument: "returns", required: 1, actual: 0)
    }
    try checkAllFinite(values, "returns")
    return tailCount(n: values.count, confidence: confidence)
  }

  /// `k = ⌈N(1 − c)⌉`, at least 1 and at most N, for N ≥ 1 and a checked confidence. Guards
  /// the ceiling against 0.01·N landing a hair above an integer (1 − 0.99 is not 0.01).
  static func tailCount(n: Int, confidence: Double) -> Int {
    let exact = Double(n) * (1 - confidence)
    let k = Swift.max(1, Int((exact - 1e-9 * Swift.max(1, exact)).rounded(.up)))
    return Swift.min(k, n)
  }

  /// `m = max(1, ⌊√k⌋)`, the VaR components' window on either side of rank k.
  static func windowCount(k: Int) -> Int { Swift.max(1, Int(Double(k).squareRoot())) }
}
