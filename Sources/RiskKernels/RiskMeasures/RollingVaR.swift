/// A rolling one-day VaR of a return series, and its backtest against the realised returns: for
/// each day t after the first `window`, the VaR from the previous `window` returns by `method`,
/// compared with day t's return (`VaRBacktest`: Kupiec, Christoffersen, the Basel zone).
///
/// The methods on one window `r₁ … r_n` of daily returns:
/// - `parametric`: normal with zero mean and the window's sample standard deviation,
///   `VaR = z_c · s` (`ParametricVaR`);
/// - `cornishFisher`: the Cornish–Fisher expansion of the window's moments (`CornishFisherVaR`);
/// - `historical`: the window's empirical quantile (`EmpiricalVaR`);
/// - `ewma`: RiskMetrics, normal with `σ² = (1 − λ) Σₖ λᵏ r²_{n−k} / (1 − λⁿ)`, the weights
///   normalised over the window (J.P. Morgan/Reuters, *RiskMetrics — Technical Document*, 1996,
///   λ = 0.94 for daily data).
///
/// ```swift
/// let rolling = try RollingVaR(method: .historical, window: 250, confidence: 0.99)
/// let result = try rolling.backtest(portfolioReturns)
/// result.backtest.zone; result.valueAtRisk   // one VaR per tested day
/// ```
public struct RollingVaR: Sendable, Equatable {
  /// How each window's VaR is estimated.
  public enum Method: String, Sendable, Equatable, Codable, CaseIterable {
    /// Normal, zero mean, the window's sample standard deviation.
    case parametric
    /// The Cornish–Fisher expansion of the window's skewness and excess kurtosis.
    case cornishFisher = "cornish-fisher"
    /// The window's empirical quantile.
    case historical
    /// Normal with RiskMetrics' exponentially weighted variance (λ = `ewmaDecay`).
    case ewma
  }

  /// The backtest and the VaR of every tested day (day `window + i` of the series for entry i).
  public struct Result: Sendable, Equatable {
    /// The exceedances and the coverage tests.
    public let backtest: VaRBacktest
    /// The one-day VaR of every tested day, as a positive loss.
    public let valueAtRisk: [Double]
  }

  /// How each day's VaR is estimated.
  public let method: Method
  /// Returns per estimation window, at least 2 (the methods need more: see their errors).
  public let window: Int
  /// The VaR's confidence level.
  public let confidence: Double
  /// λ of the `ewma` method.
  public let ewmaDecay: Double

  /// A rolling backtest by `method` over windows of `window` returns.
  ///
  /// - Throws: `.parameterOutOfRange` for a window below 2, a confidence outside (0, 1) or a
  ///   decay outside (0, 1).
  public init(method: Method, window: Int, confidence: Double, ewmaDecay: Double = 0.94)
    throws(RiskKernelsError)
  {
    guard window >= 2 else {
      throw .parameterOutOfRange(name: "window", value: Double(window), allowed: "≥ 2")
    }
    guard confidence > 0, confidence < 1 else {
      throw .parameterOutOfRange(name: "confidence", value: confidence, allowed: "0 < c < 1")
    }
    guard ewmaDecay > 0, ewmaDecay < 1 else {
      throw .parameterOutOfRange(name: "ewmaDecay", value: ewmaDecay, allowed: "0 < λ < 1")
    }
    self.method = method
    self.window = window
    self.confidence = confidence
    self.ewmaDecay = ewmaDecay
  }

  /// Each day's VaR from the `window` returns before it, and the backtest of all of them.
  ///
  /// - Throws: `.insufficientData` for fewer than `window + 2` returns (two days to test at
  ///   least); what the method throws for a window (constant returns, too few for its moments).
  public func backtest(_ returns: [Double]) throws(RiskKernelsError) -> Result {
    guard returns.count > window + 1 else {
      throw .insufficientData(argument: "returns", required: window + 2, actual: returns.count)
    }
    var series: [Double] = []
    series.reserveCapacity(returns.count - window)
    for t in window..<returns.count {
      series.append(try valueAtRisk(ofWindow: Array(returns[(t - window)..<t])))
    }
    let backtest = try VaRBacktest(
      valueAtRisk: series, returns: Array(returns[window...]), confidence: confidence)
    return Result(backtest: backtest, valueAtRisk: series)
  }

  /// The one-day VaR (a positive loss) from one window of returns, by `method`.
  ///
  /// - Throws: `.insufficientData` for fewer than 2 returns; what the method throws.
  public func valueAtRisk(ofWindow returns: [Double]) throws(RiskKernelsError) -> Double {
    guard returns.count >= 2 else {
      throw .insufficientData(argument: "returns", required: 2, actual: returns.count)
    }
    switch method {
    case .parametric:
      return try ParametricVaR(confidence: confidence).measure(returns).valueAtRisk
    case .cornishFisher:
      return try CornishFisherVaR(confidence: confidence).measure(returns).valueAtRisk
    case .historical:
      return try EmpiricalVaR(confidence: confidence).measure(returns).valueAtRisk
    case .ewma:
      var (sum, weight, w) = (0.0, 0.0, 1 - ewmaDecay)
      for r in returns.reversed() {
        sum += w * r * r
        weight += w
        w *= ewmaDecay
      }
      return try ParametricVaR(confidence: confidence).measure(
        weights: [1.0], covariance: try Matrix([[sum / weight]])
      ).valueAtRisk
    }
  }
}
