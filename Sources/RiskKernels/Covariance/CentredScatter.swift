/// The scatter of the rows of a returns matrix about a location, the one O(n·d²) step every batch
/// covariance estimator shares:
/// ```
/// C = α Σₜ sₜ² (xₜ − m)(xₜ − m)ᵀ        (sₜ = 1 when no row scale is given)
/// ```
/// Three ways to the same matrix, each exact to rounding:
/// - **Unscaled rows near zero mean** (returns): `C = α(Σₜ xₜxₜᵀ − n·m mᵀ)`, one SYRK on the
///   input in place, no centred copy. Against SYRK on centred data (the textbook choice, for
///   its accuracy), subtracting `n·m mᵀ` enlarges the rounding error bound of `Cᵢⱼ` relative to
///   `√(CᵢᵢCⱼⱼ)` by at most `1/(1 − τ)` when every column has `n·mⱼ² ≤ τ·Σₜ xₜⱼ²`, i.e.
///   `|mⱼ| ≤ σⱼ/√(1/τ − 1)`. With `τ = 1/16` that is 7 % at most, for `|m| ≤ 0.26σ` (daily
///   returns have `|m|` near 0.05σ); SYRK's own diagonal checks the condition, and any column
///   outside it sends the whole matrix down the centred path below.
/// - **Otherwise** (price levels, or a row scale as in EWMA): the rows are centred and scaled
///   into a buffer of at most `bufferElements` values, block by block, and each block goes into
///   `C` by SYRK with `β = 1`.
/// - **Row scales that make the oldest rows negligible** (EWMA with λ = 0.94 over ten years
///   weighs the rows older than about 800 days below 2⁻⁷² of the newest): that prefix is left out
///   when its whole contribution, bounded by `Σₜ sₜ² maxⱼ (xₜⱼ − mⱼ)²`, is below `u/16 · minⱼ Cⱼⱼ`
///   (u the unit roundoff) — less than rounding changes any element relative to `√(CᵢᵢCⱼⱼ)`.
///   The bound is computed, not assumed; when it fails the prefix is added like any other rows.
///
/// Below order `splitBelowOrder` the rows are summed in two fixed halves on two threads (one
/// OpenBLAS thread each, whose own SYRK barely uses a second core at d = 100 here), and the halves
/// added in order: the result is the same on any number of cores.
///
/// With `rowNormsToTheFourth` it also returns `Σₜ ‖sₜ(xₜ − m)‖⁴`, the input of Ledoit-Wolf's β.
struct CentredScatter<Scalar: BLASScalar> {
  /// Orders below which the two halves of the rows are summed on two threads.
  static var splitBelowOrder: Int { 256 }
  /// The fewest rows per half worth a second thread.
  static var splitMinimumRows: Int { 128 }
  /// `τ`: the uncentred form is used when every column has `n·mⱼ² ≤ τ·Σₜ xₜⱼ²`.
  static var uncentredMeanShare: Scalar { 1.0 / 16 }

  var location: [Scalar]?
  var rowScale: [Scalar]?
  var alpha: Scalar = 1
  var rowNormsToTheFourth = false
  /// Values per copied block (16 MB in Double): at d = 1000 about 2100 rows.
  var bufferElements = 1 << 21

  /// The lower triangle mirrored, so the result is exactly symmetric; and `Σₜ ‖·‖⁴` (zero unless
  /// asked for).
  @specialized(where Scalar == Double)
  @specialized(where Scalar == Float)
  func callAsFunction(_ x: Matrix<Scalar>) throws(RiskKernelsError) -> (Matrix<Scalar>, Scalar) {
    let (n, d) = (x.rows, x.columns)
    let fourth = rowNormsToTheFourth ? sumOfFourthPowersOfRowNorms(x) : 0
    if rowScale == nil, looksNearZeroMean(x), var c = try Self.lowerScatter(of: x, rows: 0..<n) {
      let m = location ?? [Scalar](repeating: 0, count: d)
      let count = Scalar(n)
      if (0..<d).allSatisfy({ count * m[$0] * m[$0] <= Self.uncentredMeanShare * c[$0, $0] }) {
        c.mirrorLowerTriangle(scale: alpha, subtracting: count, timesOuterProductOf: m)
        try Self.checkFinite(x, scatter: c)
        return (c, fourth)
      }
    }
    let first = negligiblePrefix(x)
    var c = try copiedScatter(x, rows: first..<n, into: nil)
    if first > 0 && !prefixIsBelowRounding(x, rows: 0..<first, diagonal: c) {
      c = try copiedScatter(x, rows: 0..<first, into: c)
    }
    c.mirrorLowerTriangle(scale: alpha, subtracting: 0, timesOuterProductOf: [])
    try Self.checkFinite(x, scatter: c)
    return (c, fourth)
  }

  /// The estimators leave the finiteness of the returns to this check: every element of `x` in a
  /// summed row enters a diagonal `Σₜ sₜ²(xₜⱼ − mⱼ)²` (a NaN or ±∞ makes it NaN or ∞, and the
  /// left-out prefix is kept when its bound is not finite), so only a non-finite diagonal needs
  /// the full scan, which names the first bad element.
  private static func checkFinite(_ x: Matrix<Scalar>, scatter c: Matrix<Scalar>)
    throws(RiskKernelsError)
  {
    for j in 0..<c.rows where !c.storage[j + j * c.rows].isFinite {
      try x.checkFinite("returns")
      return
    }
  }

  /// A cheap guess from the first 64 rows, so data far from zero mean (prices) goes straight to
  /// the copying path; the uncentred path still checks the whole columns before it is used.
  @specialized(where Scalar == Double)
  @specialized(where Scalar == Float)
  func looksNearZeroMean(_ x: Matrix<Scalar>) -> Bool {
    guard let m = location else { return true }
    let (n, k) = (x.rows, Swift.min(x.rows, 64))
    for j in 0..<x.columns {
      var squares: Scalar = 0
      for i in 0..<k { squares += x.storage[i + j * n] * x.storage[i + j * n] }
      if Scalar(k) * m[j] * m[j] > Self.uncentredMeanShare / 2 * squares { return false }
    }
    return true
  }

  /// The lower triangle of `Σ_{t ∈ rows} xₜxₜᵀ` by SYRK on `x` in place; `nil` for no rows.
  @specialized(where Scalar == Double)
  @specialized(where Scalar == Float)
  static func lowerScatter(of x: Matrix<Scalar>, rows: Range<Int>) throws(RiskKernelsError)
    -> Matrix<Scalar>?
  {
    guard !rows.isEmpty else { return nil }
    let d = x.columns
    var c = try Matrix<Scalar>(rows: d, columns: d)
    guard d < splitBelowOrder, rows.count >= 2 * splitMinimumRows else {
      try Scalar._syrkLowerOfRows(x, rows: rows, alpha: 1, beta: 0, into: &c)
      return c
    }
    let (first, second) = try BLASThreads.withOneThread { () throws(RiskKernelsError) in
      try onTwoHalves(of: rows, parallel: true) { (half) throws(RiskKernelsError) in
        var part = try Matrix<Scalar>(rows: d, columns: d)
        try Scalar._syrkLowerOfRows(x, rows: half, alpha: 1, beta: 0, into: &part)
        return part
      }
    }
    c = first
    for k in c.storage.indices { c.storage[k] += second.storage[k] }
    return c
  }

  /// `target` (lower triangle) plus `Σ_{t ∈ rows} sₜ²(xₜ − m)(xₜ − m)ᵀ`, the rows centred and
  /// scaled into a buffer block by block.
  @specialized(where Scalar == Double)
  @specialized(where Scalar == Float)
  private func copiedScatter(
    _ x: Matrix<Scalar>, rows: Range<Int>, into target: Matrix<Scalar>?
  ) throws(RiskKernelsError) -> Matrix<Scalar> {
    let d = x.columns
    var c = target
    let blockRows = Swift.max(1, bufferElements / Swift.max(d, 1))
    var start = rows.lowerBound
    var buffer = try Matrix<Scalar>(rows: 0, columns: d)
    while start < rows.upperBound {
      let count = Swift.min(blockRows, rows.upperBound - start)
      if buffer.rows != count { buffer = try Matrix<Scalar>(rows: count, columns: d) }
      fill(&buffer, from: x, start: start)
      if let part = try Self.lowerScatter(of: buffer, rows: 0..<count) {
        // The first block's scatter is the sum so far: no zeroed matrix to add it to.
        if c == nil {
          c = part
        } else {
          for k in part.storage.indices { c?.storage[k] += part.storage[k] }
        }
      }
      start += count
    }
    if let c { return c }
    return try Matrix<Scalar>(rows: d, columns: d)
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

  /// The oldest rows whose scale is below `2⁻¹⁰·√ε` of the largest (weights below 2⁻⁷² of the
  /// largest in Double): the candidates for leaving out (none without a row scale).
  func negligiblePrefix(_ x: Matrix<Scalar>) -> Int {
    guard let rowScale, let largest = rowScale.max(), largest > 0 else { return 0 }
    let threshold = largest * Scalar.ulpOfOne.squareRoot() / 1024
    return rowScale.firstIndex { $0 > threshold } ?? 0
  }

  /// Whether `Σ_{t ∈ rows} sₜ² maxⱼ (xₜⱼ − mⱼ)²`, which bounds every element of the rows'
  /// contribution, is below `u/16 · minⱼ Cⱼⱼ` of the scatter `diagonal` of the other rows.
  @specialized(where Scalar == Double)
  @specialized(where Scalar == Float)
  private func prefixIsBelowRounding(
    _ x: Matrix<Scalar>, rows: Range<Int>, diagonal c: Matrix<Scalar>
  ) -> Bool {
    let d = x.columns
    guard let rowScale, d > 0 else { return false }
    var largest = [Scalar](repeating: 0, count: rows.count)
    for j in 0..<d {
      let m = location?[j] ?? 0
      let base = j * x.rows + rows.lowerBound
      for i in 0..<rows.count {
        let square = (x.storage[base + i] - m) * (x.storage[base + i] - m)
        // A NaN, once in, stays (and fails the bound): no later comparison replaces it.
        if square > largest[i] || square.isNaN { largest[i] = square }
      }
    }
    var bound: Scalar = 0
    for i in 0..<rows.count {
      bound += rowScale[rows.lowerBound + i] * rowScale[rows.lowerBound + i] * largest[i]
    }
    let smallest = (0..<d).map { c[$0, $0] }.min()!
    return bound.isFinite && bound <= Scalar.ulpOfOne / 32 * smallest
  }

  /// `Σₜ ‖sₜ(xₜ − m)‖⁴`, one pass over `x`: the squared row norms of the two halves of the
  /// columns (on two threads for large inputs; a fixed split, so the same bits on any number of
  /// cores), then summed.
  @specialized(where Scalar == Double)
  @specialized(where Scalar == Float)
  private func sumOfFourthPowersOfRowNorms(_ x: Matrix<Scalar>) -> Scalar {
    let (n, d) = (x.rows, x.columns)
    let location = self.location
    let (first, second) = onTwoHalves(of: 0..<d, parallel: worthTwoThreads(n * d)) { columns in
      var norms = [Scalar](repeating: 0, count: n)
      for j in columns {
        let m = location?[j] ?? 0
        let base = j * n
        for i in 0..<n {
          let v = x.storage[base + i] - m
          norms[i] += v * v
        }
      }
      return norms
    }
    var fourth: Scalar = 0
    for i in 0..<n {
      let s2 = rowScale.map { $0[i] * $0[i] } ?? 1
      let norm = s2 * (first[i] + second[i])
      fourth += norm * norm
    }
    return fourth
  }
}

extension Matrix {
  /// Sets both triangles to `scale·(Lᵢⱼ − count·mᵢmⱼ)` from the lower triangle `L` (no
  /// correction when `m` is empty), so the result is exactly symmetric. Blocked in 64×64 tiles so
  /// the strided writes stay in cache.
  @specialized(where Scalar == Double)
  @specialized(where Scalar == Float)
  mutating func mirrorLowerTriangle(
    scale: Scalar, subtracting count: Scalar, timesOuterProductOf m: [Scalar]
  ) {
    let n = rows
    let tile = 64
    let correct = !m.isEmpty
    for jb in stride(from: 0, to: n, by: tile) {
      for ib in stride(from: jb, to: n, by: tile) {
        let rowEnd = Swift.min(ib + tile, n)
        for j in jb..<Swift.min(jb + tile, n) where Swift.max(ib, j) < rowEnd {
          let cm = correct ? count * m[j] : 0
          for i in Swift.max(ib, j)..<rowEnd {
            let lower = storage[i + j * n]
            let v = scale * (correct ? lower - cm * m[i] : lower)
            storage[i + j * n] = v
            storage[j + i * n] = v
          }
        }
      }
    }
  }
}
