/// A VaR/ES method: a `Sendable` value holding its settings (the confidence, and the horizon
/// where the method scales), with one verb, `measure`, that returns a `TailRisk`.
///
/// The sample methods measure a sample of returns or P&L (historical returns, simulated paths):
/// `EmpiricalVaR` (the empirical quantile and tail mean, historical simulation's rule),
/// `CornishFisherVaR` (the moment expansion) and `ParametricVaR` (the fitted normal). So one
/// sample can be measured by each:
/// ```swift
/// let methods: [any TailRiskMeasure] = [
///   EmpiricalVaR(confidence: 0.99), CornishFisherVaR(confidence: 0.99),
///   ParametricVaR(confidence: 0.99),
/// ]
/// let risks = try methods.map { try $0.measure(dailyReturns) }
/// ```
/// The same types measure a portfolio with the same verb where the method allows it, with Euler
/// components: `ParametricVaR.measure(weights:covariance:means:)` and
/// `EmpiricalVaR.measure(contributions:)`. `MonteCarloVaR` has the same shape (a value holding its
/// confidence, one verb, a `TailRisk`) but does not conform: it measures a model of the portfolio
/// by simulating it, not a sample it is given.
///
/// A method's horizon is its own: `ParametricVaR` scales to its `horizon` by √h, while the
/// empirical and Cornish–Fisher figures are those of the sample's own period.
public protocol TailRiskMeasure: Sendable {
  /// The confidence level `c` in `[0.5, 1)`: VaR is the loss exceeded with probability `1 − c`.
  var confidence: Double { get }

  /// VaR and ES of a sample of returns (or P&L), as positive losses.
  func measure<T: BLASScalar>(_ returns: [T]) throws(RiskKernelsError) -> TailRisk<T>
}
