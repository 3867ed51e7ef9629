/// The joint liquidation of a book (`LiquidationBook.simulateJoint`).
public struct JointLiquidation: Sendable, Equatable {
  /// N, the simulated paths.
  public let paths: Int
  /// Per position, the probability that it is liquidated within the horizon (the same paths for
  /// all; drawn per path, so noisier than `LiquidationBook.simulate`'s conditional estimate).
  public let marginal: [MonteCarloEstimate]
  /// The number of positions liquidated per path: mean, and the 50/95/99% quantiles.
  public let count: MonteCarloEstimate
  /// The 50%, 95% and 99% quantiles of the number liquidated.
  public let countQuantiles: [Double]
  /// The liquidated notional per path: mean, and the 50/95/99% quantiles.
  public let notional: MonteCarloEstimate
  /// The 50%, 95% and 99% quantiles of the liquidated notional.
  public let notionalQuantiles: [Double]
  /// `atLeast[k]`: P(at least k positions are liquidated), k = 0 … n (`atLeast[0]` = 1).
  public let atLeast: [MonteCarloEstimate]
  /// `together[i][j]`: P(positions i and j are both liquidated); the diagonal is `marginal`.
  /// Empty for books of more than `pairLimit` positions.
  public let together: [[MonteCarloEstimate]]

  /// The quantile levels of `countQuantiles` and `notionalQuantiles`.
  public static let quantileLevels = [0.5, 0.95, 0.99]
  /// The most positions for which pairs are counted (n² counts per partial).
  public static let pairLimit = 256

  /// P(at least one position is liquidated).
  public var any: MonteCarloEstimate { atLeast.count > 1 ? atLeast[1] : atLeast[0] }
  /// P(every position is liquidated).
  public var all: MonteCarloEstimate { atLeast[atLeast.count - 1] }

  init(_ s: JointLiquidationSamples, positions n: Int, antithetic: Bool)
    throws(RiskKernelsError)
  {
    let m = s.counts.count
    paths = m
    let step = antithetic ? 2 : 1
    let units = m / step
    // Every estimate from Σ v and Σ v² over the units (paths, or antithetic pairs' averages),
    // so the same indicator gives the same bits whichever figure it is computed for.
    func fromSums(_ sum: Double, _ squares: Double) -> MonteCarloEstimate {
      let u = Double(units)
      guard units > 1 else { return MonteCarloEstimate(value: sum / u, standardError: .nan) }
      let mean = sum / u
      let variance = Swift.max(squares - u * mean * mean, 0) / (u - 1)
      return MonteCarloEstimate(value: mean, standardError: (variance / u).squareRoot())
    }
    func estimate(_ value: (Int) -> Double) -> MonteCarloEstimate {
      var (sum, squares) = (0.0, 0.0)
      for unit in 0..<units {
        let v = antithetic ? (value(2 * unit) + value(2 * unit + 1)) / 2 : value(unit)
        sum += v
        squares += v * v
      }
      return fromSums(sum, squares)
    }
    let counts = s.counts.map { Double($0) }
    count = estimate { counts[$0] }
    countQuantiles = try linearQuantiles(of: counts, probabilities: Self.quantileLevels)
    notional = estimate { s.notionals[$0] }
    notionalQuantiles = try linearQuantiles(of: s.notionals, probabilities: Self.quantileLevels)
    atLeast = (0...n).map { k in estimate { s.counts[$0] >= k ? 1 : 0 } }
    // Pairs from each unit's (path's, or antithetic pair's) liquidated positions only:
    // Σ v and Σ v² per pair, O(Σ |liquidated|²) instead of n² passes over the paths.
    let tracked = n <= Self.pairLimit
    var sum = [Double](repeating: 0, count: tracked ? n * n : n)
    var squares = sum
    for p in stride(from: 0, to: units * step, by: step) {
      let sets = (p..<(p + step)).map { q in (0..<n).filter { s.liquidated(path: q, position: $0) }
      }
      let union = Array(Set(sets.joined())).sorted()
      for (a, i) in union.enumerated() {
        for j in tracked ? union[a...] : union[a...a] {
          let v =
            sets.reduce(0.0) { $0 + ($1.contains(i) && $1.contains(j) ? 1 : 0) } / Double(step)
          let index = tracked ? i * n + j : i
          sum[index] += v
          squares[index] += v * v
        }
      }
    }
    marginal = (0..<n).map { i in
      tracked ? fromSums(sum[i * n + i], squares[i * n + i]) : fromSums(sum[i], squares[i])
    }
    together =
      tracked
      ? (0..<n).map { i in
        (0..<n).map { j in
          let (a, b) = (Swift.min(i, j), Swift.max(i, j))
          return fromSums(sum[a * n + b], squares[a * n + b])
        }
      } : []
  }
}
