// Correlation ↔ covariance: Σ = D·R·D with D = diag(σ).

extension Matrix {
  /// The correlation matrix and volatilities of a covariance matrix.
  ///
  /// ```
  /// σᵢ = √Σᵢᵢ,   Rᵢⱼ = Σᵢⱼ / (σᵢ σⱼ),   Rᵢᵢ = 1 exactly
  /// ```
  ///
  /// - Throws: `.dimensionMismatch` if not square; `.nonFiniteInput`;
  ///   `.parameterOutOfRange` for a variance that is not positive (naming the asset index).
  /// - Complexity: O(d²).
  @specialized(where Scalar == Double)
  @specialized(where Scalar == Float)
  public func correlation() throws(RiskKernelsError) -> (
    correlation: Matrix, volatilities: [Scalar]
  ) {
    try checkSquare("covariance")
    try checkFinite("covariance")
    let n = rows
    var sd = [Scalar](repeating: 0, count: n)
    for i in 0..<n {
      let v = storage[i + i * n]
      guard v > 0 else {
        throw .parameterOutOfRange(name: "covariance[\(i), \(i)]", value: Double(v), allowed: "> 0")
      }
      sd[i] = v.squareRoot()
    }
    // Clamped to [−1, 1]: exactly collinear assets give |cᵢⱼ|/(σᵢσⱼ) = 1 + 1 ulp by rounding
    // (a covariance beyond rounding is not positive semi-definite; its factorisation says so).
    var r = self
    for j in 0..<n {
      for i in 0..<n {
        r.storage[i + j * n] =
          i == j ? 1 : Swift.min(1, Swift.max(-1, storage[i + j * n] / (sd[i] * sd[j])))
      }
    }
    return (r, sd)
  }

  /// The covariance `D·R·D` from a correlation matrix `R` (self) and volatilities `σ`.
  ///
  /// - Throws: `.dimensionMismatch` unless square with `volatilities.count` rows;
  ///   `.nonFiniteInput`; `.parameterOutOfRange` for a negative volatility.
  @specialized(where Scalar == Double)
  @specialized(where Scalar == Float)
  public func covariance(volatilities: [Scalar]) throws(RiskKernelsError) -> Matrix {
    try checkSquare("correlation")
    try checkFinite("correlation")
    try checkCount(volatilities, rows, "volatilities for a \(rows)×\(rows) correlation")
    try checkAllFinite(volatilities, "volatilities")
    for (i, s) in volatilities.enumerated() where s < 0 {
      throw .parameterOutOfRange(
        name: ParameterName("volatilities", index: i), value: Double(s), allowed: "≥ 0")
    }
    let n = rows
    var c = self
    for j in 0..<n {
      for i in 0..<n {
        c.storage[i + j * n] = storage[i + j * n] * volatilities[i] * volatilities[j]
      }
    }
    return c
  }
}
