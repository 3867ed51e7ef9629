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

  /// The squared Frobenius norm `Σ aᵢⱼ²` (`interleavedSum`).
  func squaredFrobeniusNorm() -> Scalar {
    interleavedSum(storage, from: 0, count: storage.count, squared: true)
  }
}

/// `Σ values[start ..< start + count]` (of the squares when `squared`), in eight interleaved
/// partial sums: independent chains the compiler vectorises, where one running sum waits on every
/// add (4× slower at a million values).
@specialized(where T == Double)
@specialized(where T == Float)
func interleavedSum<T: BLASScalar>(
  _ values: [T], from start: Int, count: Int, squared: Bool = false
)
  -> T
{
  let v = values.span
  @inline(__always) func term(_ k: Int) -> T { squared ? v[k] * v[k] : v[k] }
  var (s0, s1, s2, s3): (T, T, T, T) = (0, 0, 0, 0)
  var (s4, s5, s6, s7): (T, T, T, T) = (0, 0, 0, 0)
  var k = start
  let end = start + count
  while k + 8 <= end {
    s0 += term(k)
    s1 += term(k + 1)
    s2 += term(k + 2)
    s3 += term(k + 3)
    s4 += term(k + 4)
    s5 += term(k + 5)
    s6 += term(k + 6)
    s7 += term(k + 7)
    k += 8
  }
  var sum = ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7))
  while k < end {
    sum += term(k)
    k += 1
  }
  return sum
}
