internal import CShims
public import RealModule

// The `d` routines. Line-for-line twin of Float+BLASScalar.swift: a diff shows only s/d.
extension Double: BLASScalar {
  public static func _gemm(
    _ a: Matrix<Double>, _ ta: BLASFlags.Transpose, _ b: Matrix<Double>, _ tb: BLASFlags.Transpose,
    alpha: Double, beta: Double, into c: inout Matrix<Double>
  ) throws(RiskKernelsError) {
    try checkGEMM(a, ta, b, tb, c)
    let k = operandShape(a, ta).columns
    let (m, n) = (try cInt(c.rows, "rows"), try cInt(c.columns, "columns"))
    let (ck, lda, ldb, ldc) = (
      try cInt(k, "inner dimension"), try leadingDimension(a), try leadingDimension(b),
      try leadingDimension(c)
    )
    if m == 0 || n == 0 { return }
    a.storage.withUnsafeBufferPointer { pa in
      b.storage.withUnsafeBufferPointer { pb in
        c.storage.withUnsafeMutableBufferPointer { pc in
          cblas_dgemm(
            CblasColMajor, ta.cblas, tb.cblas, m, n, ck, alpha, pa.baseAddress, lda,
            pb.baseAddress, ldb, beta, pc.baseAddress, ldc)
        }
      }
    }
  }

  public static func _gemv(
    _ a: Matrix<Double>, _ ta: BLASFlags.Transpose, _ x: [Double], alpha: Double, beta: Double,
    into y: inout [Double]
  ) throws(RiskKernelsError) {
    try checkGEMV(a, ta, x, y)
    let (m, n, lda) = (
      try cInt(a.rows, "rows"), try cInt(a.columns, "columns"), try leadingDimension(a)
    )
    if y.isEmpty { return }
    a.storage.withUnsafeBufferPointer { pa in
      x.withUnsafeBufferPointer { px in
        y.withUnsafeMutableBufferPointer { py in
          cblas_dgemv(
            CblasColMajor, ta.cblas, m, n, alpha, pa.baseAddress, lda, px.baseAddress, 1, beta,
            py.baseAddress, 1)
        }
      }
    }
  }

  public static func _symv(
    _ a: Matrix<Double>, _ uplo: BLASFlags.UpLo, _ x: [Double], alpha: Double, beta: Double,
    into y: inout [Double]
  ) throws(RiskKernelsError) {
    try checkSquare(a, "symmetric matrix-vector product")
    try checkGEMV(a, .noTranspose, x, y)
    let (n, lda) = (try cInt(a.rows, "order"), try leadingDimension(a))
    if y.isEmpty { return }
    a.storage.withUnsafeBufferPointer { pa in
      x.withUnsafeBufferPointer { px in
        y.withUnsafeMutableBufferPointer { py in
          cblas_dsymv(
            CblasColMajor, uplo.cblas, n, alpha, pa.baseAddress, lda, px.baseAddress, 1, beta,
            py.baseAddress, 1)
        }
      }
    }
  }

  public static func _syrk(
    _ a: Matrix<Double>, _ trans: BLASFlags.Transpose, alpha: Double, beta: Double,
    _ uplo: BLASFlags.UpLo,
    into c: inout Matrix<Double>
  ) throws(RiskKernelsError) {
    try checkSYRK(a, trans, c)
    let (n, k) = (
      try cInt(c.rows, "order"), try cInt(trans == .transpose ? a.rows : a.columns, "rank")
    )
    let (lda, ldc) = (try leadingDimension(a), try leadingDimension(c))
    if n == 0 { return }
    a.storage.withUnsafeBufferPointer { pa in
      c.storage.withUnsafeMutableBufferPointer { pc in
        cblas_dsyrk(
          CblasColMajor, uplo.cblas, trans.cblas, n, k, alpha, pa.baseAddress, lda, beta,
          pc.baseAddress, ldc)
      }
    }
  }

  public static func _syrkLowerOfRows(
    _ a: Matrix<Double>, rows: Range<Int>, alpha: Double, beta: Double, into c: inout Matrix<Double>
  ) throws(RiskKernelsError) {
    try checkSYRK(a, .transpose, c)
    guard rows.lowerBound >= 0, rows.upperBound <= a.rows else {
      throw .parameterOutOfRange(
        name: "rows", value: Double(rows.upperBound), allowed: "0...\(a.rows)")
    }
    let (n, k) = (try cInt(c.rows, "order"), try cInt(rows.count, "rank"))
    let (lda, ldc) = (try leadingDimension(a), try leadingDimension(c))
    if n == 0 { return }
    a.storage.withUnsafeBufferPointer { pa in
      c.storage.withUnsafeMutableBufferPointer { pc in
        cblas_dsyrk(
          CblasColMajor, CblasLower, CblasTrans, n, k, alpha,
          pa.baseAddress.map { $0 + rows.lowerBound },
          lda, beta, pc.baseAddress, ldc)
      }
    }
  }

  public static func _trmm(
    _ side: BLASFlags.Side, _ uplo: BLASFlags.UpLo, _ ta: BLASFlags.Transpose,
    _ diagonal: BLASFlags.Diagonal, alpha: Double,
    _ a: Matrix<Double>, _ b: inout Matrix<Double>
  ) throws(RiskKernelsError) {
    try checkTriangular(side, a, b)
    let (m, n) = (try cInt(b.rows, "rows"), try cInt(b.columns, "columns"))
    let (lda, ldb) = (try leadingDimension(a), try leadingDimension(b))
    if m == 0 || n == 0 { return }
    a.storage.withUnsafeBufferPointer { pa in
      b.storage.withUnsafeMutableBufferPointer { pb in
        cblas_dtrmm(
          CblasColMajor, side.cblas, uplo.cblas, ta.cblas, diagonal.cblas, m, n, alpha,
          pa.baseAddress, lda, pb.baseAddress, ldb)
      }
    }
  }

  public static func _trsm(
    _ side: BLASFlags.Side, _ uplo: BLASFlags.UpLo, _ ta: BLASFlags.Transpose,
    _ diagonal: BLASFlags.Diagonal, alpha: Double,
    _ a: Matrix<Double>, _ b: inout Matrix<Double>
  ) throws(RiskKernelsError) {
    try checkTriangular(side, a, b)
    let (m, n) = (try cInt(b.rows, "rows"), try cInt(b.columns, "columns"))
    let (lda, ldb) = (try leadingDimension(a), try leadingDimension(b))
    if m == 0 || n == 0 { return }
    a.storage.withUnsafeBufferPointer { pa in
      b.storage.withUnsafeMutableBufferPointer { pb in
        cblas_dtrsm(
          CblasColMajor, side.cblas, uplo.cblas, ta.cblas, diagonal.cblas, m, n, alpha,
          pa.baseAddress, lda, pb.baseAddress, ldb)
      }
    }
  }

  public static func _potrf(
    _ a: inout Matrix<Double>, _ uplo: BLASFlags.UpLo
  ) throws(RiskKernelsError) -> Int? {
    try checkSquare(a, "Cholesky factorisation")
    let (n, lda) = (try cInt(a.rows, "order"), try leadingDimension(a))
    if n == 0 { return nil }
    let info = a.storage.withUnsafeMutableBufferPointer { pa in
      LAPACKE_dpotrf(LAPACK_COL_MAJOR, uplo.lapack, n, pa.baseAddress, lda)
    }
    return try LAPACKStatus.failingMinor(info, routine: "dpotrf")
  }

  public static func _potrs(
    _ factor: Matrix<Double>, _ uplo: BLASFlags.UpLo, _ b: inout Matrix<Double>
  ) throws(RiskKernelsError) {
    try checkTriangular(.left, factor, b)
    let (n, nrhs) = (try cInt(b.rows, "order"), try cInt(b.columns, "right-hand sides"))
    let (lda, ldb) = (try leadingDimension(factor), try leadingDimension(b))
    if n == 0 || nrhs == 0 { return }
    let info = factor.storage.withUnsafeBufferPointer { pa in
      b.storage.withUnsafeMutableBufferPointer { pb in
        LAPACKE_dpotrs(
          LAPACK_COL_MAJOR, uplo.lapack, n, nrhs, pa.baseAddress, lda, pb.baseAddress, ldb)
      }
    }
    try LAPACKStatus.check(info, routine: "dpotrs")
  }

  public static func _syevd(
    _ a: inout Matrix<Double>, _ uplo: BLASFlags.UpLo, vectors: Bool
  ) throws(RiskKernelsError) -> [Double] {
    try checkSquare(a, "symmetric eigendecomposition")
    let (n, lda) = (try cInt(a.rows, "order"), try leadingDimension(a))
    var values = [Double](repeating: 0, count: a.rows)
    if n == 0 { return values }
    let job = CChar(UInt8(ascii: vectors ? "V" : "N"))
    let info = a.storage.withUnsafeMutableBufferPointer { pa in
      values.withUnsafeMutableBufferPointer { pw in
        LAPACKE_dsyevd(LAPACK_COL_MAJOR, job, uplo.lapack, n, pa.baseAddress, lda, pw.baseAddress)
      }
    }
    try LAPACKStatus.check(info, routine: "dsyevd")
    return values
  }

  public static func _vexp(_ x: inout [Double], count: Int, _: _LibraryOnly) {
    precondition(count >= 0 && count <= x.count, "vexp count")
    x.withUnsafeMutableBufferPointer { px in
      if let base = px.baseAddress { cshim_vexp_f64(base, count) }
    }
  }

  public static func _vlog1p(_ x: inout [Double]) {
    x.withUnsafeMutableBufferPointer { px in
      if let base = px.baseAddress { cshim_vlog1p_f64(base, px.count) }
    }
  }

  public static func _vlog(_ x: inout [Double]) {
    x.withUnsafeMutableBufferPointer { px in
      if let base = px.baseAddress { cshim_vlog_f64(base, px.count) }
    }
  }

  public static func _philoxNormals(
    seed: UInt64, path: UInt64, first: UInt64, into x: inout [Double], _ range: Range<Int>,
    _: _LibraryOnly
  ) {
    precondition(range.lowerBound >= 0 && range.upperBound <= x.count, "normals range")
    x.withUnsafeMutableBufferPointer { px in
      if let base = px.baseAddress, !range.isEmpty {
        cshim_philox_normals_f64(seed, path, first, range.count, base + range.lowerBound)
      }
    }
  }

  public static func _philoxPathNormals(
    seed: UInt64, paths: [UInt64], first: UInt64, count: Int, into x: inout [Double], stride: Int,
    _: _LibraryOnly
  ) {
    guard let last = paths.indices.last, count > 0 else { return }
    precondition(count <= stride || paths.count == 1, "normals stride")
    precondition(last * stride + count <= x.count, "normals range")
    paths.withUnsafeBufferPointer { ids in
      x.withUnsafeMutableBufferPointer { px in
        cshim_philox_path_normals_f64(
          seed, ids.baseAddress!, ids.count, first, count, px.baseAddress!, stride)
      }
    }
  }

  public static func _advanceLogPrices(
    dimension d: Int, count: Int, chunk: Int, minimum: Bool, maximum: Bool, drift: [Double],
    start: [Double]?, path z: inout [Double], current: inout [Double], storeCurrent: Bool,
    low: inout [Double], high: inout [Double], _: _LibraryOnly
  ) {
    precondition(
      drift.count >= d && z.count >= d * count * chunk && (start?.count ?? d) >= d
        && current.count >= d * count
        && (!minimum || low.count >= d * count) && (!maximum || high.count >= d * count),
      "log-price pass sizes")
    drift.withUnsafeBufferPointer { pd in
      (start ?? []).withUnsafeBufferPointer { ps in
        z.withUnsafeMutableBufferPointer { pz in
          current.withUnsafeMutableBufferPointer { px in
            low.withUnsafeMutableBufferPointer { pl in
              high.withUnsafeMutableBufferPointer { ph in
                cshim_gbm_advance_f64(
                  d, count, chunk, pd.baseAddress, start == nil ? nil : ps.baseAddress,
                  pz.baseAddress, px.baseAddress, storeCurrent ? 1 : 0, pl.baseAddress,
                  ph.baseAddress, (minimum ? 1 : 0) | (maximum ? 2 : 0))
              }
            }
          }
        }
      }
    }
  }

}
