import Foundation
import RiskKernels

/// An hourly risk-parity rebalance: the newest return row replaces the oldest in a 1000-row
/// window, Ledoit-Wolf re-estimates Σ, the equal-risk-contribution weights are re-solved by
/// Newton warm-started from the previous hour's, and the system's volatility and stability are
/// reported.
final class RiskParityRebalanceCase: BenchmarkCase {
  let name = "risk-parity-rebalance"
  let useCase = UseCase.rebalance
  let sizeUnit = "assets"
  let defaultSize = 500
  let maximumSize = 8192
  let details = "Ledoit-Wolf on 1000 rows + warm Newton-CG (tol 1e-10) + systemic σ"

  private let window = 1000
  private var returns = try! Matrix<Double>(rows: 1, columns: 1)
  private var tape = try! Matrix<Double>(rows: 1, columns: 1)
  private var weights: [Double]? = nil
  private var hour = 0

  func setUp(size d: Int) throws {
    var rng = SyntheticMarket(seed: 19)
    let all = try rng.factorReturns(rows: window + 64, assets: d)
    returns = try Matrix(
      rows: window, columns: d,
      columnMajor: (0..<d).flatMap { j in
        (0..<window).map { all[$0, j] }
      })
    tape = try Matrix(
      rows: 64, columns: d,
      columnMajor: (0..<d).flatMap { j in
        (0..<64).map { all[window + $0, j] }
      })
    let sigma = try LedoitWolf().estimate(from: returns).covariance
    weights = try RiskBudgetingSolver().solve(covariance: sigma).weights
    hour = 0
  }

  func run() throws {
    let d = returns.columns
    let slot = hour % window
    for j in 0..<d { returns[slot, j] = tape[hour & 63, j] }
    let sigma = try LedoitWolf().estimate(from: returns).covariance
    let solution = try RiskBudgetingSolver().solve(covariance: sigma, warmStart: weights)
    let systemic = try SystemicVolatility.measure(
      weights: solution.weights, covariance: sigma, maximum: 0.05)
    weights = solution.weights
    hour += 1
    blackHole(systemic)
  }
}
