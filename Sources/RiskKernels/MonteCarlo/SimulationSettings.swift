internal import RealModule

/// How many paths to draw, on what grid, from which numbers: a `Sendable` value.
public struct SimulationSettings: Sendable, Equatable {
  /// Number of paths N (≥ 1; even with antithetic variates).
  public var paths: Int
  /// Monitoring steps per path S (≥ 1); Δt = horizon / S.
  public var steps: Int
  /// Horizon T in years (> 0). For H days, `Double(H) / daysPerYear`.
  public var horizon: Double
  /// The seed: with the generator, it fixes every path (see `NormalGenerator`).
  public var seed: UInt64
  /// Antithetic variates: path 2j uses the normals z of stream j and path 2j+1 uses −z;
  /// estimates and standard errors are then over the N/2 pair averages.
  public var antithetic: Bool
  /// The normal generator.
  public var generator: NormalGenerator
  /// Worker threads (`nil`: one per core). OpenBLAS is pinned to one thread during the run,
  /// so the two never oversubscribe; results do not depend on this number.
  public var threads: Int?
  /// Paths per block (even, 2 … `groupPaths`; `nil`: chosen from d and S so a block's normals
  /// fill about 2 MB): each block's correlation step is one triangular product (TRMM) per chunk
  /// of steps and each exponentiation one SLEEF call. Results do not depend on it.
  public var blockPaths: Int?

  public init(
    paths: Int, steps: Int, horizon: Double, seed: UInt64, antithetic: Bool = false,
    generator: NormalGenerator = .philox, threads: Int? = nil, blockPaths: Int? = nil
  ) {
    self.paths = paths
    self.steps = steps
    self.horizon = horizon
    self.seed = seed
    self.antithetic = antithetic
    self.generator = generator
    self.threads = threads
    self.blockPaths = blockPaths
  }

  /// A horizon of `days` days at `daysPerYear` (365 by default: tokenized assets and crypto
  /// trade every day; 252 for exchange trading days).
  public static func years(days: Double, daysPerYear: Double = 365) -> Double {
    days / daysPerYear
  }

  /// Paths per reduction group: each group is simulated by one thread in path order and its
  /// partial sums are merged in group order, so results do not depend on `threads` or
  /// `blockPaths`.
  public static var groupPaths: Int { 1024 }

  /// G, the run's number of reduction groups: `⌈paths / groupPaths⌉`.
  public var groupCount: Int {
    paths <= 0 ? 0 : paths / Self.groupPaths + (paths.isMultiple(of: Self.groupPaths) ? 0 : 1)
  }

  /// Part `part` of `parts` of the groups `0..<groupCount`, split as evenly as contiguous ranges
  /// allow: `⌊G·part/parts⌋ ..< ⌊G·(part+1)/parts⌋` (the split `riskreport-mpi` uses, rank by
  /// rank). A part is empty when there are more parts than groups.
  ///
  /// - Throws: `.parameterOutOfRange` unless `parts ≥ 1`, `0 ≤ part < parts` and
  ///   `groupCount ≥ 0`.
  public static func groups(part: Int, of parts: Int, groupCount: Int) throws(RiskKernelsError)
    -> Range<Int>
  {
    guard parts >= 1 else {
      throw .parameterOutOfRange(name: "parts", value: Double(parts), allowed: "≥ 1")
    }
    guard (0..<parts).contains(part) else {
      throw .parameterOutOfRange(name: "part", value: Double(part), allowed: "0..<\(parts)")
    }
    guard groupCount >= 0 else {
      throw .parameterOutOfRange(name: "groupCount", value: Double(groupCount), allowed: "≥ 0")
    }
    let (g, p) = (
      groupCount.multipliedFullWidth(by: part), groupCount.multipliedFullWidth(by: part + 1)
    )
    let lower = parts.dividingFullWidth((g.high, g.low)).quotient
    let upper = parts.dividingFullWidth((p.high, p.low)).quotient
    return lower..<upper
  }

  /// The largest `paths` and `steps` accepted (so no index arithmetic can overflow).
  public static var pathsLimit: Int { 1 << 48 }
  public static var stepsLimit: Int { 1 << 32 }

  func validate() throws(RiskKernelsError) {
    guard paths >= 1, paths <= Self.pathsLimit else {
      throw .parameterOutOfRange(name: "paths", value: Double(paths), allowed: "1 … 2⁴⁸")
    }
    if antithetic, !paths.isMultiple(of: 2) {
      throw .parameterOutOfRange(
        name: "paths", value: Double(paths), allowed: "even with antithetic variates")
    }
    guard steps >= 1, steps <= Self.stepsLimit else {
      throw .parameterOutOfRange(name: "steps", value: Double(steps), allowed: "1 … 2³²")
    }
    guard horizon > 0, horizon.isFinite else {
      throw .parameterOutOfRange(name: "horizon", value: horizon, allowed: "> 0 years")
    }
    if let threads, !(1...1024).contains(threads) {
      throw .parameterOutOfRange(name: "threads", value: Double(threads), allowed: "1...1024")
    }
    if let blockPaths,
      !(blockPaths >= 2 && blockPaths.isMultiple(of: 2) && blockPaths <= Self.groupPaths)
    {
      throw .parameterOutOfRange(
        name: "blockPaths", value: Double(blockPaths),
        allowed: "even, 2...\(Self.groupPaths)")
    }
  }
}

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
          name: "model[\(i)]", value: reach,
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
            name: "\(name)[\(i)]", value: Double(b),
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
