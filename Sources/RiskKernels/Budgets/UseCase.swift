/// The use cases RiskKernels serves and the update budget each allows: how often an agent on a
/// tokenized-asset or leveraged market re-estimates risk, and so how long one update may take.
///
/// | use case | budget |
/// |---|---|
/// | market-making quote (TWAP, volatility, adaptive spread) | sub-second (1 s) |
/// | liquidation / margin sweep per block | 400 ms (a fast chain), 12 s (a slow chain) |
/// | valuation model update (Bayesian coefficients) | 1 minute |
/// | risk-parity rebalance, systemic volatility | 1 hour |
/// | lending parameters, and the other daily risk updates | 1 day |
///
/// `riskbench` times its pipelines against these, `riskreport run` each step of the report, and
/// `riskreport cadence` each update's refresh.
public enum UseCase: String, Codable, CaseIterable, Sendable {
  /// A market maker's quote: TWAP, volatility and the adaptive spread (1 s).
  case quote = "market-making quote"
  /// A liquidation or margin sweep, or a risk refresh, per block of a fast chain (400 ms).
  case fastBlock = "per-block update, fast chain"
  /// The same per block of a slow chain (12 s).
  case slowBlock = "per-block update, slow chain"
  /// A valuation model's Bayesian update (1 minute).
  case valuation = "valuation model update"
  /// A risk-parity rebalance and the systemic volatility (1 hour).
  case rebalance = "risk-parity rebalance"
  /// The lending parameters from correlated collateral risk, and the daily risk updates (1 day).
  case lending = "lending parameters"

  /// The budget: "sub-second" is taken as 1 s (a per-order market maker wants far less).
  public var budget: Duration {
    switch self {
    case .quote: .seconds(1)
    case .fastBlock: .milliseconds(400)
    case .slowBlock: .seconds(12)
    case .valuation: .seconds(60)
    case .rebalance: .seconds(3600)
    case .lending: .seconds(86_400)
    }
  }

  /// `budget` in seconds.
  public var budgetSeconds: Double {
    Double(budget.components.seconds) + Double(budget.components.attoseconds) * 1e-18
  }

  /// The budget as a table reads it ("400 ms block").
  public var budgetText: String {
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
