import ArgumentParser
import Foundation
import RiskKernels

/// `riskreport covariance`: a covariance estimate of daily returns from a price file.
struct CovarianceCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "covariance",
    abstract: "Estimate the covariance of daily returns from a CSV of prices.",
    discussion: """
      The price file has a header row (a date or index column, then one column per asset) and \
      one row per observation; empty cells are missing prices. Only complete rows are used \
      (rows where every asset has a price); the number dropped is reported. The covariance is \
      of daily returns, not annualised. Without --prices, the bundled example is used \
      (Quandl WIKI Prices, public domain, via bokeh-sampledata).
      """
  )

  @OptionGroup var estimation: EstimationOptions<SampleByDefault>

  @Option(help: "Returns: log or simple.")
  var returns: ReturnChoice = .log

  @Option(help: "Output: table, csv (header of asset names, then the d×d matrix) or json.")
  var format: OutputFormat = .table

  @OptionGroup var calendar: CalendarOption

  func run() throws {
    let path = estimation.pricePath
    let file = try PriceFile(path: path)
    let estimated = try file.covariance(
      kind: returns.kind, estimator: estimation.covarianceEstimator,
      histories: estimation.histories, as: Double.self)
    let (estimate, dropped) = (estimated.estimate, estimated.droppedRows)
    // Only the table annualises; a file whose dates do not tell its calendar gets no annual
    // column there rather than an error.
    let result = CovarianceResult(
      assets: file.assets, estimator: estimation.estimator.rawValue, returns: returns.rawValue,
      observations: estimate.observationCount, droppedRows: dropped, estimate: estimate,
      histories: estimation.histories.rawValue, assetObservations: estimated.observations,
      calendar: try? PriceCalendar.resolve(
        flag: calendar.periodsPerYear, labels: file.labels, path: path))
    let text: String
    switch format {
    case .table: text = try result.table()
    case .csv: text = try result.csv()
    case .json: text = try result.json()
    }
    FileHandle.standardOutput.write(Data(text.utf8))
  }
}

enum EstimatorChoice: String, ExpressibleByArgument, CaseIterable {
  case sample
  case ewma
  case ledoitWolf = "ledoit-wolf"
  case constantCorrelation = "constant-correlation"
  case oas

  func make(decay: Double) -> any CovarianceEstimator {
    switch self {
    case .sample: return SampleCovariance()
    case .ewma: return EWMACovariance(decay: decay)
    case .ledoitWolf: return LedoitWolf()
    case .constantCorrelation: return ConstantCorrelationShrinkage()
    case .oas: return OracleApproximatingShrinkage()
    }
  }

  /// How the estimate is described in the table.
  var title: String {
    switch self {
    case .sample: return "sample covariance, unbiased 1/(n−1)"
    case .ewma: return "EWMA (RiskMetrics, zero mean)"
    case .ledoitWolf: return "Ledoit-Wolf toward scaled identity (scikit-learn, 1/n)"
    case .constantCorrelation: return "Ledoit-Wolf toward constant correlation (2004, 1/n)"
    case .oas: return "OAS toward scaled identity (scikit-learn, 1/n)"
    }
  }
}

enum ReturnChoice: String, ExpressibleByArgument, CaseIterable {
  case log
  case simple
  var kind: ReturnKind { self == .log ? .log : .simple }
}

/// Paths of the data shipped with riskreport.
enum BundledData {
  static var examplePrices: String {
    Bundle.module.path(
      forResource: "quandl_wiki_4stocks_2004_2013_prices", ofType: "csv", inDirectory: "Resources")
      ?? "Sources/RiskReportCore/Resources/quandl_wiki_4stocks_2004_2013_prices.csv"
  }

  static var exampleCascadeBook: String {
    Bundle.module.path(
      forResource: "example_cascade_book", ofType: "json", inDirectory: "Resources")
      ?? "Sources/RiskReportCore/Resources/example_cascade_book.json"
  }
  static var examplePortfolio: String {
    Bundle.module.path(forResource: "example_portfolio", ofType: "json", inDirectory: "Resources")
      ?? "Sources/RiskReportCore/Resources/example_portfolio.json"
  }
}
