/// Monte Carlo VaR and ES of a portfolio of holdings over a simulation's horizon, with Euler
/// components, from the engine's simulated terminal prices.
///
/// Each path k gives the portfolio return `R_k = Σᵢ hᵢ (S_{T,k,i} − S_{0,i}) / V₀` with
/// `V₀ = Σᵢ hᵢ S_{0,i}`, split into per-asset contributions `hᵢ (S_{T,k,i} − S_{0,i}) / V₀`. VaR,
/// ES and their components are those of `EmpiricalVaR.fromContributions` on that sample, so the
/// components sum to the totals. The paths are `PathSimulator`'s: reproducible from the seed and
/// identical on any thread count. Memory: the N × d terminal prices are kept.
public enum MonteCarloVaR {
  /// - Throws: what `PathSimulator` throws for the model and settings; `.dimensionMismatch` or
  ///   `.nonFiniteInput` for the holdings; `.parameterOutOfRange` for a confidence outside
  ///   `[0.5, 1)` or `V₀ ≤ 0` (a net short book has no return on value; pass P&L weights instead).
  /// - Parameter progress: passed to `PathSimulator.run`.
  @specialized(where T == Double)
  @specialized(where T == Float)
  public static func portfolio<T: BLASScalar>(
    model: CorrelatedGBM<T>, holdings: [T], settings: SimulationSettings, confidence: Double,
    progress: (@Sendable (_ pathsDone: Int) -> Void)? = nil
  ) throws(RiskKernelsError) -> TailRisk<T> {
    try checkConfidence(confidence)
    let d = model.dimension
    try checkCount(holdings, d, "holdings")
    try checkAllFinite(holdings, "holdings")
    var initial: T = 0
    for i in 0..<d { initial += holdings[i] * model.spot[i] }
    guard initial > 0 else {
      throw .parameterOutOfRange(
        name: "portfolio value Σ hᵢ Sᵢ(0)", value: Double(initial), allowed: "> 0")
    }
    let result = try PathSimulator(
      model: model, settings: settings,
      observers: PathObservers(keepTerminalPrices: true, extremes: false)
    ).run(progress: progress)
    guard let prices = result.terminalPrices else {
      throw .backend(routine: "PathSimulator terminal prices", status: 0)
    }
    let n = prices.rows
    var contributions = try Matrix<T>(rows: n, columns: d)
    for i in 0..<d {
      let scale = holdings[i] / initial
      for k in 0..<n {
        contributions.storage[k + i * n] = scale * (prices.storage[k + i * n] - model.spot[i])
      }
    }
    return try EmpiricalVaR.fromContributions(contributions, confidence: confidence)
  }
}
