import Foundation
import RiskKernels

/// The book of `riskreport cascade`: leveraged positions on an asset traded in a constant-product
/// pool (docs/liquidation.md has the schema).
///
/// ```json
/// {"asset": "ETH", "pool": {"baseReserve": 10000, "quoteReserve": 20000000, "fee": 0.003},
///  "positions": [{"side": "long", "leverage": 20, "margin": 100000,
///                 "maintenanceMargin": 0.005, "entryPrice": 2000}]}
/// ```
/// or, for several assets, `{"markets": [{"asset", "pool", "positions"}, …]}`. A position's
/// `maintenanceMargin` defaults to 0.005 and its `entryPrice` to the pool's price (opened now).
struct CascadeBookFile {
  struct Pool: Decodable {
    let baseReserve: Double
    let quoteReserve: Double
    let fee: Double?
  }

  struct Position: Decodable {
    let side: PositionSide
    let leverage: Double
    let margin: Double
    let maintenanceMargin: Double?
    let entryPrice: Double?
  }

  struct Market: Decodable {
    let asset: String
    let pool: Pool
    let positions: [Position]
  }

  private struct Contents: Decodable {
    let asset: String?
    let pool: Pool?
    let positions: [Position]?
    let markets: [Market]?
  }

  let path: String
  /// Each market with the field path its errors are reported under (`""` or `markets[k].`).
  let markets: [(market: Market, field: String)]
  /// Whether the file is one market (`asset`, `pool`, `positions` at the top level).
  let isSingle: Bool

  var assets: [String] { markets.map(\.market.asset) }

  static let marketSchema: [String: StrictJSON.Schema] = [
    "asset": .scalar,
    "pool": .object(["baseReserve": .scalar, "quoteReserve": .scalar, "fee": .scalar]),
    "positions": .array(
      .object([
        "side": .scalar, "leverage": .scalar, "margin": .scalar, "maintenanceMargin": .scalar,
        "entryPrice": .scalar,
      ])),
  ]

  /// The most positions a book may hold (a cascade's arrays are a few hundred bytes each).
  static let maximumPositions = 10_000_000

  init(path: String) throws(InputError) {
    self.path = path
    var schema = Self.marketSchema
    schema["markets"] = .array(.object(Self.marketSchema))
    let contents = try StrictJSON.decode(Contents.self, path: path, schema: .object(schema))
    func field(_ name: String, _ message: String) -> InputError {
      InputError(location: .file(path), message: "\(name): \(message)")
    }
    switch (contents.asset, contents.pool, contents.positions, contents.markets) {
    case (let asset?, let pool?, let positions?, nil):
      markets = [(Market(asset: asset, pool: pool, positions: positions), "")]
      isSingle = true
    case (nil, nil, nil, let list?):
      guard !list.isEmpty else { throw field("markets", "is empty") }
      markets = list.enumerated().map { ($1, "markets[\($0)].") }
      isSingle = false
    case (_, _, _, .some):
      throw field("markets", "give markets, or asset, pool and positions, not both")
    default:
      let missing = [
        contents.asset == nil ? "asset" : nil, contents.pool == nil ? "pool" : nil,
        contents.positions == nil ? "positions" : nil,
      ].compactMap { $0 }
      throw field(missing[0], "missing (give asset, pool and positions, or markets)")
    }
    var seen: [String: String] = [:]
    for (market, prefix) in markets {
      guard !market.asset.isEmpty, market.asset.count <= 100,
        !market.asset.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
      else {
        throw field(
          "\(prefix)asset", "must be a name of 1 to 100 characters without control characters")
      }
      if let other = seen[market.asset] {
        throw field("\(prefix)asset", "\(market.asset) is also \(other)asset (one pool per asset)")
      }
      seen[market.asset] = prefix
      guard market.positions.count <= Self.maximumPositions else {
        throw field(
          "\(prefix)positions",
          "\(market.positions.count) positions; at most \(Self.maximumPositions)")
      }
      _ = try cascade(market, field: prefix, as: Double.self)
    }
  }

  /// The library's book of one market, each problem named by its field.
  func cascade<T: BLASScalar>(_ market: Market, field prefix: String, as _: T.Type)
    throws(InputError)
    -> LiquidationCascade<T>
  {
    func field(_ name: String, _ message: String) -> InputError {
      InputError(location: .file(path), message: "\(prefix)\(name): \(message)")
    }
    let pool = market.pool
    for (name, value) in [("baseReserve", pool.baseReserve), ("quoteReserve", pool.quoteReserve)]
    where !(value > 0 && value <= 1e18) {
      throw field("pool.\(name)", "\(value) must be positive and at most 1e18")
    }
    let fee = pool.fee ?? 0.003
    guard fee >= 0, fee < 1 else { throw field("pool.fee", "\(fee) must be in [0, 1)") }
    let amm: ConstantProductAMM<T>
    do {
      amm = try ConstantProductAMM(
        reserveX: T(pool.baseReserve), reserveY: T(pool.quoteReserve), fee: T(fee))
    } catch {
      throw field("pool", "\(error)")
    }
    guard amm.spotPrice.isNormal, amm.spotPrice.isFinite else {
      throw field("pool", "the price quoteReserve/baseReserve is \(amm.spotPrice) in \(T.self)")
    }
    var positions: [LiquidationCascade<T>.Position] = []
    positions.reserveCapacity(market.positions.count)
    for (k, p) in market.positions.enumerated() {
      let name = "positions[\(k)]"
      guard p.margin > 0, p.margin * p.leverage <= 1e18 else {
        throw field(
          "\(name).margin",
          "\(p.margin) must be positive, with a notional (margin × leverage) of at most 1e18")
      }
      do {
        positions.append(
          try .init(
            side: p.side, leverage: T(p.leverage), margin: T(p.margin),
            maintenanceMargin: T(p.maintenanceMargin ?? 0.005),
            entryPrice: p.entryPrice.map { T($0) } ?? amm.spotPrice))
      } catch {
        if case .parameterOutOfRange(let parameter, let value, let allowed) = error {
          throw field("\(name).\(parameter)", "\(value) is out of range (allowed: \(allowed))")
        }
        throw field(name, "\(error)")
      }
    }
    do {
      return try LiquidationCascade(pool: amm, positions: positions)
    } catch {
      throw field("positions", "\(error)")
    }
  }
}
