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

  /// The squared Frobenius norm `Σ aᵢⱼ²`, in eight interleaved partial sums: independent chains
  /// the compiler vectorises (one running sum waits on every add: 4× slower at d = 1000).
  @specialized(where Scalar == Double)
  @specialized(where Scalar == Float)
  func squaredFrobeniusNorm() -> Scalar {
    let values = storage.span
    var (s0, s1, s2, s3): (Scalar, Scalar, Scalar, Scalar) = (0, 0, 0, 0)
    var (s4, s5, s6, s7): (Scalar, Scalar, Scalar, Scalar) = (0, 0, 0, 0)
    var k = 0
    while k + 8 <= values.count {
      s0 += values[k] * values[k]
      s1 += values[k + 1] * values[k + 1]
      s2 += values[k + 2] * values[k + 2]
      s3 += values[k + 3] * values[k + 3]
      s4 += values[k + 4] * values[k + 4]
      s5 += values[k + 5] * values[k + 5]
      s6 += values[k + 6] * values[k + 6]
      s7 += values[k + 7] * values[k + 7]
      k += 8
    }
    var sum = ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7))
    while k < values.count {
      sum += values[k] * values[k]
      k += 1
    }
    return sum
  }
}
