/// A liquidation cascade through a constant-product pool: an exogenous shock moves the price,
/// the positions it liquidates are closed into the pool, their forced trade moves the price
/// further, and so on until a round closes nothing.
///
/// The mechanics, deterministic (docs/liquidation.md has a worked two-round example):
/// - The shock `s` moves the pool along its curve to `P(1 + s)`, as an arbitrageur would
///   (`ConstantProductAMM.arbitrage(toPrice:)`: `k = R_base·R_quote` kept).
/// - In each round every open position whose liquidation price (`LeveragedPosition`) the pool's
///   mid has reached or crossed is closed: a long once `price ≤ P_liq`, a short once
///   `price ≥ P_liq`. The round's closures net into one swap of `Δ = Σ_long u − Σ_short u`
///   base units (`u = margin·L/entry`): a net sale pays `R_q·Δ(1 − f)/(R_b + Δ(1 − f))`, a
///   net purchase costs `R_q·|Δ|/((R_b − |Δ|)(1 − f))`.
/// - The swap's average execution price `p_exec` (quote ÷ units; the mid when the round nets to
///   zero) prices every position the round closes: a long's equity is
///   `margin + u(p_exec − entry)`, a short's `margin + u(entry − p_exec)`; equity below zero
///   is bad debt.
/// - The pool's new mid is the next round's price.
///
/// Source: the pool's swap formulas are Uniswap v2's (Adams, Zinsmeister & Robinson, *Uniswap v2
/// Core*, 2020, §3.2); the round-by-round mechanics are this library's model of a cascade, the
/// price-mediated contagion of forced sales (Cont & Wagalath, "Running for the exit:
/// distressed selling and endogenous correlation in financial markets", *Mathematical Finance*
/// 23(4), 2013), with the price impact the pool's curve instead of a linear one.
///
/// Positions are sorted by liquidation price once, here, so a cascade costs O(rounds + closed
/// positions) and building the book O(n log n). The type is a value: `run(shock:)` works on a
/// copy of the pool and can be called from many threads at once.
///
/// ```swift
/// let pool = try ConstantProductAMM<Double>(reserveX: 10_000, reserveY: 20_000_000, fee: 0.003)
/// let book = try LiquidationCascade(pool: pool, positions: [
///   .init(side: .long, leverage: 20, margin: 100_000, maintenanceMargin: 0.005, entryPrice: 2_000)
/// ])
/// let outcome = try book.run(shock: -0.1)   // rounds, liquidated notional, bad debt, …
/// ```
public struct LiquidationCascade<Scalar: BLASScalar>: Sendable {
  /// One leveraged position in the pool's asset, with its margin in quote currency.
  public struct Position: Sendable, Equatable {
    /// The position: side, leverage, entry price and maintenance margin.
    public let position: LeveragedPosition<Scalar>
    /// The collateral posted, in quote currency; the notional is `margin · leverage`.
    public let margin: Scalar

    /// A position and the margin it posted.
    ///
    /// - Throws: as `LeveragedPosition.init`, and `.parameterOutOfRange` for a margin that is not
    ///   positive, or a notional or size `margin·L/entry` that is not finite.
    public init(
      side: PositionSide, leverage: Scalar, margin: Scalar, maintenanceMargin: Scalar = 0,
      entryPrice: Scalar
    ) throws(RiskKernelsError) {
      position = try LeveragedPosition(
        side: side, leverage: leverage, maintenanceMargin: maintenanceMargin,
        entryPrice: entryPrice)
      guard margin > 0, margin.isFinite else {
        throw .parameterOutOfRange(name: "margin", value: Double(margin), allowed: "> 0, finite")
      }
      guard (margin * leverage / entryPrice).isFinite else {
        throw .parameterOutOfRange(
          name: "entryPrice", value: Double(entryPrice),
          allowed: "large enough that the size margin·L/entry is finite")
      }
      self.margin = margin
    }

    /// `margin · leverage`, in quote currency.
    public var notional: Scalar { margin * position.leverage }
    /// `margin · leverage / entry`: the base units the position holds (long) or owes (short).
    public var units: Scalar { margin * position.leverage / position.entryPrice }
  }

  /// The constant-product pool the liquidations sell into.
  public let pool: ConstantProductAMM<Scalar>
  /// In the caller's order.
  public let positions: [Position]

  /// One side's positions in the order a falling (longs) or rising (shorts) price reaches them,
  /// as parallel arrays.
  struct Side: Sendable {
    var index: [Int] = []
    var liquidationPrice: [Scalar] = []
    var units: [Scalar] = []
    var margin: [Scalar] = []
    var entry: [Scalar] = []
    var notional: [Scalar] = []

    @specialized(where Scalar == Double)
    @specialized(where Scalar == Float)
    init(_ positions: [Position], side: PositionSide) {
      // The levels once, then the indices sorted by them (ties by index, so the order is fixed).
      let chosen = positions.indices.filter { positions[$0].position.side == side }
      let levels = chosen.map { positions[$0].position.liquidationPrice }
      let order = levels.indices.sorted {
        let (a, b) = (levels[$0], levels[$1])
        return side == .long ? (a > b || (a == b && $0 < $1)) : (a < b || (a == b && $0 < $1))
      }
      index.reserveCapacity(order.count)
      for o in order {
        let k = chosen[o]
        index.append(k)
        liquidationPrice.append(levels[o])
        units.append(positions[k].units)
        margin.append(positions[k].margin)
        entry.append(positions[k].position.entryPrice)
        notional.append(positions[k].notional)
      }
    }

  }

  let longs: Side
  let shorts: Side

  /// A cascade of `positions` selling into `pool`.
  ///
  /// - Throws: `.parameterOutOfRange` when the book's total size (Σ units) is not finite.
  @specialized(where Scalar == Double)
  @specialized(where Scalar == Float)
  public init(pool: ConstantProductAMM<Scalar>, positions: [Position]) throws(RiskKernelsError) {
    let total = positions.reduce(Scalar(0)) { $0 + $1.units }
    guard total.isFinite else {
      throw .parameterOutOfRange(
        name: "positions", value: Double(total),
        allowed: "a total size Σ margin·L/entry that is finite")
    }
    self.pool = pool
    self.positions = positions
    longs = Side(positions, side: .long)
    shorts = Side(positions, side: .short)
  }

  /// The cascade after an exogenous relative price move `shock` (−0.1: the price falls 10%).
  ///
  /// - Throws: `.parameterOutOfRange` for a shock that is not finite and above −1 (or that
  ///   leaves the pool without finite reserves), or, naming the round, for a net purchase of at
  ///   least the pool's base reserve (it would drain the pool).
  @specialized(where Scalar == Double)
  @specialized(where Scalar == Float)
  public func run(shock: Scalar) throws(RiskKernelsError) -> CascadeOutcome<Scalar> {
    try cascade(shock: shock, recording: true)
  }

  /// `run(shock:)`, with the rounds and the closing rounds left out when `recording` is false
  /// (the Monte Carlo needs only the totals).
  @specialized(where Scalar == Double)
  @specialized(where Scalar == Float)
  func cascade(shock: Scalar, recording: Bool) throws(RiskKernelsError) -> CascadeOutcome<Scalar> {
    guard shock > -1, shock.isFinite else {
      throw .parameterOutOfRange(name: .shock, value: Double(shock), allowed: "> −1, finite")
    }
    var pool = self.pool
    let initialPrice = pool.spotPrice
    if shock != 0 { try pool.arbitrage(toPrice: initialPrice * (1 + shock)) }
    let shockedPrice = pool.spotPrice
    var nextLong = 0
    var nextShort = 0
    var rounds: [CascadeRound<Scalar>] = []
    var closingRound = recording ? [Int?](repeating: nil, count: positions.count) : []
    var roundCount = 0
    var liquidatedNotional: Scalar = 0
    var badDebt: Scalar = 0
    while true {
      let price = pool.spotPrice
      let firstLong = nextLong
      let firstShort = nextShort
      var sold: Scalar = 0
      var bought: Scalar = 0
      while nextLong < longs.index.count, longs.liquidationPrice[nextLong] >= price {
        sold += longs.units[nextLong]
        nextLong += 1
      }
      while nextShort < shorts.index.count, shorts.liquidationPrice[nextShort] <= price {
        bought += shorts.units[nextShort]
        nextShort += 1
      }
      if nextLong == firstLong && nextShort == firstShort { break }
      roundCount += 1
      let net = sold - bought
      let execution: Scalar
      if net > 0 {
        execution = try pool.swap(amountIn: net, .xForY) / net
      } else if net < 0 {
        guard -net < pool.reserveX else {
          throw .parameterOutOfRange(
            name: "round \(roundCount): net units bought back", value: Double(-net),
            allowed:
              "fewer than the pool's base reserve \(pool.reserveX) (the purchase would drain the pool)"
          )
        }
        execution = try pool.swap(amountOut: -net, .yForX) / -net
      } else {
        execution = price
      }
      // A pool pushed to a price that is 0, subnormal or infinite in `Scalar` (a book that
      // dwarfs the pool) has no meaningful next round: say so instead of printing it.
      guard pool.spotPrice.isNormal, pool.spotPrice.isFinite, execution.isNormal, execution.isFinite
      else {
        throw .parameterOutOfRange(
          name: "round \(roundCount): the pool's price", value: Double(pool.spotPrice),
          allowed: "a positive, normal \(Scalar.self) (the book's trades dwarf the pool's reserves)"
        )
      }
      var roundBadDebt: Scalar = 0
      var roundNotional: Scalar = 0
      for j in firstLong..<nextLong {
        let equity = longs.margin[j] + longs.units[j] * (execution - longs.entry[j])
        roundBadDebt += Swift.max(0, -equity)
        roundNotional += longs.notional[j]
        if recording { closingRound[longs.index[j]] = roundCount }
      }
      for j in firstShort..<nextShort {
        let equity = shorts.margin[j] + shorts.units[j] * (shorts.entry[j] - execution)
        roundBadDebt += Swift.max(0, -equity)
        roundNotional += shorts.notional[j]
        if recording { closingRound[shorts.index[j]] = roundCount }
      }
      badDebt += roundBadDebt
      liquidatedNotional += roundNotional
      if recording {
        rounds.append(
          CascadeRound(
            price: price, longsClosed: nextLong - firstLong, shortsClosed: nextShort - firstShort,
            netUnitsSold: net, executionPrice: execution, priceAfter: pool.spotPrice,
            badDebt: roundBadDebt))
      }
    }
    return CascadeOutcome(
      rounds: roundCount, liquidatedPositions: nextLong + nextShort,
      liquidatedNotional: liquidatedNotional, initialPrice: initialPrice,
      shockedPrice: shockedPrice, finalPrice: pool.spotPrice, badDebt: badDebt,
      roundDetails: rounds, closingRound: closingRound)
  }
}
