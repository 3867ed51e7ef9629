import Foundation
import RiskKernels

/// A market maker's update on every trade: TWAP over the last 10 s (irregular trade times),
/// EWMA volatility of trade-to-trade log returns, and inventory-aware Avellaneda–Stoikov quotes
/// around the TWAP. `size` markets are requoted per update; at size 1 a run is one order's
/// latency.
final class QuoteUpdateCase: BenchmarkCase {
  let name = "quote-update"
  let useCase = UseCase.quote
  let sizeUnit = "markets"
  let defaultSize = 1
  let maximumSize = 1 << 18
  let details = "TWAP (10 s window, trades every ~0.2 s) + EWMA σ (λ 0.94) + A–S quotes"

  private struct Market {
    var twap: TWAP<Double>
    var volatility: EWMAVolatility<Double>
    var price: Double
    var time: Double
    var inventory: Double
  }
  private var markets: [Market] = []
  /// A shared tape of trade gaps (s) and log returns, read at a different offset per market.
  private var gaps: [Double] = []
  private var returns: [Double] = []
  private var next = 0
  private let spread = try! AdaptiveSpread<Double>(riskAversion: 0.1, depth: 1.5)

  func setUp(size: Int) throws {
    var rng = SyntheticMarket(seed: 7)
    gaps = (0..<4096).map { _ in -0.2 * log(1 - rng.uniform()) }
    returns = (0..<4096).map { _ in 5e-4 * rng.normal() }
    markets = []
    markets.reserveCapacity(size)
    for m in 0..<size {
      var market = Market(
        twap: try TWAP(window: 10), volatility: try EWMAVolatility(), price: 100, time: 0,
        inventory: Double(m % 21 - 10))
      // Warm the state with 100 trades so the window is full, as in production.
      for k in 0..<100 { try Self.trade(&market, gap: gaps[k], logReturn: returns[k]) }
      markets.append(market)
    }
    next = 100
  }

  private static func trade(_ market: inout Market, gap: Double, logReturn: Double) throws {
    market.time += gap
    market.price *= exp(logReturn)
    try market.twap.update(time: market.time, price: market.price)
    try market.volatility.update(logReturn)
  }

  func run() throws {
    var bidSum = 0.0
    for m in markets.indices {
      let k = (next + 7 * m) & 4095
      try Self.trade(&markets[m], gap: gaps[k], logReturn: returns[k])
      let mid = try markets[m].twap.value() ?? markets[m].price
      // σ per √second from the per-trade σ and the mean gap (0.2 s).
      let sigma = (markets[m].volatility.volatility ?? 0) / 0.2.squareRoot()
      let quotes = try spread.quotes(
        mid: mid, volatility: sigma, inventory: markets[m].inventory, timeLeft: 60)
      bidSum += quotes.bid
    }
    next += 1
    blackHole(bidSum)
  }
}
