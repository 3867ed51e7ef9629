import RealModule

// Rank-one update and downdate of a Cholesky factor in O(n²), so a new observation never forces
// an O(n³) refactorisation. Goals in priority order: correctness (orthogonal rotations only, a
// downdate is checked before it touches the factor), losing nothing on failure, then speed
// (column-wise sweeps over contiguous storage, specialised for Float and Double).

extension Cholesky {
  /// Updates the factor of `A` to the factor of `decay·A + weight·x·xᵀ` in O(n²).
  ///
  /// ```
  /// for k in 0..<n:   (Givens rotation of column k of √decay·L against the vector x)
  ///   r = hypot(√decay·L[k,k], x[k]);  c = √decay·L[k,k]/r;  s = x[k]/r;  L[k,k] = r
  ///   for i > k:  (L[i,k], x[i]) ← (c·√decay·L[i,k] + s·x[i],  c·x[i] − s·√decay·L[i,k])
  /// ```
  /// with `x` scaled by `√weight` first. The EWMA recursion `Σ ← λΣ + (1−λ) r rᵀ` is
  /// `update(with: r, weight: 1 − λ, decay: λ)`. Source: Golub & Van Loan, *Matrix Computations*
  /// §6.5.4 (4th ed.); LINPACK `dchud`.
  ///
  /// - Throws: `.dimensionMismatch` unless `x.count == order`; `.nonFiniteInput`;
  ///   `.parameterOutOfRange` unless `weight ≥ 0` and `decay > 0`. On a throw the factor is
  ///   unchanged.
  /// - Complexity: O(n²), about 6n² flops.
  ///
  /// Tested against: refactorisation of `decay·A + weight·x·xᵀ` (agreement to a few ulps × n).
  @specialized(where Scalar == Double)
  @specialized(where Scalar == Float)
  public mutating func update(
    with x: [Scalar], weight: Scalar = 1, decay: Scalar = 1
  ) throws(RiskKernelsError) {
    try checkCount(x, order, "rank-one update vector")
    try checkAllFinite(x, "rank-one update vector")
    guard weight >= 0, weight.isFinite else {
      throw .parameterOutOfRange(name: "weight", value: Double(weight), allowed: "≥ 0, finite")
    }
    guard decay > 0, decay.isFinite else {
      throw .parameterOutOfRange(name: "decay", value: Double(decay), allowed: "> 0, finite")
    }
    lower.rotateInRankOne(x, weight: weight, decay: decay)
  }

  /// Downdates the factor of `A` to the factor of `A − weight·x·xᵀ` in O(n²), or throws and
  /// leaves the factor exactly as it was.
  ///
  /// ```
  /// solve L p = √weight·x;  A − w x xᵀ is positive definite  ⇔  ‖p‖² < 1
  /// α = √(1 − ‖p‖²); rotations from (α, pᵢ) for i = n−1 … 0, applied column by column
  /// ```
  /// The leading minor of order `m` stays positive definite iff `Σ_{i<m} pᵢ² < 1`, so the first
  /// `m` where the running sum reaches 1 is the failing minor. Source: LINPACK `dchdd`
  /// (Dongarra, Bunch, Moler & Stewart, *LINPACK Users' Guide*, 1979, ch. 10).
  ///
  /// When not to use this: a downdate can fail (or lose digits) when it removes most of the
  /// variance in some direction; refactor from the data if `‖p‖²` is close to 1.
  ///
  /// - Throws: `.dimensionMismatch`; `.nonFiniteInput`; `.parameterOutOfRange` unless
  ///   `weight ≥ 0`; `.notPositiveDefinite(failingMinor:)` when the result would not be
  ///   positive definite. On a throw the factor is unchanged.
  /// - Complexity: O(n²).
  ///
  /// Tested against: refactorisation of `A − x·xᵀ`; the failure path leaves `lower` bit-identical.
  @specialized(where Scalar == Double)
  @specialized(where Scalar == Float)
  public mutating func downdate(removing x: [Scalar], weight: Scalar = 1) throws(RiskKernelsError) {
    try checkCount(x, order, "rank-one downdate vector")
    try checkAllFinite(x, "rank-one downdate vector")
    guard weight >= 0, weight.isFinite else {
      throw .parameterOutOfRange(name: "weight", value: Double(weight), allowed: "≥ 0, finite")
    }
    let n = order
    let rootWeight = weight.squareRoot()
    // p = L⁻¹ (√w x), then the check, all before the factor is touched.
    var p = try lowerSolve(Matrix(rows: n, columns: 1, columnMajor: x.map { $0 * rootWeight }))
      .columnMajorElements
    var sum: Scalar = 0
    // A margin of a few ulps keeps α² = 1 − ‖p‖² clearly positive in floating point.
    let margin = Scalar(4 * max(n, 1)) * Scalar.ulpOfOne
    for i in 0..<n {
      sum += p[i] * p[i]
      if !(sum < 1 - margin) { throw .notPositiveDefinite(failingMinor: i + 1) }
    }
    var alpha = (1 - sum).squareRoot()
    var c = [Scalar](repeating: 1, count: n)
    var s = [Scalar](repeating: 0, count: n)
    for i in stride(from: n - 1, through: 0, by: -1) {
      let scale = alpha + Swift.abs(p[i])
      let a = alpha / scale
      let b = p[i] / scale
      let norm = (a * a + b * b).squareRoot()
      c[i] = a / norm
      s[i] = b / norm
      alpha = scale * norm
    }
    // Apply rotation i to column i of L (rows ≥ i) against the running vector xx.
    for i in 0..<n { p[i] = 0 }
    do {
      for i in stride(from: n - 1, through: 0, by: -1) {
        let column = i * n
        let ci = c[i]
        let si = s[i]
        for j in i..<n {
          let lji = lower.storage[column + j]
          let xx = p[j]
          p[j] = ci * xx + si * lji
          lower.storage[column + j] = ci * lji - si * xx
        }
      }
    }
  }
}

extension Matrix {
  /// The Givens sweep of `Cholesky.update(with:weight:decay:)` on a lower-triangular factor,
  /// without validation. A zero diagonal is allowed (a factor built up from zero rows by the
  /// streaming estimator): the sweep then rotates `x` into that column.
  @specialized(where Scalar == Double)
  @specialized(where Scalar == Float)
  mutating func rotateInRankOne(_ x: [Scalar], weight: Scalar, decay: Scalar) {
    let n = rows
    let rootDecay = decay.squareRoot()
    let rootWeight = weight.squareRoot()
    var v = x
    for i in 0..<n { v[i] *= rootWeight }
    for k in 0..<n {
      let column = k * n
      let lkk = rootDecay * storage[column + k]
      let r = Scalar.hypot(lkk, v[k])
      if r == 0 {  // both zero: nothing to rotate in this column, only decay it
        for i in (k + 1)..<max(k + 1, n) { storage[column + i] *= rootDecay }
        continue
      }
      let c = lkk / r
      let s = v[k] / r
      storage[column + k] = r
      let cd = c * rootDecay
      let sd = s * rootDecay
      for i in (k + 1)..<max(k + 1, n) {
        let lik = storage[column + i]
        let vi = v[i]
        storage[column + i] = cd * lik + s * vi
        v[i] = c * vi - sd * lik
      }
    }
  }
}
