import ArgumentParser
import Foundation
import RiskKernels

/// `riskreport backtest`: a rolling one-day VaR on the price history, tested against the
/// realised returns (Kupiec, Christoffersen, Basel traffic light).
struct BacktestCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "backtest",
    abstract: "Backtest a rolling one-day VaR of a portfolio on its price history.",
    discussion: """
      For each day after the first --window days, the one-day VaR is estimated from the previous \
      --window daily simple returns of the portfolio (parametric: normal with zero mean and the \
      window's standard deviation; cornish-fisher; historical) and compared with that day's \
      return. Reports exceedances, Kupiec's and Christoffersen's statistics with p-values, and \
      the Basel zone. --weights: CSV with the header asset,weight.
      """
  )

  @OptionGroup var estimation: EstimationOptions<SampleByDefault>
  @Option(help: "Weights CSV (asset,weight), summing to 1.") var weights: String
  @Option(parsing: .unconditional, help: "Estimation window in days.") var window: Int = 250
  @OptionGroup var tail: ConfidenceOption
  @Option(help: "parametric, cornish-fisher, historical or ewma.") var method: BacktestMethod =
    .historical
  @OptionGroup var output: OutputOption

  func validate() throws {
    guard estimation.histories == .complete else {
      throw ValidationError(
        "--histories: backtest uses the portfolio's daily returns, which need every asset priced (complete rows only)"
      )
    }
    guard window >= 20 else { throw ValidationError("--window: \(window) must be at least 20") }
    // The rolling methods read the portfolio's returns, never a covariance estimate; `--decay`
    // is the ewma method's λ.
    guard estimation.estimator == .sample else {
      throw ValidationError(
        "--estimator: backtest's methods use the portfolio's returns, not a covariance estimate (--method ewma takes --decay)"
      )
    }
  }

  func run() throws {
    let path = estimation.pricePath
    let file = try PriceFile(path: path)
    let w = try AssetValueFile.weights(path: weights, assets: file.assets)
    let (simple, _) = try file.returns(kind: .simple, as: Double.self)
    let backtest: VaRBacktest
    do {
      let portfolio = try simple.multiplied(by: w)
      backtest = try method.rolling(
        portfolio, window: window, confidence: tail.confidence, ewmaDecay: estimation.decay
      ).backtest
    } catch let error as InputError {
      throw error
    } catch {
      throw InputError(location: .file(path), message: "\(error)")
    }
    if output.format == .json {
      FileHandle.standardOutput.write(try ReportJSON.encode(backtest))
    } else {
      var out =
        "Backtest of a rolling \(window)-day \(method.rawValue) VaR at \(tail.confidence * 100)% on \(backtest.observations) days\n"
      out +=
        "exceedances: \(backtest.exceedances) (expected \(String(format: "%.1f", backtest.expectedExceedances)))   zone: \(backtest.zone.rawValue)\n"
      out += String(
        format: "Kupiec POF:               LR = %8.4f   p = %.4f\n", backtest.kupiecStatistic,
        backtest.kupiecPValue)
      out += String(
        format: "Christoffersen ind.:      LR = %8.4f   p = %.4f\n", backtest.independenceStatistic,
        backtest.independencePValue)
      out += String(
        format: "conditional coverage:     LR = %8.4f   p = %.4f\n",
        backtest.conditionalCoverageStatistic, backtest.conditionalCoveragePValue)
      FileHandle.standardOutput.write(Data(out.utf8))
    }
  }
}

/// The `--method` of `backtest` (and the report's backtest): the library's `RollingVaR.Method`
/// by the same names.
enum BacktestMethod: String, ExpressibleByArgument, CaseIterable {
  case parametric
  case cornishFisher = "cornish-fisher"
  case historical
  case ewma

  var method: RollingVaR.Method { RollingVaR.Method(rawValue: rawValue)! }

  /// The library's rolling backtest (λ = `ewmaDecay` for the ewma method), with a window that
  /// leaves fewer than 2 days to test reported against `--window`.
  func rolling(_ portfolio: [Double], window: Int, confidence: Double, ewmaDecay: Double = 0.94)
    throws -> (backtest: VaRBacktest, valueAtRisk: [Double])
  {
    guard portfolio.count > window + 1 else {
      throw InputError(
        location: .flag("--window"),
        message: "\(window) leaves fewer than 2 days to test in \(portfolio.count) returns")
    }
    let result = try RollingVaR(
      method: method, window: window, confidence: confidence, ewmaDecay: ewmaDecay
    ).backtest(portfolio)
    return (result.backtest, result.valueAtRisk)
  }

  /// One window's VaR by this method at `confidence`.
  func valueAtRisk(_ returns: [Double], confidence: Double) throws -> Double {
    try RollingVaR(method: method, window: max(returns.count, 2), confidence: confidence)
      .valueAtRisk(ofWindow: returns)
  }
}
