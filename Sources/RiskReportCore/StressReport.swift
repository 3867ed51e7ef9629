import Foundation
import RiskKernels

/// The stress scenarios as `riskreport stress` prints them: `{"value", "windowDays",
/// "confidence", "horizonDays", "scenarios": [{"name", "kind", "start"?, "end"?,
/// "portfolioReturn", "portfolioPnL", "assetPnL": {…}, "positions": [{"asset", "side",
/// "leverage", "liquidated", "pnl"?, "badDebt"?, "returnOnMargin"}], "valueAtRisk"?,
/// "expectedShortfall"?, "repair"?}]}`. VaR and ES are fractions of the portfolio's value,
/// `{"parametric": {"today", "stressed"}, "monteCarlo": {"today", "stressed"}}`; `pnl` and
/// `badDebt` are amounts, given for positions with a `margin`.
struct StressReport: Codable, Equatable {
  enum Kind: String, Codable, Equatable {
    case historical, shock, volatility, correlation, user
  }

  struct Position: Codable, Equatable {
    let asset: String
    let side: String
    let leverage: Double
    let liquidated: Bool
    let pnl: Double?
    let badDebt: Double?
    /// The P&L per unit of margin.
    let returnOnMargin: Double
  }

  struct Pair: Codable, Equatable {
    let today: Double
    let stressed: Double
  }

  struct Measures: Codable, Equatable {
    let parametric: Pair
    let monteCarlo: Pair
  }

  /// How far Higham's method moved the stressed correlation matrix (Frobenius).
  struct Repair: Codable, Equatable {
    let distance: Double
    let iterations: Int
  }

  struct Scenario: Codable, Equatable {
    let name: String
    let kind: Kind
    var start: String?
    var end: String?
    var portfolioReturn = 0.0
    var portfolioPnL = 0.0
    var assetPnL: [String: Double] = [:]
    var positions: [Position] = []
    var valueAtRisk: Measures?
    var expectedShortfall: Measures?
    var repair: Repair?

    init(name: String, kind: Kind) {
      self.name = name
      self.kind = kind
    }
  }

  let value: Double
  let windowDays: Int
  let confidence: Double
  let horizonDays: Double
  let scenarios: [Scenario]

  func table() -> String {
    func money(_ x: Double) -> String { String(format: "%.0f", x) }
    func pct(_ x: Double) -> String { String(format: "%+.2f%%", 100 * x) }
    func pad(_ s: String, _ n: Int) -> String {
      s.padding(toLength: max(n, s.count), withPad: " ", startingAt: 0)
    }
    var out = "Stress scenarios on a portfolio worth \(money(value))\n"
    out +=
      "  " + pad("scenario", 34) + pad("dates", 26) + pad("return", 10) + pad("P&L", 14)
      + "positions liquidated, bad debt\n"
    for s in scenarios where s.kind != .volatility && s.kind != .correlation {
      let dates = s.start.map { "\($0) → \(s.end ?? "")" } ?? ""
      let liquidated = s.positions.filter(\.liquidated).count
      let debt = s.positions.compactMap(\.badDebt).reduce(0, +)
      out +=
        "  " + pad(s.name, 34) + pad(dates, 26) + pad(pct(s.portfolioReturn), 10)
        + pad(money(s.portfolioPnL), 14)
        + "\(liquidated) of \(s.positions.count)"
        + (s.positions.contains { $0.badDebt != nil } ? ", \(money(debt))" : "") + "\n"
    }
    let stressed = scenarios.filter { $0.valueAtRisk != nil }
    if !stressed.isEmpty {
      out +=
        "\n  \(confidence) VaR / ES over \(horizonDays) days (fractions of value), today → stressed\n"
      out +=
        "  " + pad("scenario", 34) + pad("parametric VaR", 22) + pad("parametric ES", 22)
        + pad("Monte Carlo VaR", 22) + "Monte Carlo ES\n"
      for s in stressed {
        guard let v = s.valueAtRisk, let e = s.expectedShortfall else { continue }
        func pair(_ p: Pair) -> String { String(format: "%.4f → %.4f", p.today, p.stressed) }
        out +=
          "  " + pad(s.name, 34) + pad(pair(v.parametric), 22) + pad(pair(e.parametric), 22)
          + pad(pair(v.monteCarlo), 22) + pair(e.monteCarlo)
          + (s.repair.map { String(format: "  (repaired: moved %.3g)", $0.distance) } ?? "") + "\n"
      }
    }
    return out
  }
}
