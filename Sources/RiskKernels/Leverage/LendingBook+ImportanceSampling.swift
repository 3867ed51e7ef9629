internal import RealModule

extension LendingBook {
  /// Loan `loan`'s default probability and expected default cost by importance sampling: the
  /// paths are drawn with the drifts moved toward the loan's default and weighted by their
  /// likelihood ratios, so a well-collateralised loan's rare default gets a small relative error
  /// from few paths.
  ///
  /// The shift (`MeanShift`) runs along the collateral's value weights `aᵢ = hᵢSᵢ(0)/C(0)`, so
  /// `aᵀX` is the collateral's linearised log-return. By default
  /// θ = (νT − ℓ)/s, with ℓ = ln(CR·L/C(0)), νT = Σ aᵢ(μᵢ − σᵢ²/2)T and s = √(T aᵀΣa). That puts
  /// the default threshold at the shifted mean of the linearised log-value. The likelihood ratio
  /// `w = exp(θaᵀX/s + θ²/2)` depends on the horizon alone. Each path's grid default,
  /// Brownian-bridge default (the basket's local volatility, as in `simulate`) and shortfall
  /// `(L − C(T))⁺` are weighted by it; the estimates are unbiased and their standard errors
  /// come from the weighted samples.
  ///
  /// - Parameters:
  ///   - k: the index of the loan in `loans`.
  ///   - settings: paths, steps, horizon, seed and threads; antithetic variates are refused.
  ///   - shiftSize: θ in `[0, 10]`; `nil` for the default above.
  /// - Throws: `.parameterOutOfRange` for a loan index out of range, antithetic settings or θ
  ///   outside `[0, 10]`; as `PathSimulator.run`.
  public func importanceSampled(
    loan k: Int, settings: SimulationSettings, shiftSize: Double? = nil
  ) throws(RiskKernelsError) -> ImportanceSampledLoan<Scalar> {
    guard loans.indices.contains(k) else {
      throw .parameterOutOfRange(name: "loan", value: Double(k), allowed: "0..<\(loans.count)")
    }
    try WeightedBarrierObserver<Scalar>.check(settings: settings, shiftSize: shiftSize)
    let loan = loans[k]
    let d = model.dimension
    let value = Double(collateralValues[k])
    let a = (0..<d).map { Double(loan.collateral[$0]) * Double(model.spot[$0]) / value }
    let threshold = Double(loan.liquidationRatio * loan.amount)
    let horizon = settings.horizon
    let theta =
      shiftSize
      ?? MeanShift.size(
        reaching: Double.log(threshold / value), model: model, direction: a, horizon: horizon)
    let shift = MeanShift(model: model, direction: a, size: theta, horizon: horizon)
    let sums = try WeightedBarrierObserver.run(
      Barrier(
        .basket(loan.collateral), level: loan.liquidationRatio * loan.amount, direction: .down,
        strike: loan.amount), model: model, settings: settings, shift: shift)
    return ImportanceSampledLoan(
      risk: LoanRisk(
        amount: loan.amount, collateralValue: collateralValues[k],
        collateralVolatility: collateralVolatilities[k],
        threshold: loan.liquidationRatio * loan.amount,
        defaultProbability: sums.estimate(1), defaultProbabilityOnGrid: sums.estimate(0),
        expectedDefaultCost: sums.estimate(3)),
      shiftSize: shift.size, driftShift: shift.driftShift, meanWeight: sums.estimate(2))
  }
}

/// A loan's default probability and cost by importance sampling
/// (`LendingBook.importanceSampled`), with the shift that drew them.
public struct ImportanceSampledLoan<Scalar: BLASScalar>: Sendable, Equatable, Codable {
  /// The default probabilities (continuous and on the grid) and the expected default cost,
  /// with standard errors.
  public let risk: LoanRisk<Scalar>
  /// θ, the shift in standard deviations of the collateral's linearised log-value.
  public let shiftSize: Double
  /// The annualised drift added to each asset.
  public let driftShift: [Double]
  /// The likelihood ratios' mean (1 within a few standard errors for a moderate shift).
  public let meanWeight: MonteCarloEstimate
}
