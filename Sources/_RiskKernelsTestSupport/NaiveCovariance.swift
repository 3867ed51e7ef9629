public import RiskKernels

/// The naive oracle for the SYRK path: a triple loop in Double, `Σ (xᵢ − x̄)(xⱼ − x̄) / divisor`.
public func naiveCovariance<T: BLASScalar>(_ x: Matrix<T>, divisorOffset: Int = 1) -> [[Double]] {
  let (n, d) = (x.rows, x.columns)
  var mean = [Double](repeating: 0, count: d)
  for j in 0..<d { for i in 0..<n { mean[j] += Double(x[i, j]) / Double(n) } }
  var c = [[Double]](repeating: [Double](repeating: 0, count: d), count: d)
  for a in 0..<d {
    for b in 0..<d {
      var s = 0.0
      for i in 0..<n { s += (Double(x[i, a]) - mean[a]) * (Double(x[i, b]) - mean[b]) }
      c[a][b] = s / Double(n - divisorOffset)
    }
  }
  return c
}

/// The smallest eigenvalue of a symmetric matrix (for PSD properties).
public func smallestEigenvalue<T: BLASScalar>(_ a: Matrix<T>) throws -> T {
  try SymmetricEigen<T>.eigenvalues(of: a).first ?? 0
}
