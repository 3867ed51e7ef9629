public import RiskKernels

/// SplitMix64: a tiny seeded generator for test data (every random input in the tests is seeded).
public struct SplitMix64: RandomNumberGenerator, Sendable {
  private var state: UInt64
  public init(seed: UInt64) { state = seed }
  public mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  /// A standard normal by Box-Muller.
  public mutating func normal() -> Double {
    let u1 = Double.random(in: Double.ulpOfOne..<1, using: &self)
    let u2 = Double.random(in: 0..<1, using: &self)
    return (-2 * foundationLog(u1)).squareRoot() * foundationCos(2 * .pi * u2)
  }
}

/// An `n × n` random symmetric positive-definite matrix `BBᵀ/k + diag(0.5…1.5)`, seeded.
public func randomSPD<T: BLASScalar>(_ n: Int, seed: UInt64, as: T.Type = T.self) -> Matrix<T> {
  var rng = SplitMix64(seed: seed)
  let k = 5
  let b = (0..<(n * k)).map { _ in rng.normal() }
  var rows = [[Double]](repeating: [Double](repeating: 0, count: n), count: n)
  for i in 0..<n {
    for j in 0..<n {
      var s = 0.0
      for l in 0..<k { s += b[i * k + l] * b[j * k + l] }
      rows[i][j] = s / Double(k)
    }
    rows[i][i] += Double.random(in: 0.5..<1.5, using: &rng)
  }
  for i in 0..<n { for j in 0..<i { rows[i][j] = rows[j][i] } }
  return matrix(rows)
}

/// A `rows × columns` matrix of seeded standard normals times `scale`.
public func randomNormalMatrix<T: BLASScalar>(
  rows: Int, columns: Int, seed: UInt64, scale: Double = 1, as: T.Type = T.self
) -> Matrix<T> {
  var rng = SplitMix64(seed: seed)
  return try! Matrix(
    rows: rows, columns: columns,
    columnMajor: (0..<(rows * columns)).map { _ in T(rng.normal() * scale) })
}
