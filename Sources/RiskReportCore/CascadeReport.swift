import Foundation
import RiskKernels

/// `riskreport cascade`'s output, rendered as a table or as JSON with stable keys.
///
/// One shock: `{"asset", "shock", "initialPrice", "shockedPrice", "rounds",
/// "liquidatedPositions", "liquidatedNotional", "finalPrice", "badDebt", "amplification"
/// (null for a zero shock), "roundDetails": [{"round", "price", "longsClosed", "shortsClosed",
/// "netUnitsSold", "executionPrice", "priceAfter", "badDebt"}]}`. Simulated shocks: `{"asset",
/// "paths", "horizonDays", "seed", "rounds": {"mean", "standardError", "quantile95",
/// "quantile99"}, … for each figure, "amplification" (null when no path moved the price),
/// "badDebtProbability": {"value", "standardError"}}`. A book of several markets gives
/// `{"markets": [ … ]}` of these objects.
enum CascadeReport {
  struct Shock: Encodable {
    struct Round: Encodable {
      let round: Int
      let price, executionPrice, priceAfter, netUnitsSold, badDebt: Double
      let longsClosed, shortsClosed: Int
    }
    let asset: String
    let shock, initialPrice, shockedPrice, finalPrice, liquidatedNotional, badDebt: Double
    let rounds, liquidatedPositions: Int
    let amplification: Double?
    let roundDetails: [Round]

    init<T: BLASScalar>(asset: String, shock: Double, outcome o: CascadeOutcome<T>) {
      self.asset = asset
      self.shock = shock
      initialPrice = Double(o.initialPrice)
      shockedPrice = Double(o.shockedPrice)
      finalPrice = Double(o.finalPrice)
      liquidatedNotional = Double(o.liquidatedNotional)
      badDebt = Double(o.badDebt)
      rounds = o.rounds
      liquidatedPositions = o.liquidatedPositions
      amplification = o.amplification.map { Double($0) }
      roundDetails = o.roundDetails.enumerated().map { k, r in
        Round(
          round: k + 1, price: Double(r.price), executionPrice: Double(r.executionPrice),
          priceAfter: Double(r.priceAfter), netUnitsSold: Double(r.netUnitsSold),
          badDebt: Double(r.badDebt), longsClosed: r.longsClosed, shortsClosed: r.shortsClosed)
      }
    }

    enum Key: String, CodingKey {
      case asset, shock, initialPrice, shockedPrice, finalPrice, liquidatedNotional, badDebt
      case rounds, liquidatedPositions, amplification, roundDetails
    }

    func encode(to encoder: any Encoder) throws {
      var c = encoder.container(keyedBy: Key.self)
      try c.encode(asset, forKey: .asset)
      for (key, value) in [
        (Key.shock, shock), (.initialPrice, initialPrice), (.shockedPrice, shockedPrice),
        (.finalPrice, finalPrice), (.liquidatedNotional, liquidatedNotional), (.badDebt, badDebt),
      ] {
        try c.encode(value, forKey: key)
      }
      try c.encode(rounds, forKey: .rounds)
      try c.encode(liquidatedPositions, forKey: .liquidatedPositions)
      if let amplification {
        try c.encode(amplification, forKey: .amplification)
      } else {
        try c.encodeNil(forKey: .amplification)
      }
      try c.encode(roundDetails, forKey: .roundDetails)
    }

    var table: String {
      var out =
        "\(asset): shock \(percent(shock)), price \(number(initialPrice)) → \(number(shockedPrice))\n"
      out +=
        "  round  price         closed (long/short)  net units sold  execution     price after   bad debt\n"
      for r in roundDetails {
        out +=
          "  "
          + [
            pad("\(r.round)", 5), pad(number(r.price), 13),
            pad("\(r.longsClosed)/\(r.shortsClosed)", 20),
            pad(number(r.netUnitsSold), 15), pad(number(r.executionPrice), 13),
            pad(number(r.priceAfter), 13), number(r.badDebt),
          ].joined(separator: " ") + "\n"
      }
      if roundDetails.isEmpty { out += "  (no position liquidated)\n" }
      out +=
        "  liquidated: \(liquidatedPositions) positions, notional \(number(liquidatedNotional)) in \(rounds) round\(rounds == 1 ? "" : "s")\n"
      out += "  final price \(number(finalPrice)), bad debt \(number(badDebt)), amplification "
      out += amplification.map { String(format: "%.4g×", $0) } ?? "undefined (zero shock)"
      return out + "\n"
    }
  }

  struct Simulated: Encodable {
    let asset: String
    let paths: Int
    let horizonDays: Double
    let seed: UInt64
    let distribution: CascadeDistribution

    enum Key: String, CodingKey {
      case asset, paths, horizonDays, seed, rounds, liquidatedPositions, liquidatedNotional
      case finalPrice, badDebt, amplification, badDebtProbability
    }
    struct Figure: Encodable {
      let mean, standardError, quantile95, quantile99: Double
      init(_ s: CascadeDistribution.Summary) {
        (mean, standardError) = (s.mean.value, s.mean.standardError)
        (quantile95, quantile99) = (s.quantile95, s.quantile99)
      }
    }

    var figures: [(Key, CascadeDistribution.Summary)] {
      let d = distribution
      return [
        (.rounds, d.rounds), (.liquidatedPositions, d.liquidatedPositions),
        (.liquidatedNotional, d.liquidatedNotional), (.finalPrice, d.finalPrice),
        (.badDebt, d.badDebt),
      ]
    }

    func encode(to encoder: any Encoder) throws {
      var c = encoder.container(keyedBy: Key.self)
      try c.encode(asset, forKey: .asset)
      try c.encode(paths, forKey: .paths)
      try c.encode(horizonDays, forKey: .horizonDays)
      try c.encode(seed, forKey: .seed)
      for (key, summary) in figures { try c.encode(Figure(summary), forKey: key) }
      if let a = distribution.amplification {
        try c.encode(Figure(a), forKey: .amplification)
      } else {
        try c.encodeNil(forKey: .amplification)
      }
      try c.encode(distribution.badDebtProbability, forKey: .badDebtProbability)
    }

    var table: String {
      var out = "\(asset): \(paths) simulated shocks over \(horizonDays) days (seed \(seed))\n"
      out += "  figure                 mean ± SE                    95%           99%\n"
      var rows = figures.map { ($0.0.rawValue, $0.1) }
      if let a = distribution.amplification { rows.append(("amplification", a)) }
      for (name, s) in rows {
        out +=
          "  " + pad(name, 22) + " "
          + pad("\(number(s.mean.value)) ± \(number(s.mean.standardError))", 28) + " "
          + pad(number(s.quantile95), 13) + " " + number(s.quantile99) + "\n"
      }
      let p = distribution.badDebtProbability
      return out
        + "  P(any bad debt)        \(String(format: "%.6g ± %.2g", p.value, p.standardError))\n"
    }
  }
}

/// `{"markets": [ … ]}`: a book of several markets.
struct CascadeMarkets<Market: Encodable>: Encodable {
  let markets: [Market]
}

private func pad(_ s: String, _ n: Int) -> String {
  s.padding(toLength: max(n, s.count), withPad: " ", startingAt: 0)
}
private func number(_ x: Double) -> String { String(format: "%.6g", x) }
private func percent(_ x: Double) -> String { String(format: "%+.4g%%", 100 * x) }
