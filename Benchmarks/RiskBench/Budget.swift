/// The use cases and the update budget each allows: a sub-second quote, a 400 ms or 12 s block,
/// a one-minute valuation update, an hourly rebalance, a daily lending update.
enum UseCase: String, Codable, CaseIterable, Sendable {
  case quote = "market-making quote"
  case fastBlock = "per-block update, fast chain"
  case slowBlock = "per-block update, slow chain"
  case valuation = "valuation model update"
  case rebalance = "risk-parity rebalance"
  case lending = "lending parameters"

  /// The budget: "sub-second" is taken as 1 s (a per-order market maker wants far less: the
  /// table reports the per-order latency itself).
  var budget: Duration {
    switch self {
    case .quote: .seconds(1)
    case .fastBlock: .milliseconds(400)
    case .slowBlock: .seconds(12)
    case .valuation: .seconds(60)
    case .rebalance: .seconds(3600)
    case .lending: .seconds(86_400)
    }
  }

  var budgetText: String {
    switch self {
    case .quote: "sub-second: 1 s"
    case .fastBlock: "400 ms block"
    case .slowBlock: "12 s block"
    case .valuation: "1 min"
    case .rebalance: "1 h"
    case .lending: "1 day"
    }
  }
}

extension Duration {
  var inSeconds: Double {
    Double(components.seconds) + Double(components.attoseconds) * 1e-18
  }
}
