/// A loan of amount `L` against collateral holdings `h` (units of each model asset), in default
/// once the collateral value `C(t) = Σ hᵢ Sᵢ(t)` falls to `CR · L`, `CR` its collateral-ratio
/// threshold.
public struct CollateralizedLoan<Scalar: BLASScalar>: Sendable, Equatable {
  /// `L > 0`.
  public let amount: Scalar
  /// Units of each asset held as collateral (non-negative, not all zero).
  public let collateral: [Scalar]
  /// `CR > 0` (1.2: in default below 120% collateralisation).
  public let liquidationRatio: Scalar

  /// A loan of `amount` against `collateral` units of each asset, in default at
  /// `liquidationRatio` × `amount` of collateral value.
  ///
  /// - Throws: `.parameterOutOfRange` for an amount or ratio that is not positive and finite,
  ///   or negative or all-zero collateral; `.nonFiniteInput`.
  public init(amount: Scalar, collateral: [Scalar], liquidationRatio: Scalar)
    throws(RiskKernelsError)
  {
    for (value, name) in [(amount, "amount"), (liquidationRatio, "liquidationRatio")] {
      guard value > 0, value.isFinite else {
        throw .parameterOutOfRange(
          name: ParameterName(name), value: Double(value), allowed: "> 0, finite")
      }
    }
    try checkAllFinite(collateral, "collateral")
    guard collateral.allSatisfy({ $0 >= 0 }), collateral.contains(where: { $0 > 0 }) else {
      throw .parameterOutOfRange(
        name: "collateral", value: Double(collateral.min() ?? 0), allowed: "≥ 0, not all zero")
    }
    self.amount = amount
    self.collateral = collateral
    self.liquidationRatio = liquidationRatio
  }
}

/// The lending daily update: for loans on correlated collateral, the Monte Carlo default
/// probability of each loan over the horizon and the expected default cost
/// ```
/// cost = Σᵢ E[(Lᵢ − Cᵢ(T))⁺ · 1{defaultᵢ}] = Σᵢ P(defaultᵢ) · E[(Lᵢ − Cᵢ(T))⁺ | defaultᵢ]
/// ```
/// (the lending book's `Σ P(default_i)(L_i − C_i)⁺`, with `Cᵢ` the collateral at the horizon on the
/// paths where the loan defaulted), plus the rule-based parameters `rᵢ = r₀ + βσᵢ` and
/// `CRᵢ = CR_min + γσᵢ` from each loan's collateral volatility `σᵢ = √(wᵀΣw)`,
/// `wⱼ = hⱼSⱼ/C`.
///
/// Each loan is a down barrier at `CR·L` on its collateral basket with strike `L` (`Barrier`):
/// default is monitored continuously through the Brownian bridge with the basket's local
/// volatility, which is exact for single-asset collateral and an approximation that vanishes
/// as the grid is refined for a basket (use daily steps or finer).
public struct LendingBook<Scalar: BLASScalar>: Sendable {
  /// The collateral assets' model.
  public let model: CorrelatedGBM<Scalar>
  /// The loans, each on a basket of the model's assets.
  public let loans: [CollateralizedLoan<Scalar>]

  /// A book of loans on the model's assets.
  ///
  /// - Throws: `.dimensionMismatch` for collateral that does not have one entry per model asset;
  ///   `.parameterOutOfRange` for a loan already at or below its threshold at the spot (it is
  ///   in default now, not a risk to simulate).
  public init(model: CorrelatedGBM<Scalar>, loans: [CollateralizedLoan<Scalar>])
    throws(RiskKernelsError)
  {
    for (k, loan) in loans.enumerated() {
      try checkCount(loan.collateral, model.dimension, "loans[\(k)].collateral")
      let value = zip(loan.collateral, model.spot).reduce(Scalar(0)) { $0 + $1.0 * $1.1 }
      let threshold = loan.liquidationRatio * loan.amount
      guard value > threshold else {
        throw .parameterOutOfRange(
          name: "loans[\(k)] collateral value", value: Double(value),
          allowed: "> CR·L = \(threshold) (the loan is already in default)")
      }
    }
    self.model = model
    self.loans = loans
  }

  /// Each loan's collateral value at the spot prices.
  public var collateralValues: [Scalar] {
    loans.map { zip($0.collateral, model.spot).reduce(0) { $0 + $1.0 * $1.1 } }
  }

  /// Each loan's annualised collateral volatility `√(wᵀΣw)` at the spot prices.
  public var collateralVolatilities: [Scalar] {
    zip(loans, collateralValues).map { loan, value in
      MonitoredBarrier<Scalar>.basketVolatility(
        loan.collateral, model.spot, value: value, model.covarianceFactor)
    }
  }

  /// `rᵢ = r₀ + βσᵢ` and `CRᵢ = CR_min + γσᵢ` from `collateralVolatilities`
  /// (`LeverageControls.lendingParameters`).
  public func parameters(
    baseRate: Scalar, rateSensitivity: Scalar, minimumCollateralRatio: Scalar,
    ratioSensitivity: Scalar
  ) throws(RiskKernelsError) -> (rates: [Scalar], collateralRatios: [Scalar]) {
    try LeverageControls.lendingParameters(
      volatilities: collateralVolatilities, baseRate: baseRate, rateSensitivity: rateSensitivity,
      minimumCollateralRatio: minimumCollateralRatio, ratioSensitivity: ratioSensitivity)
  }

  /// Simulates the collateral and returns each loan's default probability and cost.
  ///
  /// - Throws: as `PathSimulator.run`.
  public func simulate(settings: SimulationSettings) throws(RiskKernelsError)
    -> LendingRisk<Scalar>
  {
    let barriers = loans.map {
      Barrier<Scalar>(
        .basket($0.collateral), level: $0.liquidationRatio * $0.amount, direction: .down,
        strike: $0.amount)
    }
    var hits: [BarrierHitEstimate] = []
    if !barriers.isEmpty {
      let observers = PathObservers<Scalar>(extremes: false, barriers: barriers)
      hits =
        try PathSimulator(model: model, settings: settings, observers: observers).run()
        .barrierHits ?? []
    }
    let values = collateralValues
    let volatilities = collateralVolatilities
    let risks = loans.indices.map { k in
      LoanRisk(
        amount: loans[k].amount, collateralValue: values[k],
        collateralVolatility: volatilities[k],
        threshold: loans[k].liquidationRatio * loans[k].amount,
        defaultProbability: hits[k].continuous, defaultProbabilityOnGrid: hits[k].onGrid,
        expectedDefaultCost: hits[k].shortfall!)
    }
    return LendingRisk(loans: risks)
  }
}

/// The simulated risk of a book of loans.
public struct LendingRisk<Scalar: BLASScalar>: Sendable, Equatable, Codable {
  /// Each loan's risk, in the book's order.
  public let loans: [LoanRisk<Scalar>]

  /// `Σᵢ E[(Lᵢ − Cᵢ(T))⁺ · 1{defaultᵢ}]`.
  public var expectedDefaultCost: Double { loans.reduce(0) { $0 + $1.expectedDefaultCost.value } }

  /// `Σᵢ SEᵢ`: an upper bound on the standard error of `expectedDefaultCost` (the loans share
  /// paths, so their errors are correlated; by Minkowski's inequality the sum of the standard
  /// errors bounds the standard error of the sum).
  public var expectedDefaultCostStandardErrorBound: Double {
    loans.reduce(0) { $0 + $1.expectedDefaultCost.standardError }
  }
}

/// One loan's simulated risk: the loan's figures in the book's precision, the probabilities and
/// the cost as `Double` estimates (a run's statistics are accumulated in `Double` whatever its
/// paths' precision).
public struct LoanRisk<Scalar: BLASScalar>: Sendable, Equatable, Codable {
  /// The loan amount L.
  public let amount: Scalar
  /// `C(0)`.
  public let collateralValue: Scalar
  /// `√(wᵀΣw)` at time 0 (annualised).
  public let collateralVolatility: Scalar
  /// `CR · L`: default when the collateral value falls to it.
  public let threshold: Scalar
  /// Falling to the threshold at any time before the horizon (continuous monitoring).
  public let defaultProbability: MonteCarloEstimate
  /// Seen at or below the threshold at one of the simulation's dates.
  public let defaultProbabilityOnGrid: MonteCarloEstimate
  /// `E[(L − C(T))⁺ · 1{default}]`.
  public let expectedDefaultCost: MonteCarloEstimate

  /// `C(0)/L`.
  public var collateralRatio: Scalar { collateralValue / amount }
}
