import RiskKernels

/// The published pyrb / Richard & Roncalli 8-asset case ("Constrained Risk Budgeting Portfolios"; riskParityPortfolio's test-pyrb.R).
enum PyrbCase {
  static let volatilities = [0.05, 0.05, 0.07, 0.10, 0.15, 0.15, 0.15, 0.18]
  static let correlationPercent: [[Double]] = [
    [100, 80, 60, -20, -10, -20, -20, -20],
    [80, 100, 40, -20, -20, -10, -20, -20],
    [60, 40, 100, 50, 30, 20, 20, 30],
    [-20, -20, 50, 100, 60, 60, 50, 60],
    [-10, -20, 30, 60, 100, 90, 70, 70],
    [-20, -10, 20, 60, 90, 100, 60, 70],
    [-20, -20, 20, 50, 70, 60, 100, 70],
    [-20, -20, 30, 60, 70, 70, 70, 100],
  ]
  /// Published equal-risk-contribution weights in percent (R tolerance 1e-4).
  static let weightsPercent = [26.8306, 28.6769, 11.4095, 9.7985, 5.6135, 5.9029, 6.656, 5.1121]

  static func covariance<T: BLASScalar>(_: T.Type = T.self) -> Matrix<T> {
    let n = volatilities.count
    let rows = (0..<n).map { i in
      (0..<n).map { j in correlationPercent[i][j] / 100 * volatilities[i] * volatilities[j] }
    }
    return try! Matrix(rows.map { $0.map { T($0) } })
  }
}

/// Σ from `vol` and a constant pairwise correlation `rho`.
func constantCorrelationCovariance<T: BLASScalar>(
  _ vol: [Double], rho: Double, as _: T.Type = T.self
) -> Matrix<T> {
  let rows = vol.indices.map { i in vol.indices.map { j in T((i == j ? 1 : rho) * vol[i] * vol[j]) }
  }
  return try! Matrix(rows)
}

/// A well-conditioned k-factor covariance `BBᵀ + diag(ψ)` with positively loaded factors, as
/// risk models produce (deterministic from `seed`).
func factorCovariance<T: BLASScalar>(
  _ d: Int, factors k: Int = 5, seed: UInt64, as _: T.Type = T.self
) -> Matrix<T> {
  var state = seed &* 0x9E37_79B9_7F4A_7C15 | 1
  func uniform() -> Double {
    state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
    return Double(state >> 11) / Double(1 << 53)
  }
  let loadings = (0..<d).map { _ in
    (0..<k).map { _ in (0.4 + 0.8 * uniform()) / Double(k).squareRoot() * 0.2 }
  }
  let idiosyncratic = (0..<d).map { _ in 0.01 + 0.05 * uniform() }
  var rows = [[T]](repeating: [T](repeating: 0, count: d), count: d)
  for i in 0..<d {
    for j in 0..<d {
      var s = i == j ? idiosyncratic[i] : 0
      for f in 0..<k { s += loadings[i][f] * loadings[j][f] }
      rows[i][j] = T(s)
    }
  }
  return try! Matrix(rows)
}
