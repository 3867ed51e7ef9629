/// A dense column-major matrix of `Float` or `Double`, with value semantics.
///
/// Element `(i, j)` is stored at `i + j·rows`, the layout BLAS and LAPACK use natively
/// (`CblasColMajor`, `LAPACK_COL_MAJOR`: row-major LAPACKE is 1.7–3× slower here). Copies share
/// storage until one is mutated (copy-on-write through the array). `Sendable` because every
/// `BLASScalar` is.
///
/// Initialisers throw for negative sizes, element counts that do not match and ragged rows, so
/// a malformed matrix can never exist. The `(row, column)` subscript, like `Array`'s, requires
/// indices in range.
public struct Matrix<Scalar: BLASScalar>: Sendable, Equatable {
  /// Number of rows.
  public let rows: Int
  /// Number of columns.
  public let columns: Int
  /// Column-major elements, `rows·columns` of them.
  @usableFromInline internal var storage: [Scalar]

  @usableFromInline
  internal init(uncheckedRows rows: Int, columns: Int, storage: [Scalar]) {
    self.rows = rows
    self.columns = columns
    self.storage = storage
  }

  /// A `rows × columns` matrix with every element equal to `value`.
  ///
  /// - Throws: `.parameterOutOfRange` for a negative size.
  public init(rows: Int, columns: Int, repeating value: Scalar = 0) throws(RiskKernelsError) {
    try Matrix.checkSize(rows: rows, columns: columns)
    self.init(
      uncheckedRows: rows, columns: columns,
      storage: [Scalar](repeating: value, count: rows * columns))
  }

  /// A matrix from its elements in column-major order.
  ///
  /// - Throws: `.parameterOutOfRange` for a negative size; `.dimensionMismatch` unless
  ///   `columnMajor.count == rows·columns`.
  public init(rows: Int, columns: Int, columnMajor: [Scalar]) throws(RiskKernelsError) {
    try Matrix.checkSize(rows: rows, columns: columns)
    guard columnMajor.count == rows * columns else {
      throw .dimensionMismatch(
        operation: "matrix elements", expected: .vector(rows * columns),
        actual: .vector(columnMajor.count))
    }
    self.init(uncheckedRows: rows, columns: columns, storage: columnMajor)
  }

  /// A matrix from an array of rows, e.g. `try Matrix([[1, 2], [3, 4]])`.
  ///
  /// - Throws: `.dimensionMismatch` naming the first row whose length differs from the first's.
  @specialized(where Scalar == Double)
  @specialized(where Scalar == Float)
  public init(_ rowArrays: [[Scalar]]) throws(RiskKernelsError) {
    let rows = rowArrays.count
    let columns = rowArrays.first?.count ?? 0
    var storage = [Scalar](repeating: 0, count: rows * columns)
    for (i, row) in rowArrays.enumerated() {
      guard row.count == columns else {
        throw .dimensionMismatch(
          operation: "row \(i) of matrix", expected: .vector(columns), actual: .vector(row.count))
      }
      for (j, value) in row.enumerated() { storage[i + j * rows] = value }
    }
    self.init(uncheckedRows: rows, columns: columns, storage: storage)
  }

  /// The `n × n` identity matrix.
  public static func identity(_ n: Int) throws(RiskKernelsError) -> Matrix {
    var m = try Matrix(rows: n, columns: n)
    for i in 0..<n { m.storage[i + i * n] = 1 }
    return m
  }

  /// A square matrix with `diagonal` on its diagonal and zeros elsewhere.
  public static func diagonal(_ diagonal: [Scalar]) -> Matrix {
    let n = diagonal.count
    var storage = [Scalar](repeating: 0, count: n * n)
    for i in 0..<n { storage[i + i * n] = diagonal[i] }
    return Matrix(uncheckedRows: n, columns: n, storage: storage)
  }

  private static func checkSize(rows: Int, columns: Int) throws(RiskKernelsError) {
    guard rows >= 0 else {
      throw .parameterOutOfRange(name: "rows", value: Double(rows), allowed: "≥ 0")
    }
    guard columns >= 0 else {
      throw .parameterOutOfRange(name: "columns", value: Double(columns), allowed: "≥ 0")
    }
    guard !rows.multipliedReportingOverflow(by: columns).overflow else {
      throw .parameterOutOfRange(
        name: "rows × columns", value: Double(rows) * Double(columns), allowed: "≤ \(Int.max)")
    }
  }

  // MARK: - Elements

  /// Element `(row, column)`. Indices must be in range, as for `Array`.
  @inlinable
  public subscript(row: Int, column: Int) -> Scalar {
    get { storage[row + column * rows] }
    set { storage[row + column * rows] = newValue }
  }

  /// The elements in column-major order.
  public var columnMajorElements: [Scalar] { storage }

  /// Whether the matrix is square.
  public var isSquare: Bool { rows == columns }

  /// Column `j` as an array (contiguous in storage).
  public func column(_ j: Int) -> [Scalar] {
    Array(storage[(j * rows)..<((j + 1) * rows)])
  }

  /// Row `i` as an array.
  @specialized(where Scalar == Double)
  @specialized(where Scalar == Float)
  public func row(_ i: Int) -> [Scalar] {
    (0..<columns).map { storage[i + $0 * rows] }
  }

  /// The rows as arrays, e.g. for printing or JSON.
  public var rowArrays: [[Scalar]] { (0..<rows).map(row) }

  /// The main diagonal.
  public var diagonal: [Scalar] { (0..<min(rows, columns)).map { storage[$0 + $0 * rows] } }

  /// The transpose.
  @specialized(where Scalar == Double)
  @specialized(where Scalar == Float)
  public func transposed() -> Matrix {
    var t = [Scalar](repeating: 0, count: storage.count)
    for j in 0..<columns {
      for i in 0..<rows { t[j + i * columns] = storage[i + j * rows] }
    }
    return Matrix(uncheckedRows: columns, columns: rows, storage: t)
  }

  /// The same matrix in the other precision (e.g. a `Double` estimate as `Float` for a fast
  /// simulation).
  public func converted<Other: BLASScalar>(to: Other.Type = Other.self) -> Matrix<Other> {
    Matrix<Other>(uncheckedRows: rows, columns: columns, storage: storage.map { Other($0) })
  }
}

extension Matrix: CustomStringConvertible {
  /// The rows, one per line, elements separated by spaces.
  public var description: String {
    rowArrays.map { $0.map { "\($0)" }.joined(separator: " ") }.joined(separator: "\n")
  }
}
