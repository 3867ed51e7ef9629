// Elementwise helpers shared by the estimators and repairs (internal; shapes are equal by
// construction at every call site).

extension Matrix {
  /// `(1−s)·self + s·target`, elementwise.
  @specialized(where Scalar == Double)
  @specialized(where Scalar == Float)
  func blended(toward target: Matrix, by s: Scalar) -> Matrix {
    var out = storage
    for k in 0..<out.count { out[k] = (1 - s) * out[k] + s * target.storage[k] }
    return Matrix(uncheckedRows: rows, columns: columns, storage: out)
  }

  /// `self ← c·self`, elementwise.
  @specialized(where Scalar == Double)
  @specialized(where Scalar == Float)
  mutating func scale(by c: Scalar) {
    for k in 0..<storage.count { storage[k] *= c }
  }

  /// `self − other` for matrices of the same shape.
  @specialized(where Scalar == Double)
  @specialized(where Scalar == Float)
  func subtracting(_ other: Matrix) -> Matrix {
    var out = storage
    for k in 0..<out.count { out[k] -= other.storage[k] }
    return Matrix(uncheckedRows: rows, columns: columns, storage: out)
  }

  /// `‖self − other‖_F` for matrices of the same shape.
  @specialized(where Scalar == Double)
  @specialized(where Scalar == Float)
  func frobeniusDistance(to other: Matrix) -> Scalar {
    var sum: Scalar = 0
    for k in 0..<storage.count {
      let d = storage[k] - other.storage[k]
      sum += d * d
    }
    return sum.squareRoot()
  }

  /// The trace `Σ aᵢᵢ`.
  var trace: Scalar { diagonal.reduce(0, +) }

  /// The squared Frobenius norm `Σ aᵢⱼ²`.
  @specialized(where Scalar == Double)
  @specialized(where Scalar == Float)
  func squaredFrobeniusNorm() -> Scalar {
    var sum: Scalar = 0
    for value in storage { sum += value * value }
    return sum
  }
}
