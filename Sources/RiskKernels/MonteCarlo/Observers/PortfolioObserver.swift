/// The portfolio value `V = Σᵢ hᵢ Sᵢ` of each path: the moments of V(T) and of its running
/// minimum and maximum over the grid (`SimulationResult.portfolio`), and, when kept, each path's
/// V(T) (`SimulationResult.portfolioValues`, for VaR).
///
/// V is summed in asset order everywhere (`portfolioValues(_:prices:dimension:count:into:at:)`
/// at the horizon, the same sum at each date), so every form of a path's value agrees exactly.
struct PortfolioObserver<Scalar: BLASScalar>: BuiltInObserver {
  let holdings: [Scalar]
  /// V(0) = Σ hᵢ Sᵢ(0), in asset order.
  let initialValue: Scalar
  /// Whether the moments are accumulated; with them, whether the running minimum and maximum
  /// are; and whether V(T) is kept.
  let moments: Bool
  let minimum: Bool
  let maximum: Bool
  let keep: Bool

  init(
    holdings: [Scalar], spot: [Scalar], moments: Bool, minimum: Bool, maximum: Bool, keep: Bool
  ) {
    self.holdings = holdings
    var v: Scalar = 0
    for i in holdings.indices { v += holdings[i] * spot[i] }
    initialValue = v
    (self.moments, self.minimum, self.maximum, self.keep) = (moments, minimum, maximum, keep)
  }

  /// The running extremes need each date's prices.
  var tracksExtremes: Bool { moments && (minimum || maximum) }

  var needs: PathObserverNeeds { tracksExtremes ? .stepPrices : .terminalPrices }

  /// Quantities per path: V(T), then the minimum and maximum when tracked.
  var quantities: Int { Self.quantities(minimum: minimum, maximum: maximum) }

  /// V(T), then the running minimum and maximum when tracked.
  static func quantities(minimum: Bool, maximum: Bool) -> Int {
    1 + (minimum ? 1 : 0) + (maximum ? 1 : 0)
  }

  func makePartial() -> Partial {
    Partial(sections: moments ? [ShiftedSums(quantities: quantities)] : [])
  }

  /// Each date's V into the paths' running minimum (`state[p]`) and maximum
  /// (`state[count + p]`), from V(0) at a block's first chunk.
  func observe(steps: PathSteps<Scalar>, into partial: inout Partial) {
    let (d, count) = (steps.dimension, steps.pathCount)
    if steps.firstStep == 0 {
      if partial.state.count < 2 * count { partial.state = Array(repeating: 0, count: 2 * count) }
      for k in 0..<(2 * count) { partial.state[k] = initialValue }
    }
    let x = steps.values.span
    let h = holdings.span
    var state = partial.state.mutableSpan
    for p in 0..<count {
      for s in 0..<steps.stepCount {
        let column = (p * steps.stepCount + s) * d
        var v: Scalar = 0
        for i in 0..<d { v += h[i] * x[column + i] }
        if v < state[p] { state[p] = v }
        if v > state[count + p] { state[count + p] = v }
      }
    }
  }

  func observe(_ block: PathBlock<Scalar>, into partial: inout Partial) {
    let count = block.pathCount
    if keep, partial.kept.isEmpty { partial.kept = [[]] }
    guard moments else {
      let first = partial.kept[0].count
      partial.kept[0].append(contentsOf: repeatElement(0, count: count))
      Self.portfolioValues(
        holdings, prices: block.terminal, dimension: block.dimension, count: count,
        into: &partial.kept[0], at: first)
      return
    }
    if partial.buffer.count < count { partial.buffer = Array(repeating: 0, count: count) }
    Self.portfolioValues(
      holdings, prices: block.terminal, dimension: block.dimension, count: count,
      into: &partial.buffer, at: 0)
    let q = quantities
    if partial.values.count < q * count { partial.values = Array(repeating: 0, count: q * count) }
    for p in 0..<count {
      let v = partial.buffer[p]
      partial.values[p * q] = Double(v)
      var k = p * q + 1
      if minimum {
        partial.values[k] = Double(Swift.min(partial.state[p], v))
        k += 1
      }
      if maximum { partial.values[k] = Double(Swift.max(partial.state[count + p], v)) }
    }
    partial.sections[0].add(
      partial.values, perPath: q, count: count, antithetic: block.antithetic)
    if keep { partial.kept[0].append(contentsOf: partial.buffer[0..<count]) }
  }

  /// `values[at + p] = Σᵢ hᵢ·prices[i + p·d]` for each path p, summed in asset order (the
  /// arithmetic every portfolio value in the library uses, so all forms agree exactly), eight
  /// paths at a time: eight independent sums instead of one chain of d dependent adds.
  @specialized(where Scalar == Double)
  @specialized(where Scalar == Float)
  static func portfolioValues(
    _ holdings: [Scalar], prices: [Scalar], dimension d: Int, count: Int,
    into values: inout [Scalar], at: Int
  ) {
    let (h, x) = (holdings.span, prices.span)
    var out = values.mutableSpan
    var p = 0
    while p + 8 <= count {
      var (v0, v1, v2, v3, v4, v5, v6, v7):
        (
          Scalar, Scalar, Scalar, Scalar, Scalar, Scalar, Scalar, Scalar
        ) = (0, 0, 0, 0, 0, 0, 0, 0)
      let b = p * d
      for i in 0..<d {
        let hi = h[i]
        v0 += hi * x[b + i]
        v1 += hi * x[b + d + i]
        v2 += hi * x[b + 2 * d + i]
        v3 += hi * x[b + 3 * d + i]
        v4 += hi * x[b + 4 * d + i]
        v5 += hi * x[b + 5 * d + i]
        v6 += hi * x[b + 6 * d + i]
        v7 += hi * x[b + 7 * d + i]
      }
      (out[at + p], out[at + p + 1], out[at + p + 2], out[at + p + 3]) = (v0, v1, v2, v3)
      (out[at + p + 4], out[at + p + 5], out[at + p + 6], out[at + p + 7]) = (v4, v5, v6, v7)
      p += 8
    }
    while p < count {
      var v: Scalar = 0
      for i in 0..<d { v += h[i] * x[p * d + i] }
      out[at + p] = v
      p += 1
    }
  }
}
