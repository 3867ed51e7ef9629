import Foundation
import RiskKernels
import Testing
import _RiskKernelsTestSupport

@Suite struct StressTests {
  @Test(
    "Worst windows by hand: two assets, w = 2, the non-overlapping windows in order, fewer when no more fit"
  )
  func worstWindowsByHand() throws {
    // Rows 0…7; asset 0 falls 10% over rows 1→3 and 20% over rows 4→6.
    let a: [Double] = [100, 100, 95, 90, 90, 80, 72, 72]
    let b: [Double] = [50, 50, 50, 50, 50, 50, 50, 55]
    let prices = try Matrix(zip(a, b).map { [$0, $1] })
    let windows = try WorstWindows(window: 2, count: 3).find(prices: prices, exposures: [3, 1])
    // Returns of each start t (w = 2): 0.75·(a[t+2]/a[t] − 1) + 0.25·(b[t+2]/b[t] − 1).
    func r(_ t: Int) -> Double { 0.75 * (a[t + 2] / a[t] - 1) + 0.25 * (b[t + 2] / b[t] - 1) }
    #expect(windows[0].start == 4 && abs(windows[0].portfolioReturn - r(4)) < 1e-15)
    #expect(windows[0].end == 6 && abs(windows[0].moves[0] - (-0.2)) < 1e-15)
    // Starts 3 and 5 overlap 4; start 1 (−7.5%) is next; 0 and 2 overlap 1: only two fit.
    #expect(windows.map(\.start) == [4, 1])
    #expect(abs(windows[1].portfolioReturn - r(1)) < 1e-15)
  }

  @Test("Worst windows agree with a brute-force search on random histories")
  func worstWindowsBruteForce() throws {
    var rng = SplitMix64(seed: 3)
    for trial in 0..<50 {
      let rows = 5 + trial
      let assets = 1 + trial % 4
      var prices = [[Double]](repeating: [], count: rows)
      var last = [Double](repeating: 100, count: assets)
      for t in 0..<rows {
        last = last.map { $0 * Foundation.exp(0.05 * rng.normal()) }
        prices[t] = last
      }
      let exposures = (0..<assets).map { _ in Double.random(in: 0.1..<1, using: &rng) }
      let window = 1 + trial % 5
      let found = try WorstWindows(window: window, count: 3).find(
        prices: Matrix(prices), exposures: exposures)
      // Brute force: every window's return; greedily pick, checking the overlap rule directly.
      let total = exposures.reduce(0, +)
      var returns = (0..<(rows - window)).map { t in
        (
          t,
          (0..<assets).reduce(0.0) {
            $0 + exposures[$1] * (prices[t + window][$1] / prices[t][$1] - 1)
          } / total
        )
      }
      var picked: [Int] = []
      while picked.count < 3, let worst = returns.min(by: { $0.1 < $1.1 }) {
        picked.append(worst.0)
        returns.removeAll { abs($0.0 - worst.0) < window }
      }
      #expect(found.map(\.start) == picked, "trial \(trial)")
    }
  }

  @Test("Covariance stress: k²-scaled volatilities, ρ + c(1 − ρ), and a repair only when needed")
  func covarianceStress() throws {
    let sigma = try Matrix<Double>([[0.04, 0.006], [0.006, 0.09]])  // σ = 0.2, 0.3; ρ = 0.1
    let stressed = try CovarianceStress(volatilityMultiplier: 2, correlationShift: 0.5)
      .apply(to: sigma)
    #expect(stressed.repair == nil)
    let rho = 0.1 + 0.5 * 0.9
    #expect(abs(stressed.covariance[0, 0] - 0.16) < 1e-15)
    #expect(abs(stressed.covariance[1, 1] - 0.36) < 1e-15)
    #expect(abs(stressed.covariance[0, 1] - rho * 0.4 * 0.6) < 1e-15)
    // An indefinite input (ρ12 = ρ13 = 0.9, ρ23 = −0.9) stays indefinite after a small shift.
    let bad = try Matrix<Double>([[1, 0.9, 0.9], [0.9, 1, -0.9], [0.9, -0.9, 1]])
    let repaired = try CovarianceStress(correlationShift: 0.01).apply(to: bad)
    let repair = try #require(repaired.repair)
    #expect(repair.distance > 0)
    // The repaired matrix is a correlation matrix: unit diagonal, no negative eigenvalue beyond
    // Higham's tolerance, and the covariance built from it (σ = 1) is that matrix.
    for i in 0..<3 { #expect(repair.matrix[i, i] == 1) }
    #expect(try SymmetricEigen(repair.matrix).values.min()! >= -1e-12)
    for i in 0..<3 {
      for j in 0..<3 { #expect(abs(repaired.covariance[i, j] - repair.matrix[i, j]) < 1e-12) }
    }
    #expect(repair.distance > 0.05)  // an indefinite matrix is moved visibly
    #expect(throws: RiskKernelsError.self) { try CovarianceStress(correlationShift: 1.5) }
    #expect(throws: RiskKernelsError.self) { try CovarianceStress(volatilityMultiplier: 0) }
  }

  @Test(
    "A position under a gap: gains, losses, liquidation with and without bad debt, shorts, Float")
  func positionShock() throws {
    let long = try LeveragedPosition<Double>(
      side: .long, leverage: 10, maintenanceMargin: 0.005, entryPrice: 100)
    // Not liquidated: u = 1000·10/100 = 100 units; −5% at S = 100 loses 500.
    let small = try PositionShock(position: long, margin: 1_000, spot: 100, move: -0.05)
    #expect(!small.liquidated && abs(small.pnl + 500) < 1e-9 && small.badDebt == 0)
    // −20%: P_liq = 100·0.9/0.995 = 90.45 is crossed; equity after = 1000 + 100·(80 − 100) < 0.
    let gap = try PositionShock(position: long, margin: 1_000, spot: 100, move: -0.2)
    #expect(gap.liquidated && gap.pnl == -1_000 && abs(gap.badDebt - 1_000) < 1e-9)
    // −9.6%: liquidated (90.4 ≤ 90.45) with equity 1000 − 960 = 40 left: no bad debt.
    let edge = try PositionShock(position: long, margin: 1_000, spot: 100, move: -0.096)
    #expect(edge.liquidated && edge.badDebt == 0 && edge.pnl == -1_000)
    // Entered at 110, now 100: equity now 1000 + (1000·10/110)(100 − 110) = 90.9…; that is lost.
    let old = try LeveragedPosition<Double>(side: .long, leverage: 10, entryPrice: 110)
    let late = try PositionShock(position: old, margin: 1_000, spot: 100, move: -0.01)
    #expect(late.liquidated && abs(late.pnl + (1_000 - 10_000 / 110 * 10)) < 1e-9)
    let short = try LeveragedPosition<Float>(side: .short, leverage: 20, entryPrice: 100)
    let up = try PositionShock(position: short, margin: 1, spot: 100, move: 0.1)
    #expect(up.liquidated && up.pnl == -1 && abs(up.badDebt - 1) < 1e-5)
    let down = try PositionShock(position: short, margin: 1, spot: 100, move: -0.02)
    #expect(!down.liquidated && abs(down.pnl - 0.4) < 1e-5)
    #expect(throws: RiskKernelsError.self) {
      try PositionShock(position: long, margin: 1, spot: 100, move: -1)
    }
    // Figures that overflow are refused, not returned as ∞: a spot near the largest Double
    // moved up, and a size of 1e306 units (an entry price of 1e-300) moved by half.
    #expect(throws: RiskKernelsError.self) {
      try PositionShock(position: long, margin: 1, spot: 1e308, move: 10)
    }
    let tiny = try LeveragedPosition<Double>(side: .short, leverage: 100, entryPrice: 1e-300)
    #expect(throws: RiskKernelsError.self) {
      try PositionShock(position: tiny, margin: 1e16, spot: 100, move: -0.5)
    }
  }
}
