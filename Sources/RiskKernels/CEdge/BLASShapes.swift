// Shape checks shared by the twin conformances, run before any C call so a mismatched operand
// is a typed error and never an out-of-bounds read in BLAS.

func operandShape<T>(_ m: Matrix<T>, _ t: Transpose) -> (rows: Int, columns: Int) {
  t == .transpose ? (m.columns, m.rows) : (m.rows, m.columns)
}

func checkGEMM<T>(
  _ a: Matrix<T>, _ ta: Transpose, _ b: Matrix<T>, _ tb: Transpose, _ c: Matrix<T>
) throws(RiskKernelsError) {
  let (m, k) = operandShape(a, ta)
  let (kb, n) = operandShape(b, tb)
  guard k == kb else {
    throw .dimensionMismatch(
      operation: "matrix product inner dimension", expected: .matrix(rows: k, columns: n),
      actual: .matrix(rows: kb, columns: n))
  }
  guard c.rows == m, c.columns == n else {
    throw .dimensionMismatch(
      operation: "matrix product result", expected: .matrix(rows: m, columns: n),
      actual: .matrix(rows: c.rows, columns: c.columns))
  }
}

func checkGEMV<T>(
  _ a: Matrix<T>, _ ta: Transpose, _ x: [T], _ y: [T]
) throws(RiskKernelsError) {
  let (m, n) = operandShape(a, ta)
  guard x.count == n else {
    throw .dimensionMismatch(
      operation: "matrix-vector product operand", expected: .vector(n), actual: .vector(x.count))
  }
  guard y.count == m else {
    throw .dimensionMismatch(
      operation: "matrix-vector product result", expected: .vector(m), actual: .vector(y.count))
  }
}

func checkSYRK<T>(_ a: Matrix<T>, _ trans: Transpose, _ c: Matrix<T>) throws(RiskKernelsError) {
  let n = trans == .transpose ? a.columns : a.rows
  guard c.rows == n, c.columns == n else {
    throw .dimensionMismatch(
      operation: "symmetric rank-k update result", expected: .matrix(rows: n, columns: n),
      actual: .matrix(rows: c.rows, columns: c.columns))
  }
}

func checkTriangular<T>(_ side: Side, _ a: Matrix<T>, _ b: Matrix<T>) throws(RiskKernelsError) {
  let n = side == .left ? b.rows : b.columns
  guard a.rows == n, a.columns == n else {
    throw .dimensionMismatch(
      operation: "triangular operand", expected: .matrix(rows: n, columns: n),
      actual: .matrix(rows: a.rows, columns: a.columns))
  }
}

func checkSquare<T>(_ a: Matrix<T>, _ operation: String) throws(RiskKernelsError) {
  guard a.rows == a.columns else {
    throw .dimensionMismatch(
      operation: operation, expected: .matrix(rows: a.rows, columns: a.rows),
      actual: .matrix(rows: a.rows, columns: a.columns))
  }
}
