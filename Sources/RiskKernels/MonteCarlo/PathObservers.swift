internal import RealModule

/// What the simulator records about each path, instead of storing the paths. Memory stays
/// O(threads · blockPaths · d · steps-per-chunk) plus what is kept explicitly (`keep…`), and,
/// for custom observers that read every step, threads · blockPaths · (S+1) · d prices.
public struct PathObservers<Scalar: BLASScalar>: Sendable {
  /// Keep every path's terminal prices (N × d values) for quantiles.
  public var keepTerminalPrices: Bool
  /// Holdings hᵢ (units of each asset) for the portfolio value V = Σ hᵢ Sᵢ: its terminal mean,
  /// running minimum and maximum. `nil`: no portfolio.
  public var holdings: [Scalar]?
  /// Keep every path's terminal portfolio value (N values), e.g. for VaR.
  public var keepPortfolioValues: Bool
  /// Running minimum and maximum of each asset (and of the portfolio) over the grid, including
  /// time 0.
  public var extremes: Bool
  /// With `extremes`, the running maxima too; `false` keeps the minima only (drawdowns, down
  /// barriers), which skips a third of the per-path observations.
  public var maxima: Bool
  /// Per asset, a lower barrier Bᵢ < Sᵢ(0) (or `nil` for none): the probability of touching
  /// it, on the grid and under continuous monitoring with the Brownian-bridge correction.
  public var lowerBarriers: [Scalar?]?
  /// Per asset, an upper barrier Hᵢ > Sᵢ(0) (or `nil`).
  public var upperBarriers: [Scalar?]?
  /// Any number of barriers on assets or baskets, each with its own level and direction
  /// (positions' liquidation prices, loans' collateral thresholds): hit probabilities on the grid
  /// and under continuous monitoring, and the shortfall beyond a strike on hit paths.
  public var barriers: [Barrier<Scalar>]
  /// Keep the full paths (N × (S+1) × d prices); for small runs only (at most 10⁷ values).
  public var keepPaths: Bool
  /// Observers written outside the library (`PathObserver`), in order: each one's partial is
  /// merged along the run's tree and returned in `SimulationResult.observed(_:as:)`.
  public var custom: [any PathObserver<Scalar>] = []
  /// Whether the means and standard errors are accumulated. Callers inside the library that
  /// read only kept values (portfolio values, terminal prices) turn it off; the result's
  /// estimates are then empty (NaN).
  var moments = true

  /// What to record: see each property (the defaults record the terminal moments and the running
  /// extremes, and keep nothing).
  public init(
    keepTerminalPrices: Bool = false, holdings: [Scalar]? = nil,
    keepPortfolioValues: Bool = false, extremes: Bool = true, maxima: Bool = true,
    lowerBarriers: [Scalar?]? = nil, upperBarriers: [Scalar?]? = nil,
    barriers: [Barrier<Scalar>] = [], keepPaths: Bool = false
  ) {
    self.keepTerminalPrices = keepTerminalPrices
    self.holdings = holdings
    self.keepPortfolioValues = keepPortfolioValues
    self.extremes = extremes
    self.maxima = maxima
    self.lowerBarriers = lowerBarriers
    self.upperBarriers = upperBarriers
    self.barriers = barriers
    self.keepPaths = keepPaths
  }

  /// Whether the running maxima are observed.
  var tracksMaxima: Bool { extremes && maxima }

  /// The largest number of values `keepPaths` may store.
  public static var keptPathValuesLimit: Int { 10_000_000 }

  func validate(model: CorrelatedGBM<Scalar>, settings: SimulationSettings) throws(RiskKernelsError)
  {
    let d = model.dimension
    // Prices within 10 standard deviations of the drift over the horizon must be finite in
    // Scalar, and their squares summed over up to 10⁸ paths finite in Double (the moments), so
    // no estimate turns into an infinity or a NaN.
    let largestLog = Swift.min(
      Double.log(Double(Scalar.greatestFiniteMagnitude)),
      Double.log(Double.greatestFiniteMagnitude) / 2 - 20)
    for i in 0..<d {
      let (mu, sigma) = (Double(model.drift[i]), Double(model.volatility[i]))
      let reach =
        abs(Double.log(Double(model.spot[i]))) + abs(mu - sigma * sigma / 2) * settings.horizon
        + 10 * sigma * settings.horizon.squareRoot()
      guard reach.isFinite, reach < largestLog else {
        throw .parameterOutOfRange(
          name: ParameterName.model.element(i), value: reach,
          allowed:
            "|ln S₀| + |μ − σ²/2|T + 10σ√T < \(Int(largestLog)) (prices and their squares finite)")
      }
    }
    if let holdings {
      try checkCount(holdings, d, "holdings for \(d) assets")
      try checkAllFinite(holdings, "holdings")
    }
    if keepPortfolioValues, holdings == nil {
      throw .parameterOutOfRange(
        name: "keepPortfolioValues", value: 1, allowed: "only with holdings")
    }
    for (name, barriers, below) in [
      ("lowerBarriers", lowerBarriers, true), ("upperBarriers", upperBarriers, false),
    ] {
      guard let barriers else { continue }
      guard barriers.count == d else {
        throw .dimensionMismatch(
          operation: "\(name) for \(d) assets", expected: .vector(d),
          actual: .vector(barriers.count))
      }
      for (i, b) in barriers.enumerated() {
        guard let b else { continue }
        let ok = b.isFinite && b > 0 && (below ? b < model.spot[i] : b > model.spot[i])
        guard ok else {
          throw .parameterOutOfRange(
            name: ParameterName(name, index: i), value: Double(b),
            allowed: below ? "0 < B < spot \(model.spot[i])" : "H > spot \(model.spot[i])")
        }
      }
    }
    for (k, barrier) in barriers.enumerated() {
      try barrier.validate(spot: model.spot, name: "barriers[\(k)]")
    }
    if keepPaths {
      let (values, overflow) = settings.paths.multipliedReportingOverflow(
        by: (settings.steps + 1) * d)
      guard !overflow, values <= Self.keptPathValuesLimit else {
        throw .parameterOutOfRange(
          name: "keepPaths (paths × (steps+1) × assets)", value: Double(values),
          allowed: "≤ \(Self.keptPathValuesLimit)")
      }
    }
  }
}
