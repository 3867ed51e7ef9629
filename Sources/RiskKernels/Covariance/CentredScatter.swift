/// The scatter of the rows of a returns matrix about a location, the one O(n·d²) step every batch
/// covariance estimator shares:
/// ```
/// C = α Σₜ sₜ² (xₜ − m)(xₜ − m)ᵀ        (sₜ = 1 when no row scale is given)
/// ```
/// computed as SYRK on centred data, block by block: `blockRows` centred (and scaled) rows at a
/// time go into one reused buffer, and each block is added into `C` with `β = 1`, so the
/// centred `n × d` copy is never materialised whole. OpenBLAS blocks its own loop over `k` in
/// the same way, so the extra calls cost nothing measurable.
///
/// With `rowNormsToTheFourth` it also returns `Σₜ ‖sₜ(xₜ − m)‖⁴`, the input of Ledoit-Wolf's β,
/// from the same pass.
struct CentredScatter<Scalar: BLASScalar> {
  /// Rows per SYRK block. It bounds the working memory to `blockRows × d` whatever the history
  /// length (4 MB in Double at d = 1000); 256, 512, 1024 and one block measured the same within
  /// this machine's noise (Benchmarks/run-covariance.sh, 1 and 2 threads).
  static var blockRows: Int { 512 }

  var location: [Scalar]?
  var rowScale: [Scalar]?
  var alpha: Scalar = 1
  var rowNormsToTheFourth = false

  /// The lower triangle mirrored, so the result is exactly symmetric; and `Σₜ ‖·‖⁴` (zero unless
  /// asked for).
  @specialized(where Scalar == Double)
  @specialized(where Scalar == Float)
  func callAsFunction(_ x: Matrix<Scalar>) throws(RiskKernelsError) -> (Matrix<Scalar>, Scalar) {
    let (n, d) = (x.rows, x.columns)
    var c = try Matrix<Scalar>(rows: d, columns: d)
    var fourth: Scalar = 0
    let block = Swift.min(Self.blockRows, n)
    var buffer = try Matrix<Scalar>(rows: block, columns: d)
    var norms = [Scalar](repeating: 0, count: block)
    var start = 0
    while start < n {
      let count = Swift.min(block, n - start)
      if count < block {
        buffer = try Matrix<Scalar>(rows: count, columns: d)
      }
      fill(&buffer, from: x, start: start)
      if rowNormsToTheFourth {
        accumulateSquaredNorms(buffer, into: &norms)
        for i in 0..<count {
          fourth += norms[i] * norms[i]
          norms[i] = 0
        }
      }
      try Scalar._syrk(
        buffer, .transpose, alpha: alpha, beta: start == 0 ? 0 : 1, .lower, into: &c)
      start += count
    }
    c.mirrorLowerTriangle()
    return (c, fourth)
  }

  /// Writes rows `start ..< start + buffer.rows` of `x`, centred and scaled, into `buffer`.
  @specialized(where Scalar == Double)
  @specialized(where Scalar == Float)
  private func fill(_ buffer: inout Matrix<Scalar>, from x: Matrix<Scalar>, start: Int) {
    let (count, n) = (buffer.rows, x.rows)
    for j in 0..<x.columns {
      let m = location?[j] ?? 0
      let source = j * n + start
      let target = j * count
      if let rowScale {
        for i in 0..<count {
          buffer.storage[target + i] = (x.storage[source + i] - m) * rowScale[start + i]
        }
      } else {
        for i in 0..<count { buffer.storage[target + i] = x.storage[source + i] - m }
      }
    }
  }

  /// `norms[i] += ‖row i of buffer‖²`.
  @specialized(where Scalar == Double)
  @specialized(where Scalar == Float)
  private func accumulateSquaredNorms(_ buffer: Matrix<Scalar>, into norms: inout [Scalar]) {
    let count = buffer.rows
    for j in 0..<buffer.columns {
      let base = j * count
      for i in 0..<count {
        let v = buffer.storage[base + i]
        norms[i] += v * v
      }
    }
  }
}
