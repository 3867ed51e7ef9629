/// Historical stress: the worst non-overlapping windows of a price history for today's
/// portfolio.
///
/// A window starting at row t spans rows t … t+w. Each asset's relative move is
/// `rᵢ = Pᵢ[t+w]/Pᵢ[t] − 1` and the portfolio's return is `Σᵢ eᵢrᵢ / Σᵢ eᵢ`, with `eᵢ = hᵢSᵢ`
/// today's value in asset i (or the weights `wᵢ`). The worst windows are found greedily: take the
/// window with the lowest return, drop every window that overlaps it (`|t − t'| < w`; windows that
/// only share an end row do not overlap), and repeat. Ties go to the earlier window.
///
/// Source: historical scenarios as in the Basel Committee's *Principles for sound stress testing
/// practices and supervision* (2009), principle 9; non-overlapping windows so that one crisis
/// is not reported three times.
///
/// ```swift
/// let windows = try WorstWindows(window: 10, count: 3).find(prices: prices, exposures: [6e5, 4e5])
/// windows[0].portfolioReturn   // the worst 10-day return of today's portfolio
/// ```
public struct WorstWindows: Sendable, Equatable {
  /// Rows per window `w ≥ 1`.
  public var window: Int
  /// How many windows to return (fewer when the history holds fewer that do not overlap).
  public var count: Int

  /// Windows of `window` returns, the `count` worst that do not overlap.
  public init(window: Int, count: Int = 3) {
    self.window = window
    self.count = count
  }

  /// The worst non-overlapping windows of `prices` (rows are dates) for a portfolio with
  /// exposures `eᵢ`, worst first.
  ///
  /// - Parameters:
  ///   - prices: rows (dates, oldest first) × assets, all positive and finite.
  ///   - exposures: today's value in each asset (`hᵢSᵢ`), or the weights; not all zero.
  /// - Throws: `.parameterOutOfRange` for `window < 1` or `count < 1`, a non-positive price, or
  ///   exposures that sum to zero; `.dimensionMismatch`; `.nonFiniteInput`;
  ///   `.insufficientData` for fewer than `window + 1` rows.
  @specialized(where Scalar == Double)
  @specialized(where Scalar == Float)
  public func find<Scalar: BLASScalar>(prices: Matrix<Scalar>, exposures: [Scalar])
    throws(RiskKernelsError) -> [StressWindow<Scalar>]
  {
    guard window >= 1 else {
      throw .parameterOutOfRange(name: "window", value: Double(window), allowed: "≥ 1")
    }
    guard count >= 1 else {
      throw .parameterOutOfRange(name: "count", value: Double(count), allowed: "≥ 1")
    }
    try prices.checkFinite("prices")
    try checkAllFinite(exposures, "exposures")
    guard exposures.count == prices.columns else {
      throw .dimensionMismatch(
        operation: "worst windows", expected: .vector(prices.columns),
        actual: .vector(exposures.count))
    }
    guard prices.rows > window else {
      throw .insufficientData(argument: "prices", required: window + 1, actual: prices.rows)
    }
    for j in 0..<prices.columns {
      for t in 0..<prices.rows where !(prices[t, j] > 0) {
        throw .parameterOutOfRange(
          name: "prices[\(t), \(j)]", value: Double(prices[t, j]), allowed: "> 0")
      }
    }
    let total = exposures.reduce(0, +)
    guard total != 0 else {
      throw .parameterOutOfRange(name: "exposures", value: 0, allowed: "a non-zero sum")
    }
    let starts = prices.rows - window
    var returns = [Scalar](repeating: 0, count: starts)
    for t in 0..<starts {
      var sum: Scalar = 0
      for j in 0..<prices.columns where exposures[j] != 0 {
        sum += exposures[j] * (prices[t + window, j] / prices[t, j] - 1)
      }
      returns[t] = sum / total
    }
    // Ascending by return, earlier first on ties; then greedily the non-overlapping ones.
    let order = (0..<starts).sorted {
      returns[$0] < returns[$1] || (returns[$0] == returns[$1] && $0 < $1)
    }
    var chosen: [Int] = []
    for t in order where chosen.count < count {
      if chosen.allSatisfy({ abs($0 - t) >= window }) { chosen.append(t) }
    }
    return chosen.map { t in
      StressWindow(
        start: t, end: t + window, portfolioReturn: returns[t],
        moves: (0..<prices.columns).map { prices[t + window, $0] / prices[t, $0] - 1 })
    }
  }
}

/// One historical stress window: rows `start … end` of the price history.
public struct StressWindow<Scalar: BLASScalar>: Sendable, Equatable {
  /// The price row the window starts on.
  public let start: Int
  /// The price row it ends on (`start + window`).
  public let end: Int
  /// `Σᵢ eᵢrᵢ / Σᵢ eᵢ`.
  public let portfolioReturn: Scalar
  /// Each asset's relative move `rᵢ` over the window.
  public let moves: [Scalar]
}
