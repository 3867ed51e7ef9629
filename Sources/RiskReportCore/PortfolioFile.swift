import Foundation
import RiskKernels

/// The portfolio of `riskreport run`: a JSON file (docs/report.md has the schema).
///
/// ```json
/// {
///   "holdings": {"AAPL": 1000, "GOOG": 100},          // units of each asset, or
///   "weights": {"AAPL": 0.5, "GOOG": 0.5}, "value": 1000000,
///   "leveragedPositions": [
///     {"asset": "AAPL", "side": "long", "leverage": 20, "maintenanceMargin": 0.005}
///   ],
///   "riskBudgets": {"AAPL": 0.5, "GOOG": 0.5},        // optional, default equal
///   "caps": {"AAPL": 0.6, "GOOG": 0.6},               // optional
///   "loans": [                                        // optional
///     {"name": "desk A", "collateral": {"AAPL": 300}, "debt": 20000, "liquidationThreshold": 0.8}
///   ],
///   "lendingRules": {"baseRate": 0.02, "rateSensitivity": 0.1,   // optional
///                    "minimumCollateralRatio": 1.2, "ratioSensitivity": 0.5}
/// }
/// ```
/// Assets of the price file the portfolio does not name hold 0. Holdings and weights are
/// long-only (≥ 0); weights sum to 1.
struct PortfolioFile {
  struct Position: Decodable, Equatable {
    let asset: String
    let side: PositionSide
    let leverage: Double
    let maintenanceMargin: Double?
    /// Default: the asset's last price (a position opened now).
    let entryPrice: Double?
    /// The collateral posted, in currency (notional = margin × leverage); without it the report
    /// gives probabilities only, no amounts.
    let margin: Double?
  }

  /// A loan against collateral: in default once `debt > liquidationThreshold · C(t)`, that is
  /// once the collateral value falls to `debt / liquidationThreshold` (the collateral ratio
  /// `CR = 1/LT` of `CollateralizedLoan`).
  struct Loan: Decodable, Equatable {
    let name: String
    let collateral: [String: Double]
    let debt: Double
    let liquidationThreshold: Double
  }

  /// The lending rules `r = r₀ + βσ`, `CR = CR_min + γσ` (`LeverageControls`).
  struct LendingRules: Codable, Equatable {
    let baseRate: Double
    let rateSensitivity: Double
    let minimumCollateralRatio: Double
    let ratioSensitivity: Double
  }

  /// The leverage controls (`LeverageControls`, `VolatilityCircuitBreaker`,
  /// `SystemicVolatility`): `L* = κ/σ · min(100, M/VaR)` with κ `leverageScale` and M `margin`
  /// (a fraction of the position's notional, as the VaR is); `LT(t) = LT₀(1 + ησ(t))`; the
  /// circuit breaker `σ(t) > θ·EMA(σ)` on a `volatilityWindow`-day rolling volatility; the
  /// stability `1 − σ/σ_max`.
  struct Controls: Codable, Equatable {
    let leverageScale: Double
    let margin: Double
    let liquidationThreshold: Double
    let thresholdSensitivity: Double
    let breakerThreshold: Double
    let breakerDecay: Double
    let volatilityWindow: Int
    let maximumVolatility: Double
  }

  /// The cost-aware rebalance from the current weights: linear costs per unit of weight
  /// traded (an asset not named costs 0) and the risk aversion λ (default 0).
  struct Rebalance: Codable, Equatable {
    let costs: [String: Double]
    let riskAversion: Double?
  }

  private struct Contents: Decodable {
    let holdings: [String: Double]?
    let weights: [String: Double]?
    let value: Double?
    let leveragedPositions: [Position]?
    let riskBudgets: [String: Double]?
    let caps: [String: Double]?
    let loans: [Loan]?
    let lendingRules: LendingRules?
    let controls: Controls?
    let rebalance: Rebalance?
  }

  let path: String
  /// Units per price-file asset.
  let holdings: [Double]
  /// `hᵢSᵢ / Σ hⱼSⱼ` at the spot.
  let weights: [Double]
  /// `Σ hᵢSᵢ` at the spot.
  let value: Double
  let positions: [Position]
  let riskBudgets: [Double]?
  let caps: [Double]?
  /// The loans, each with its collateral in units per price-file asset.
  let loans: [(loan: Loan, units: [Double])]
  let lendingRules: LendingRules?
  let controls: Controls?
  /// Per asset trading costs and λ for the "Rebalance" section (`nil` without `rebalance`).
  let rebalance: (costs: [Double], riskAversion: Double)?

  /// Reads and checks the file against the price file's assets and spot prices.
  ///
  /// - Throws: `InputError` naming the file and the line and column (malformed JSON) or the
  ///   field (a wrong type, an unknown asset, a negative holding, a bad leverage, …).
  init(path: String, assets: [String], spot: [Double]) throws(InputError) {
    self.path = path
    let data: Data
    do {
      data = try Data(contentsOf: URL(fileURLWithPath: path))
    } catch {
      throw InputError(location: .file(path), message: "cannot read the portfolio file")
    }
    let contents = try Self.decode(data, path: path)
    func field(_ name: String, _ message: String) -> InputError {
      InputError(location: .file(path), message: "\(name): \(message)")
    }
    func perAsset(_ values: [String: Double], _ name: String, unlisted: Double = 0)
      throws(InputError) -> [Double]
    {
      var out = [Double](repeating: unlisted, count: assets.count)
      for (asset, value) in values.sorted(by: { $0.key < $1.key }) {
        guard let i = assets.firstIndex(of: asset) else {
          throw field(
            "\(name).\(asset)", "no such asset in the prices (\(assets.joined(separator: ", ")))")
        }
        guard value.isFinite, value >= 0 else {
          throw field("\(name).\(asset)", "\(value) must be a finite number ≥ 0")
        }
        out[i] = value
      }
      return out
    }
    switch (contents.holdings, contents.weights) {
    case (let h?, nil):
      if contents.value != nil {
        throw field("value", "only with weights (holdings fix the value)")
      }
      holdings = try perAsset(h, "holdings")
    case (nil, let w?):
      let weights = try perAsset(w, "weights")
      guard abs(weights.reduce(0, +) - 1) <= 1e-6 else {
        throw field("weights", "sum to \(weights.reduce(0, +)), not 1")
      }
      let value = contents.value ?? 1_000_000
      guard value > 0, value <= 1e18 else {
        throw field("value", "\(value) must be positive and at most 1e18")
      }
      holdings = zip(weights, spot).map { value * $0 / $1 }
    case (.some, .some): throw field("holdings", "give holdings or weights, not both")
    case (nil, nil): throw field("holdings", "missing (give holdings or weights)")
    }
    let units = holdings
    for (i, (h, s)) in zip(units, spot).enumerated() where !(h * s <= 1e18) {
      throw field(
        "holdings.\(assets[i])",
        "\(h) units at \(s) are worth \(h * s), above the 1e18 a portfolio value may reach")
    }
    let total = zip(units, spot).reduce(0) { $0 + $1.0 * $1.1 }
    guard total > 0 else { throw field("holdings", "the portfolio is worth 0") }
    value = total
    weights = zip(units, spot).map { $0 * $1 / total }
    for (k, p) in (contents.leveragedPositions ?? []).enumerated() {
      let name = "leveragedPositions[\(k)]"
      guard assets.contains(p.asset) else {
        throw field("\(name).asset", "\(p.asset) is not an asset of the prices")
      }
      do {
        _ = try LeveragedPosition(
          side: p.side, leverage: p.leverage, maintenanceMargin: p.maintenanceMargin ?? 0.005,
          entryPrice: p.entryPrice ?? 1)
      } catch {
        throw field(name, "\(error)")
      }
      if let margin = p.margin, !(margin > 0 && margin * p.leverage <= 1e18) {
        throw field(
          "\(name).margin",
          "\(margin) must be positive, with a notional (margin × leverage) of at most 1e18")
      }
      // Today's exposure per unit of margin, L·S/E, and with a margin the position's value
      // u·S = M·L·S/E: an entry price far below today's makes them overflow the figures.
      let i = assets.firstIndex(of: p.asset)!
      let perMargin = p.leverage * spot[i] / (p.entryPrice ?? spot[i])
      guard perMargin <= 1e12, (p.margin ?? 1) * perMargin <= 1e18 else {
        throw field(
          "\(name).entryPrice",
          "\(p.entryPrice ?? spot[i]) is too far below today's price \(spot[i]): the position is worth \(perMargin) × its margin now (at most 1e12, and 1e18 in all)"
        )
      }
    }
    positions = contents.leveragedPositions ?? []
    riskBudgets = try contents.riskBudgets.map { (b) throws(InputError) in
      try perAsset(b, "riskBudgets")
    }
    // Caps: an asset the file does not list is not capped (1); a listed cap is in (0, 1].
    caps = try contents.caps.map { (c) throws(InputError) in
      for (asset, cap) in c.sorted(by: { $0.key < $1.key }) where !(cap > 0 && cap <= 1) {
        throw field("caps.\(asset)", "\(cap) must be in (0, 1] (a weight's upper bound)")
      }
      return try perAsset(c, "caps", unlisted: 1)
    }
    var loans: [(loan: Loan, units: [Double])] = []
    for (k, loan) in (contents.loans ?? []).enumerated() {
      let name = "loans[\(k)]"
      guard !loan.name.isEmpty, !loans.contains(where: { $0.loan.name == loan.name }),
        !loan.name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }),
        loan.name.count <= 100
      else {
        throw field(
          "\(name).name",
          "must be a non-empty name of its own, at most 100 characters, without control characters")
      }
      let units = try perAsset(loan.collateral, "\(name).collateral")
      guard units.contains(where: { $0 > 0 }) else {
        throw field("\(name).collateral", "holds nothing")
      }
      guard loan.debt > 0, loan.debt <= 1e18 else {
        throw field("\(name).debt", "\(loan.debt) must be positive and at most 1e18")
      }
      guard loan.liquidationThreshold > 0, loan.liquidationThreshold <= 1 else {
        throw field(
          "\(name).liquidationThreshold", "\(loan.liquidationThreshold) must be in (0, 1]")
      }
      let value = zip(units, spot).reduce(0) { $0 + $1.0 * $1.1 }
      guard value.isFinite, value <= 1e18 else {
        throw field("\(name).collateral", "is worth \(value), above the 1e18 a value may reach")
      }
      guard loan.debt < loan.liquidationThreshold * value else {
        throw field(
          name,
          "already in default: debt \(loan.debt) is at least \(loan.liquidationThreshold) × the collateral's \(value) at the last prices"
        )
      }
      loans.append((loan, units))
    }
    self.loans = loans
    if let rules = contents.lendingRules {
      for (key, value) in [
        ("baseRate", rules.baseRate), ("rateSensitivity", rules.rateSensitivity),
        ("minimumCollateralRatio", rules.minimumCollateralRatio),
        ("ratioSensitivity", rules.ratioSensitivity),
      ] where !(value.isFinite && value >= 0 && value <= 1e6) {
        throw field("lendingRules.\(key)", "\(value) must be a finite number in [0, 1e6]")
      }
    }
    lendingRules = contents.lendingRules
    if let c = contents.controls {
      let checks: [(String, Double, ClosedRange<Double>)] = [
        ("leverageScale", c.leverageScale, 1e-9...1e6), ("margin", c.margin, 0...1e6),
        ("liquidationThreshold", c.liquidationThreshold, 1e-9...1),
        ("thresholdSensitivity", c.thresholdSensitivity, 0...1e6),
        ("breakerThreshold", c.breakerThreshold, 1e-9...1e6),
        ("breakerDecay", c.breakerDecay, 1e-9...0.999_999_999),
        ("volatilityWindow", Double(c.volatilityWindow), 2...10_000),
        ("maximumVolatility", c.maximumVolatility, 1e-9...1e6),
      ]
      for (key, value, range) in checks where !range.contains(value) {
        throw field(
          "controls.\(key)", "\(value) must be in [\(range.lowerBound), \(range.upperBound)]")
      }
    }
    controls = contents.controls
    if let r = contents.rebalance {
      let costs = try perAsset(r.costs, "rebalance.costs")
      for (i, c) in costs.enumerated() where c > 1 {
        throw field("rebalance.costs.\(assets[i])", "\(c) must be at most 1 (a fraction traded)")
      }
      let lambda = r.riskAversion ?? 0
      guard lambda >= 0, lambda <= 1e6 else {
        throw field("rebalance.riskAversion", "\(lambda) must be in [0, 1e6]")
      }
      rebalance = (costs, lambda)
    } else {
      rebalance = nil
    }
  }

  /// The keys a portfolio file may hold.
  static let schema = StrictJSON.Schema.object([
    "holdings": .map(.scalar), "weights": .map(.scalar), "value": .scalar,
    "leveragedPositions": .array(
      .object([
        "asset": .scalar, "side": .scalar, "leverage": .scalar, "maintenanceMargin": .scalar,
        "entryPrice": .scalar, "margin": .scalar,
      ])),
    "riskBudgets": .map(.scalar), "caps": .map(.scalar),
    "loans": .array(
      .object([
        "name": .scalar, "collateral": .map(.scalar), "debt": .scalar,
        "liquidationThreshold": .scalar,
      ])),
    "lendingRules": .object([
      "baseRate": .scalar, "rateSensitivity": .scalar, "minimumCollateralRatio": .scalar,
      "ratioSensitivity": .scalar,
    ]),
    "rebalance": .object(["costs": .map(.scalar), "riskAversion": .scalar]),
    "controls": .object([
      "leverageScale": .scalar, "margin": .scalar, "liquidationThreshold": .scalar,
      "thresholdSensitivity": .scalar, "breakerThreshold": .scalar, "breakerDecay": .scalar,
      "volatilityWindow": .scalar, "maximumVolatility": .scalar,
    ]),
  ])

  /// Syntax, duplicate and unknown keys with line and column (`StrictJSON`), then type errors
  /// with the field path (from JSONDecoder).
  private static func decode(_ data: Data, path: String) throws(InputError) -> Contents {
    try StrictJSON.check(data, path: path, schema: schema)
    do {
      return try JSONDecoder().decode(Contents.self, from: data)
    } catch let error as DecodingError {
      let (context, what): (DecodingError.Context?, String) =
        switch error {
        case .typeMismatch(let type, let c):
          (c, "expected \(type == Double.self ? "a number" : "\(type)")")
        case .valueNotFound(_, let c): (c, "missing value")
        case .keyNotFound(let key, let c): (c, "missing field \(key.stringValue)")
        case .dataCorrupted(let c): (c, c.debugDescription)
        @unknown default: (nil, "\(error)")
        }
      let field =
        context?.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }
        .joined().drop { $0 == "." } ?? ""
      throw InputError(
        location: .file(path), message: field.isEmpty ? what : "\(field): \(what)")
    } catch {
      throw InputError(location: .file(path), message: "\(error)")
    }
  }
}
