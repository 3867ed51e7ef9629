/// The maximum-likelihood mean and covariance of returns whose histories start on different
/// dates: Stambaugh (1997), "Analyzing investments whose histories differ in length", Journal of
/// Financial Economics 45(3), after Anderson's (1957) estimator for monotone missing data.
///
/// The returns are a `T × d` matrix with NaN before each asset's first return and a number in
/// every row after it (a monotone pattern). Assets are grouped by their first row, longest
/// history first. The first group's mean and covariance come from its whole history; each later
/// group S is regressed, over the rows where it is observed (its overlap), on all the assets L
/// before it, and combined with their full-history estimates:
/// ```
/// B    = Ĉ_SL Ĉ_LL⁻¹                       (overlap moments, 1/n)
/// Σ̂ᵉ   = Ĉ_SS − B Ĉ_LS                     (the regression's residual covariance)
/// μ_S  = m̂_S + B (μ_L − m̂_L)
/// Σ_SL = B Σ_LL,   Σ_SS = Σ̂ᵉ + B Σ_LL Bᵀ
/// ```
/// so the long histories inform the short assets' moments instead of being cut to the shortest.
/// With every asset starting on the same row it is the sample mean and the 1/n covariance.
/// Tested against an independent EM (expectation-maximisation) solution of the same likelihood.
///
/// Only the sample (maximum-likelihood) moments combine this way: a shrinkage or EWMA estimate
/// of each block is not the likelihood's maximum, so the command line refuses them with
/// `--histories stambaugh`.
public struct StambaughCovariance: Sendable, Equatable {
  /// The estimator (it has no settings).
  public init() {}

  /// An estimate with what each asset contributed.
  public struct Estimate<Scalar: BLASScalar>: Sendable, Equatable {
    /// The covariance (exactly symmetric), the maximum-likelihood mean, and the rows from the
    /// earliest first return to the end (`observationCount`); no shrinkage.
    public let estimate: CovarianceEstimate<Scalar>
    /// Per asset: its first row with a return, and its number of returns (`T − firstRow`).
    public let firstRows: [Int]
    /// Per asset, its number of returns.
    public let observations: [Int]
  }

  /// Stambaugh's covariance of histories of different lengths (NaN before each asset's first return).
  ///
  /// - Throws: `.insufficientData` for no assets, an asset without returns, or a group whose
  ///   overlap has no more rows than the assets it and the longer histories hold (the
  ///   regression then has no residual covariance); `.nonFiniteInput` for an infinity, or a NaN
  ///   after an asset's first return (a gap inside its history: the pattern is not monotone),
  ///   at its row-major index; `.notPositiveDefinite` when the overlap moments are singular.
  @specialized(where T == Double)
  @specialized(where T == Float)
  public func estimate<T: BLASScalar>(from returns: Matrix<T>) throws(RiskKernelsError)
    -> Estimate<T>
  {
    let (n, d) = (returns.rows, returns.columns)
    guard d >= 1 else {
      throw .insufficientData(argument: "returns (assets)", required: 1, actual: d)
    }
    var first = [Int](repeating: n, count: d)
    for j in 0..<d {
      for i in 0..<n {
        let x = returns[i, j]
        if x.isNaN {
          guard first[j] == n else {
            throw .nonFiniteInput(
              argument: "returns (a gap inside column \(j)'s history)", index: i * d + j)
          }
        } else {
          guard x.isFinite else { throw .nonFiniteInput(argument: "returns", index: i * d + j) }
          if first[j] == n { first[j] = i }
        }
      }
      guard first[j] < n else {
        throw .insufficientData(argument: "returns of column \(j)", required: 2, actual: 0)
      }
    }
    // Groups of equal first rows, earliest first.
    let starts = Set(first).sorted()
    var order: [Int] = []  // columns estimated so far, in that order
    var mu: [Double] = []
    var sigma: [[Double]] = []  // aligned with `order`
    for start in starts {
      let block = (0..<d).filter { first[$0] == start }
      let rows = n - start
      let (l, s) = (order.count, block.count)
      guard rows >= l + s + 1 else {
        throw .insufficientData(
          argument: "returns from row \(start) (the overlap of the assets starting there)",
          required: l + s + 1, actual: rows)
      }
      func column(_ j: Int) -> [Double] { (start..<n).map { Double(returns[$0, j]) } }
      let overlapL = order.map(column)
      let overlapS = block.map(column)
      let meanL = overlapL.map(Self.mean)
      let meanS = overlapS.map(Self.mean)
      let cLL = Self.moments(overlapL, meanL, overlapL, meanL)
      let cSL = Self.moments(overlapS, meanS, overlapL, meanL)
      let cSS = Self.moments(overlapS, meanS, overlapS, meanS)
      guard l > 0 else {
        (order, mu, sigma) = (block, meanS, cSS)
        continue
      }
      // Bᵀ = Ĉ_LL⁻¹ Ĉ_LS, by Cholesky (Ĉ_LL is symmetric positive definite for rows > l).
      let factor = try Cholesky(Matrix(uncheckedRows: l, columns: l, storage: cLL.flatMap { $0 }))
      var b = [[Double]](repeating: [Double](repeating: 0, count: l), count: s)
      for a in 0..<s {
        let column = try factor.solve(cSL[a])
        b[a] = column
      }
      // μ_S = m̂_S + B(μ_L − m̂_L); Σ_SL = B Σ_LL; Σ_SS = Σ̂ᵉ + Σ_SL Bᵀ, Σ̂ᵉ = Ĉ_SS − B Ĉ_LS.
      var muS = meanS
      var sigmaSL = [[Double]](repeating: [Double](repeating: 0, count: l), count: s)
      for a in 0..<s {
        for k in 0..<l { muS[a] += b[a][k] * (mu[k] - meanL[k]) }
        for c in 0..<l {
          var sum = 0.0
          for k in 0..<l { sum += b[a][k] * sigma[k][c] }
          sigmaSL[a][c] = sum
        }
      }
      var sigmaSS = cSS
      for a in 0..<s {
        for c in 0..<s {
          var explained = 0.0
          var added = 0.0
          for k in 0..<l {
            explained += b[a][k] * cSL[c][k]
            added += sigmaSL[a][k] * b[c][k]
          }
          sigmaSS[a][c] += added - explained
        }
      }
      for k in 0..<l { sigma[k] += (0..<s).map { sigmaSL[$0][k] } }
      for a in 0..<s { sigma.append(sigmaSL[a] + sigmaSS[a]) }
      order += block
      mu += muS
    }
    // Back to the columns' order, exactly symmetric.
    var position = [Int](repeating: 0, count: d)
    for (p, j) in order.enumerated() { position[j] = p }
    var covariance = Matrix<T>(
      uncheckedRows: d, columns: d, storage: [T](repeating: 0, count: d * d))
    for i in 0..<d {
      for j in 0...i {
        let (p, q) = (position[i], position[j])
        let value = T((sigma[p][q] + sigma[q][p]) / 2)
        covariance[i, j] = value
        covariance[j, i] = value
      }
    }
    let estimate = CovarianceEstimate(
      covariance: covariance, mean: (0..<d).map { T(mu[position[$0]]) },
      observationCount: n - starts[0], shrinkage: nil)
    return Estimate(
      estimate: estimate, firstRows: first, observations: first.map { n - $0 })
  }

  private static func mean(_ x: [Double]) -> Double {
    x.reduce(0, +) / Double(x.count)
  }

  /// `(1/n) Σ_t (x_a(t) − m_a)(y_c(t) − m_c)` for every pair of series a of `x` and c of `y`.
  private static func moments(_ x: [[Double]], _ mx: [Double], _ y: [[Double]], _ my: [Double])
    -> [[Double]]
  {
    x.indices.map { a in
      y.indices.map { c in
        var sum = 0.0
        for t in x[a].indices { sum += (x[a][t] - mx[a]) * (y[c][t] - my[c]) }
        return sum / Double(x[a].count)
      }
    }
  }
}
