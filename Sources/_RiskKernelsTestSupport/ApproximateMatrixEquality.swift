public import RiskKernels

/// The largest elementwise `|a − b|`, or `.infinity` when the shapes differ.
public func maxAbsoluteDifference<T: BLASScalar>(_ a: Matrix<T>, _ b: Matrix<T>) -> Double {
  guard a.rows == b.rows, a.columns == b.columns else { return .infinity }
  var worst = 0.0
  for (x, y) in zip(a.columnMajorElements, b.columnMajorElements) {
    worst = max(worst, abs(Double(x) - Double(y)))
  }
  return worst
}

/// The largest `|a − b|` relative to the largest `|b|` (b is the reference).
public func relativeDifference<T: BLASScalar>(_ a: Matrix<T>, _ b: Matrix<T>) -> Double {
  let scale = b.columnMajorElements.map { abs(Double($0)) }.max() ?? 0
  return scale > 0 ? maxAbsoluteDifference(a, b) / scale : maxAbsoluteDifference(a, b)
}

/// The largest `|a − b|` over two vectors, or `.infinity` when the lengths differ.
public func maxAbsoluteDifference<T: BLASScalar>(_ a: [T], _ b: [T]) -> Double {
  guard a.count == b.count else { return .infinity }
  return zip(a, b).map { abs(Double($0) - Double($1)) }.max() ?? 0
}

/// A matrix of `T` from rows of `Double` (fixture values).
public func matrix<T: BLASScalar>(_ rows: [[Double]], as: T.Type = T.self) -> Matrix<T> {
  // Fixture rows are rectangular by construction.
  try! Matrix(rows.map { $0.map { T($0) } })
}

/// A readable comparison line for failure messages: calculated, expected, error, tolerance.
public func comparison(_ what: String, error: Double, tolerance: Double) -> String {
  "\(what): error \(error) > tolerance \(tolerance)"
}
