import Foundation
import RiskKernels

/// A simulation's results in Double, rendered as a table or as JSON with stable keys:
/// `{"paths", "steps", "horizonDays", "periodsPerYear", "calendar", "seed", "assets", "terminal": {"mean", "standardError",
/// "quantiles": {"0.01", "0.05", "0.5", "0.95", "0.99"}}, "minimum": {"mean", "standardError"}, …}`.
/// Nothing that depends on the thread count (no timings) goes in, so the JSON is byte-identical
/// for any --threads.
struct SimulationReport: Encodable {
  struct Statistics: Encodable {
    let mean: [Double]
    let standardError: [Double]
    var quantiles: [String: [Double]]?
  }

  var paths: Int
  let steps: Int
  let horizonDays: Double
  /// Periods per year, `trading` or `calendar`, and why (`PriceCalendar`).
  let periodsPerYear: Double
  let calendar: PriceCalendar.Kind
  let calendarReason: String
  var seed: UInt64
  let antithetic: Bool
  let generator: String
  /// `pseudo` or `sobol`; with sobol the means and standard errors are over `replicates`
  /// independent scramblings (`RandomizedQMC`), and `generator` is `sobol`.
  var sampler = "pseudo"
  var replicates: Int?
  let precision: String
  let source: String
  let assets: [String]
  let spot: [Double]
  var terminal: Statistics
  var minimum: Statistics
  var maximum: Statistics

  static let probabilities: [(key: String, value: Double)] = [
    ("0.01", 0.01), ("0.05", 0.05), ("0.5", 0.5), ("0.95", 0.95), ("0.99", 0.99),
  ]

  /// - Parameter quantiles: the terminal prices' quantiles, `[q][i]` for `probabilities[q]`.
  init<T: BLASScalar>(
    result: SimulationResult<T>, quantiles: [[T]], model: CorrelatedGBM<T>, horizonDays: Double,
    calendar: PriceCalendar, precision: String, source: String
  ) {
    paths = result.settings.paths
    steps = result.settings.steps
    self.horizonDays = horizonDays
    periodsPerYear = calendar.periodsPerYear
    self.calendar = calendar.kind
    calendarReason = calendar.reason
    seed = result.settings.seed
    antithetic = result.settings.antithetic
    generator = result.settings.generator.rawValue
    self.precision = precision
    self.source = source
    assets = result.assets
    spot = model.spot.map { Double($0) }
    var byKey: [String: [Double]] = [:]
    for (q, entry) in Self.probabilities.enumerated() {
      byKey[entry.key] = quantiles[q].map { Double($0) }
    }
    terminal = Statistics(
      mean: result.terminal.map(\.value), standardError: result.terminal.map(\.standardError),
      quantiles: byKey)
    let minima = result.minimum ?? []
    let maxima = result.maximum ?? []
    minimum = Statistics(mean: minima.map(\.value), standardError: minima.map(\.standardError))
    maximum = Statistics(mean: maxima.map(\.value), standardError: maxima.map(\.standardError))
  }

  /// The report of `replicates.count` Sobol' scramblings (`RandomizedQMC.run`): each mean
  /// over the scramblings with its standard error from their spread; `quantiles` from all the
  /// scramblings' terminal prices pooled.
  init<T: BLASScalar>(
    replicates results: [SimulationResult<T>], quantiles: [[T]], model: CorrelatedGBM<T>,
    horizonDays: Double, calendar: PriceCalendar, precision: String, source: String
  ) throws {
    self.init(
      result: results[0], quantiles: quantiles, model: model, horizonDays: horizonDays,
      calendar: calendar, precision: precision, source: source)
    func combined(_ part: (SimulationResult<T>) -> [MonteCarloEstimate]?) throws -> Statistics {
      guard let first = part(results[0]) else { return Statistics(mean: [], standardError: []) }
      let estimates = try first.indices.map { i in
        try RandomizedQMC.estimate(results.map { part($0)![i].value })
      }
      return Statistics(mean: estimates.map(\.value), standardError: estimates.map(\.standardError))
    }
    var t = try combined { $0.terminal }
    t.quantiles = terminal.quantiles
    terminal = t
    minimum = try combined { $0.minimum }
    maximum = try combined { $0.maximum }
    paths = results.reduce(0) { $0 + $1.settings.paths }
    sampler = "sobol"
    replicates = results.count
  }

  func json() throws -> String {
    try ReportJSON.text(self)
  }

  func table() -> String {
    var out =
      "Correlated GBM: \(paths) paths\(antithetic ? " (antithetic)" : "")\(replicates.map { " (\($0) Sobol' scramblings)" } ?? ""), \(steps) steps over "
    out +=
      "\(number(horizonDays)) days (\(number(periodsPerYear)) per year), seed \(seed), \(generator), \(precision)\n"
    out += "model: \(source)\ncalendar: \(calendarReason)\n\n"
    let width = max(10, (assets.map(\.count).max() ?? 0) + 2)
    let columns = [
      "spot", "E[S_T]", "± s.e.", "1%", "5%", "median", "95%", "99%", "E[min]", "E[max]",
    ]
    out += pad("asset", width, left: true) + columns.map { pad($0, 12) }.joined() + "\n"
    for (i, name) in assets.enumerated() {
      var cells = [spot[i], terminal.mean[i], terminal.standardError[i]]
      for entry in Self.probabilities { cells.append(terminal.quantiles?[entry.key]?[i] ?? .nan) }
      cells.append(minimum.mean.indices.contains(i) ? minimum.mean[i] : .nan)
      cells.append(maximum.mean.indices.contains(i) ? maximum.mean[i] : .nan)
      out +=
        pad(name, width, left: true) + cells.map { pad(String(format: "%.4g", $0), 12) }.joined()
        + "\n"
    }
    out += "\nQuantiles of the terminal price interpolate order statistics (NumPy's linear rule); "
    out += "E[min] and E[max] are over the \(steps) monitoring dates and time 0.\n"
    return out
  }

  private func number(_ x: Double) -> String {
    x == x.rounded() ? String(Int(x)) : String(x)
  }

  private func pad(_ s: String, _ width: Int, left: Bool = false) -> String {
    let fill = String(repeating: " ", count: max(0, width - s.count))
    return left ? s + fill : fill + s
  }
}
