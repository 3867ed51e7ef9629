import Foundation
import RiskKernels

/// "How often must we update?", answered from the price history: for each refresh interval k
/// (in periods), a rolling backtest in which the portfolio's variance forecast `wᵀΣ̂w` (Σ̂ from
/// the previous `window` returns) is re-estimated only every k periods and held in between,
/// scored against re-estimating every period (k = 1).
///
/// For each interval: the normal one-day VaR's exceedances (`z·σ̂`, zero mean) with Kupiec's
/// p-value, and the mean Gaussian log score of the variance forecast,
/// `L_t = ln σ̂²_t + r_t²/σ̂²_t` (a proper scoring rule for the variance; QLIKE up to a constant,
/// Patton 2011). An interval is *within tolerance* when its mean loss exceeds k = 1's by at most
/// `tolerance` (per day; default 0.01). The excess's standard error is reported beside it
/// (Newey–West with k lags, since a forecast held for k days makes neighbouring differences
/// dependent), but it is not the criterion: after a volatility jump the excess is large and
/// concentrated in a few days, which makes that error large too, and a rule of two standard
/// errors let a 63-day interval through (excess 1.40 ± 1.15) where the tolerance does not; on
/// constant-volatility histories the excesses measured stayed below 0.0013. The recommendation
/// is the longest interval within tolerance.
struct CadenceAnalysis {
  let window: Int
  let intervals: [Int]
  let confidence: Double
  let estimator: any CovarianceEstimator
  /// The largest excess of the mean daily log score over k = 1's that an interval may have.
  var tolerance = 0.01

  struct Interval: Codable, Equatable {
    let interval: Int
    let exceedances: Int
    let exceedanceRate: Double
    let kupiecPValue: Double
    /// The mean log score, and its excess over k = 1 with that excess's standard error.
    let loss: Double
    let lossDifference: Double
    let lossDifferenceStandardError: Double
    let withinTolerance: Bool
  }

  struct Result: Codable, Equatable {
    let window: Int
    let confidence: Double
    let tolerance: Double
    /// Days tested (after the first window).
    let days: Int
    let intervals: [Interval]
    /// The longest interval within tolerance, and what that means in words.
    let recommendedInterval: Int
    let recommendation: String
    /// The measured time of one refresh (the covariance of a window and the VaR) at this
    /// portfolio's size, against the per-block refresh budget: a timing field, different on
    /// every run.
    var refreshSeconds: Double
    let budgetSeconds: Double
    /// The updates the question is asked of — the quote, the per-block VaR, the lending
    /// parameters and the rebalance — each one refresh of the same covariance forecast followed
    /// by its own work, timed against its use case's budget. They share the forecast, so the
    /// recommended interval answers each; the timings say what refreshing every period costs.
    var updates: [Update] = []
  }

  /// One update's refresh: what it does, its measured time (median of 9; a timing field) and
  /// its use case's budget (sub-second quote, 400 ms block, 1 h rebalance, 1 day lending update).
  struct Update: Codable, Equatable {
    let update: String
    let work: String
    var refreshSeconds: Double
    let budgetSeconds: Double
  }

  static let budgetSeconds = UseCase.fastBlock.budgetSeconds

  /// - Throws: `InputError` for `--window` when fewer than 2 days remain to test, or an
  ///   interval longer than the days tested; what the estimator rejects.
  func run(returns simple: Matrix<Double>, weights: [Double]) throws -> Result {
    let n = simple.rows
    guard n > window + 1 else {
      throw InputError(
        location: .flag("--window"),
        message: "\(window) leaves fewer than 2 days to test in \(n) returns")
    }
    let days = n - window
    if let long = intervals.first(where: { $0 > days }) {
      throw InputError(
        location: .flag("--intervals"), message: "\(long) is longer than the \(days) days tested")
    }
    let rows = simple.rowArrays
    let portfolio = try simple.multiplied(by: weights)
    // The forecast of every day from its own window (k = 1); longer intervals read these at
    // their refresh days.
    var variance = [Double](repeating: 0, count: days)
    for t in 0..<days {
      let sigma = try estimator.estimate(from: Matrix(Array(rows[t..<(t + window)]))).covariance
      let volatility = try RiskContributions(weights: weights, covariance: sigma)
        .portfolioVolatility
      variance[t] = volatility * volatility
      guard variance[t] > 0, variance[t].isFinite else {
        throw InputError(
          location: .flag("--window"),
          message:
            "the portfolio's returns do not vary over the \(window) days before test day \(t + 1): no variance to forecast"
        )
      }
    }
    let z = try ParametricVaR(confidence: confidence).measure(
      weights: [1.0], covariance: Matrix([[1.0]])
    ).valueAtRisk
    let realised = Array(portfolio[window...])
    func losses(_ k: Int) -> (losses: [Double], valueAtRisk: [Double]) {
      var out: [Double] = []
      var vars: [Double] = []
      for t in 0..<days {
        let s2 = variance[t / k * k]
        out.append(Foundation.log(s2) + realised[t] * realised[t] / s2)
        vars.append(z * s2.squareRoot())
      }
      return (out, vars)
    }
    let base = losses(1).losses
    var results: [Interval] = []
    for k in intervals {
      let (l, vars) = losses(k)
      let backtest = try VaRBacktest(valueAtRisk: vars, returns: realised, confidence: confidence)
      let differences = zip(l, base).map { $0 - $1 }
      let meanDifference = differences.reduce(0, +) / Double(days)
      let error = Self.neweyWestError(differences, lags: min(k, days / 4))
      results.append(
        Interval(
          interval: k, exceedances: backtest.exceedances,
          exceedanceRate: Double(backtest.exceedances) / Double(days),
          kupiecPValue: backtest.kupiecPValue, loss: l.reduce(0, +) / Double(days),
          lossDifference: meanDifference, lossDifferenceStandardError: error,
          withinTolerance: meanDifference <= tolerance))
    }
    let recommended = results.filter(\.withinTolerance).map(\.interval).max() ?? 1
    let longer = results.filter { $0.interval > 1 }
    let recommendation =
      longer.isEmpty
      ? "only k = 1 was tried"
      : longer.allSatisfy({ !$0.withinTolerance })
        ? "every interval tried degrades the forecast by more than \(tolerance) a day: refresh every period"
        : "refresh every \(recommended) periods: its forecast loss stays within \(tolerance) a day of refreshing every period"
    let updates = try updateTimes(rows: Array(rows.suffix(window)), weights: weights)
    return Result(
      window: window, confidence: confidence, tolerance: tolerance, days: days,
      intervals: results,
      recommendedInterval: recommended, recommendation: recommendation,
      refreshSeconds: updates[1].refreshSeconds, budgetSeconds: Self.budgetSeconds,
      updates: updates)
  }

  /// Each update's refresh on the last window (`rows`): the window's covariance, then
  /// - the quote: the portfolio's volatility and an Avellaneda–Stoikov spread
  ///   (`AdaptiveSpread`), budget 1 s (sub-second);
  /// - the per-block VaR: the portfolio's volatility, budget 400 ms;
  /// - the lending parameters: each asset's volatility and the rules r = r₀ + βσ,
  ///   CR = CR_min + γσ (`LeverageControls.lendingParameters`), budget 1 day;
  /// - the rebalance: the equal-risk-contribution weights (`RiskBudgetingSolver`), budget 1 h.
  private func updateTimes(rows: [[Double]], weights: [Double]) throws -> [Update] {
    let window = try Matrix(rows)
    let spread = try AdaptiveSpread<Double>(riskAversion: 0.1, depth: 1.5)
    let work: [(String, String, Double, () throws -> Void)] = [
      (
        "quote", "covariance, portfolio volatility, spread", UseCase.quote.budgetSeconds,
        {
          let sigma = try estimator.estimate(from: window).covariance
          let v = try RiskContributions(weights: weights, covariance: sigma).portfolioVolatility
          _ = try spread.quotes(mid: 1, volatility: v, inventory: 0, timeLeft: 1)
        }
      ),
      (
        "per-block VaR", "covariance, portfolio volatility", Self.budgetSeconds,
        {
          let sigma = try estimator.estimate(from: window).covariance
          _ = try RiskContributions(weights: weights, covariance: sigma).portfolioVolatility
        }
      ),
      (
        "lending parameters", "covariance, each asset's volatility, r and CR",
        UseCase.lending.budgetSeconds,
        {
          let sigma = try estimator.estimate(from: window).covariance
          _ = try LeverageControls.lendingParameters(
            volatilities: sigma.diagonal.map { $0.squareRoot() }, baseRate: 0.02,
            rateSensitivity: 0.1, minimumCollateralRatio: 1.2, ratioSensitivity: 0.5)
        }
      ),
      (
        "risk-parity rebalance", "covariance, risk-parity weights", UseCase.rebalance.budgetSeconds,
        {
          let sigma = try estimator.estimate(from: window).covariance
          _ = try RiskBudgetingSolver().solve(covariance: sigma)
        }
      ),
    ]
    return try work.map { update, what, budget, body in
      Update(
        update: update, work: what, refreshSeconds: try Self.median(of: body),
        budgetSeconds: budget)
    }
  }

  /// The median wall time of 9 runs of `body`.
  private static func median(of body: () throws -> Void) throws -> Double {
    let clock = ContinuousClock()
    var times: [Double] = []
    for _ in 0..<9 {
      let start = clock.now
      try body()
      let d = start.duration(to: clock.now)
      times.append(Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18)
    }
    return times.sorted()[times.count / 2]
  }

  /// The standard error of the mean of `x` with Newey–West (Bartlett) weights over `lags`
  /// autocovariances (Newey & West 1987).
  static func neweyWestError(_ x: [Double], lags: Int) -> Double {
    let n = Double(x.count)
    let mean = x.reduce(0, +) / n
    func gamma(_ j: Int) -> Double {
      var s = 0.0
      for t in j..<x.count { s += (x[t] - mean) * (x[t - j] - mean) }
      return s / n
    }
    var variance = gamma(0)
    if lags > 0 {
      for j in 1...lags { variance += 2 * (1 - Double(j) / Double(lags + 1)) * gamma(j) }
    }
    return (max(variance, 0) / n).squareRoot()
  }
}
