/// The distribution of a cascade's figures over simulated shocks (`CascadeSimulation`).
public struct CascadeDistribution: Sendable, Equatable, Codable {
  /// One figure's mean (with its standard error) and upper quantiles over the paths.
  public struct Summary: Sendable, Equatable, Codable {
    /// The mean over the paths, with its standard error.
    public let mean: MonteCarloEstimate
    /// The 95% quantile over the paths.
    public let quantile95: Double
    /// The 99% quantile over the paths.
    public let quantile99: Double
  }

  /// The simulated paths.
  public let paths: Int
  /// Rounds that closed a position.
  public let rounds: Summary
  /// Positions closed.
  public let liquidatedPositions: Summary
  /// `Σ margin·L` of the closed positions.
  public let liquidatedNotional: Summary
  /// The pool's mid after the last round.
  public let finalPrice: Summary
  /// `Σ max(0, −equity)` of the closed positions.
  public let badDebt: Summary
  /// Over the paths whose shock moved the price (`nil` when none did).
  public let amplification: Summary?
  /// The probability that the cascade leaves any bad debt.
  public let badDebtProbability: MonteCarloEstimate

  /// The figures `CascadeObserver` stores per path and market (in `CascadeSamples`' order).
  public static let figuresPerPath = 6

  init(_ values: [Double], market m: Int, markets: Int, antithetic: Bool) throws(RiskKernelsError) {
    let stride = Self.figuresPerPath * markets
    let n = values.count / stride
    func column(_ f: Int) -> [Double] {
      (0..<n).map { values[$0 * stride + m * Self.figuresPerPath + f] }
    }
    func summary(_ x: [Double]) throws(RiskKernelsError) -> Summary {
      let q = try linearQuantiles(of: x, probabilities: [0.95, 0.99])
      return Summary(
        mean: Self.mean(x, pairs: antithetic), quantile95: q[0], quantile99: q[1])
    }
    paths = n
    rounds = try summary(column(0))
    liquidatedPositions = try summary(column(1))
    liquidatedNotional = try summary(column(2))
    finalPrice = try summary(column(3))
    let debt = column(4)
    badDebt = try summary(debt)
    // Over the paths whose shock moved the price. Dropping the others breaks antithetic pairs,
    // so the mean's standard error is then over paths (conservative: a pair's two paths are
    // negatively correlated); fewer than two such paths give no amplification at all.
    let amplifications = column(5)
    let moved = amplifications.filter { !$0.isNaN }
    if moved.count < 2 {
      amplification = nil
    } else {
      let q = try linearQuantiles(of: moved, probabilities: [0.95, 0.99])
      amplification = Summary(
        mean: Self.mean(moved, pairs: antithetic && moved.count == amplifications.count),
        quantile95: q[0], quantile99: q[1])
    }
    badDebtProbability = Self.mean(debt.map { $0 > 0 ? 1 : 0 }, pairs: antithetic)
  }

  /// The sample mean and `s/√n`, over pair averages with antithetic variates (paths 2j, 2j+1).
  static func mean(_ x: [Double], pairs: Bool) -> MonteCarloEstimate {
    var accumulator = MomentAccumulator()
    if pairs && x.count >= 2 {
      for j in 0..<(x.count / 2) {
        accumulator.merge(
          .init(count: 1, mean: (x[2 * j] + x[2 * j + 1]) / 2, squaredDeviations: 0))
      }
    } else {
      for v in x { accumulator.merge(.init(count: 1, mean: v, squaredDeviations: 0)) }
    }
    return accumulator.estimate
  }
}
