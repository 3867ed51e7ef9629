// Input checks shared by every kernel: finiteness, squareness, symmetry.

extension Matrix {
  /// Throws `.nonFiniteInput` naming `argument` and the first NaN or infinity (column-major
  /// index), if any.
  @specialized(where Scalar == Double)
  @specialized(where Scalar == Float)
  func checkFinite(_ argument: String) throws(RiskKernelsError) {
    for (index, value) in storage.enumerated() where !value.isFinite {
      throw .nonFiniteInput(argument: argument, index: index)
    }
  }

  /// Throws `.dimensionMismatch` unless the matrix is square.
  func checkSquare(_ argument: String) throws(RiskKernelsError) {
    guard rows == columns else {
      throw .dimensionMismatch(
        operation: "\(argument) must be square", expected: .matrix(rows: rows, columns: rows),
        actual: .matrix(rows: rows, columns: columns))
    }
  }

  /// The largest `|a_ij − a_ji|` relative to the largest `|a_ij|` (0 for an exactly symmetric
  /// matrix). Requires a square matrix.
  @specialized(where Scalar == Double)
  @specialized(where Scalar == Float)
  public func relativeAsymmetry() -> Scalar {
    var scale: Scalar = 0
    var worst: Scalar = 0
    for j in 0..<columns {
      for i in 0..<rows {
        scale = Swift.max(scale, Swift.abs(storage[i + j * rows]))
        if i < j && j < rows && i < columns {
          worst = Swift.max(worst, Swift.abs(storage[i + j * rows] - storage[j + i * rows]))
        }
      }
    }
    return scale > 0 ? worst / scale : 0
  }

  /// Throws unless the matrix is square, finite and symmetric to `tolerance` (relative to its
  /// largest element; default `√ε` of the scalar type).
  func checkSymmetric(
    _ argument: String, tolerance: Scalar = Scalar.ulpOfOne.squareRoot()
  ) throws(RiskKernelsError) {
    try checkSquare(argument)
    try checkFinite(argument)
    let asymmetry = relativeAsymmetry()
    guard asymmetry <= tolerance else {
      throw .parameterOutOfRange(
        name: "\(argument) relative asymmetry", value: Double(asymmetry),
        allowed: "≤ \(tolerance)")
    }
  }
}

/// Throws `.nonFiniteInput` naming `argument` and the first NaN or infinity in `values`.
@specialized(where T == Double)
@specialized(where T == Float)
func checkAllFinite<T: BLASScalar>(_ values: [T], _ argument: String) throws(RiskKernelsError) {
  for (index, value) in values.enumerated() where !value.isFinite {
    throw .nonFiniteInput(argument: argument, index: index)
  }
}

/// Throws `.dimensionMismatch` unless `values.count == expected`.
func checkCount<T>(_ values: [T], _ expected: Int, _ operation: String) throws(RiskKernelsError) {
  guard values.count == expected else {
    throw .dimensionMismatch(
      operation: operation, expected: .vector(expected), actual: .vector(values.count))
  }
}

/// Throws `.parameterOutOfRange` naming `argument[i]` for the first negative value.
func checkNonNegative<T: BLASScalar>(_ values: [T], _ argument: String) throws(RiskKernelsError) {
  if let index = values.firstIndex(where: { $0 < 0 }) {
    throw .parameterOutOfRange(
      name: ParameterName(argument, index: index), value: Double(values[index]), allowed: "≥ 0")
  }
}
