import ArgumentParser
import Foundation
import RiskKernels

/// `riskreport cadence`: how often the portfolio's risk must be re-estimated
/// (`CadenceAnalysis`).
struct CadenceCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "cadence",
    abstract: "How often must the risk be updated? Refresh intervals scored on the price history.",
    discussion: """
      For each --intervals k, a rolling backtest re-estimates the portfolio's variance from the \
      previous --window daily simple returns only every k days and holds it in between: the \
      normal VaR's exceedances with Kupiec's p-value, and the Gaussian log score of the variance \
      forecast against k = 1. Recommends the longest interval whose mean loss stays within \
      --tolerance of k = 1's, beside the measured cost of one refresh. The portfolio comes \
      from --portfolio (holdings or weights; default: the bundled example).
      """
  )

  @OptionGroup var estimation: EstimationOptions<SampleByDefault>
  @Option(help: "Portfolio JSON (default: the bundled example).") var portfolio: String?
  @Option(help: "Refresh intervals in periods, comma-separated.") var intervals: String =
    "1,5,21,63"
  @Option(parsing: .unconditional, help: "Estimation window in periods.") var window: Int = 250
  @OptionGroup var tail: ConfidenceOption
  @Option(parsing: .unconditional, help: "Largest excess of the mean daily log score over k = 1.")
  var tolerance: Double = 0.01
  @OptionGroup var output: OutputOption

  /// The parsed intervals: distinct, ascending, each in 1...10000, 1 included.
  static func parse(_ text: String) throws -> [Int] {
    var out: [Int] = []
    for part in text.split(separator: ",", omittingEmptySubsequences: false) {
      guard let k = Int(part.trimmingCharacters(in: .whitespaces)), (1...10_000).contains(k) else {
        throw ValidationError(
          "--intervals: '\(part)' is not a whole number of periods in 1...10000")
      }
      guard !out.contains(k) else { throw ValidationError("--intervals: \(k) is listed twice") }
      out.append(k)
    }
    return Array(Set(out + [1])).sorted()
  }

  func validate() throws {
    _ = try Self.parse(intervals)
    guard estimation.histories == .complete else {
      throw ValidationError(
        "--histories: cadence backtests the portfolio's daily returns, which need every asset priced (complete rows only)"
      )
    }
    guard tolerance > 0, tolerance <= 10 else {
      throw ValidationError("--tolerance: \(tolerance) must be in (0, 10]")
    }
    guard (20...100_000).contains(window) else {
      throw ValidationError("--window: \(window) must be in 20...100000")
    }
  }

  func run() throws {
    let path = estimation.pricePath
    let file = try PriceFile(path: path)
    let spot = try file.lastCompletePrices()
    let weights = try PortfolioFile(
      path: portfolio ?? BundledData.examplePortfolio, assets: file.assets, spot: spot
    ).weights
    let (simple, _) = try file.returns(kind: .simple, as: Double.self)
    let result: CadenceAnalysis.Result
    do {
      result = try CadenceAnalysis(
        window: window, intervals: try Self.parse(intervals), confidence: tail.confidence,
        estimator: estimation.covarianceEstimator, tolerance: tolerance
      ).run(returns: simple, weights: weights)
    } catch let error as InputError {
      throw error
    } catch {
      throw InputError(location: .file(path), message: "\(error)")
    }
    let text = output.format == .json ? try ReportJSON.text(result) : Self.table(result)
    FileHandle.standardOutput.write(Data(text.utf8))
  }

  static func table(_ r: CadenceAnalysis.Result) -> String {
    var out =
      "Refresh intervals on \(r.days) days (window \(r.window), normal VaR at \(r.confidence * 100)%)\n\n"
    out +=
      "interval  exceedance rate  Kupiec p     log score   excess over k=1 ± s.e.   within\n"
    for i in r.intervals {
      out +=
        String(
          format: "%8d  %15.4f  %8.4f  %12.5f   %+10.5f ± %.5f   ", i.interval, i.exceedanceRate,
          i.kupiecPValue, i.loss, i.lossDifference, i.lossDifferenceStandardError)
        + (i.withinTolerance ? "yes" : "no") + "\n"
    }
    out += "\n\(r.recommendation).\n"
    out += "\nupdate                 one refresh (median)  budget     headroom   work\n"
    for u in r.updates {
      out +=
        u.update.padding(toLength: 23, withPad: " ", startingAt: 0)
        + String(format: "%14.3f ms     ", u.refreshSeconds * 1e3)
        + ReportSection.budget(u.budgetSeconds).padding(toLength: 11, withPad: " ", startingAt: 0)
        + String(format: "%.3g×", u.budgetSeconds / u.refreshSeconds).padding(
          toLength: 11, withPad: " ", startingAt: 0)
        + u.work + "\n"
    }
    return out
  }
}
