/// Sobol' points in up to 4 096 dimensions, plain or scrambled, with random access: point k
/// depends only on (scramble seed, k), so any path of a run can be drawn alone, on any thread,
/// in any process.
///
/// Directions: Joe & Kuo's new-joe-kuo-6.21201 table (2008), shipped in the library with its
/// licence (`SobolDirectionNumbers.swift`). With the primitive polynomial
/// `x^s + a₁x^{s−1} + … + a_{s−1}x + 1` and initial numbers mᵢ of dimension j, the direction
/// numbers are `vᵢ = mᵢ/2ⁱ` for i ≤ s and
/// ```
/// vᵢ = v_{i−s} ⊕ v_{i−s}/2ˢ ⊕ a₁v_{i−1} ⊕ … ⊕ a_{s−1}v_{i−s+1}    (Bratley & Fox 1988)
/// ```
/// (the first dimension has every mᵢ = 1: van der Corput in base 2). Point k is
/// `x_j(k) = ⊕_{bits b of g(k)} v_b` with `g(k) = k ⊕ ⌊k/2⌋`, the Gray code: the order of
/// Antonov & Saleev (1979), of Joe & Kuo's own program and of SciPy, whose first points the tests
/// compare exactly. Every 2ᵐ consecutive points from a multiple of 2ᵐ form a (t, m, s)-net.
///
/// Scrambled: Matoušek's (1998) random linear matrix scramble and a digital shift,
/// `y_j(k) = M_j x_j(k) ⊕ e_j`, with `M_j` a random lower-triangular binary matrix with unit
/// diagonal acting on the 64 digits (most significant first) and `e_j` random digits, both drawn
/// from SplitMix64 of (seed, j). The scramble keeps the net property, and each point is uniform
/// on [0, 1)^D, so averages over independent scramblings give unbiased estimates and an honest
/// standard error (randomized QMC; Owen 1997, L'Ecuyer & Lemieux 2002).
public struct SobolSequence: Sendable {
  /// The largest number of dimensions the shipped table covers.
  public static var maximumDimensions: Int { 4096 }
  /// Digits of the point index: points 0 ..< 2⁴⁸ (the simulator's path limit).
  static let indexBits = 48

  /// D, the coordinates of each point.
  public let dimensions: Int
  /// The scrambling's seed; `nil` for the plain sequence.
  public let scramble: UInt64?
  /// `directions[j · indexBits + b]`: the (scrambled) direction number b + 1 of dimension j, as
  /// 64 binary digits.
  private let directions: [UInt64]
  /// The digital shift of each dimension (0 unscrambled).
  private let shifts: [UInt64]

  /// The first `dimensions` of the Joe–Kuo sequence, scrambled from `scramble` (or plain).
  ///
  /// - Throws: `.parameterOutOfRange` unless `1 ≤ dimensions ≤ maximumDimensions`.
  public init(dimensions: Int, scramble: UInt64? = nil) throws(RiskKernelsError) {
    guard dimensions >= 1, dimensions <= Self.maximumDimensions else {
      throw .parameterOutOfRange(
        name: "Sobol' dimensions", value: Double(dimensions),
        allowed: "1 … \(Self.maximumDimensions) (the shipped Joe–Kuo table)")
    }
    self.dimensions = dimensions
    self.scramble = scramble
    let rows = Self.table
    let bits = Self.indexBits
    var directions = [UInt64](repeating: 0, count: dimensions * bits)
    var shifts = [UInt64](repeating: 0, count: dimensions)
    for j in 0..<dimensions {
      var v = [UInt64](repeating: 0, count: bits + 1)  // v[1...bits]
      if j == 0 {
        for i in 1...bits { v[i] = 1 << (64 - i) }
      } else {
        let (s, a, m) = rows[j - 1]
        for i in 1...Swift.min(s, bits) { v[i] = m[i - 1] << (64 - i) }
        if s < bits {
          for i in (s + 1)...bits {
            var x = v[i - s] ^ (v[i - s] >> s)
            for k in 1..<s where (a >> (s - 1 - k)) & 1 == 1 { x ^= v[i - k] }
            v[i] = x
          }
        }
      }
      if let scramble {
        // M_j's rows: row i (digit i, most significant first) has its diagonal digit and random
        // digits before it. The product's digit i is the parity of row i & v.
        var random = SplitMix(Self.mix(scramble, UInt64(j)))
        var matrix = [UInt64](repeating: 0, count: 64)
        for i in 0..<64 {
          let diagonal: UInt64 = 1 << (63 - i)
          let allowed = i == 63 ? UInt64.max : ~((diagonal << 1) &- 1) | diagonal
          matrix[i] = (random.next() & allowed) | diagonal
        }
        for b in 1...bits {
          var y: UInt64 = 0
          for i in 0..<64 where (matrix[i] & v[b]).nonzeroBitCount & 1 == 1 {
            y |= 1 << (63 - i)
          }
          v[b] = y
        }
        shifts[j] = random.next()
      }
      for b in 1...bits { directions[j * bits + b - 1] = v[b] }
    }
    self.directions = directions
    self.shifts = shifts
  }

  /// Coordinate j of point k as 64 binary digits (`x = digits / 2⁶⁴`).
  @inline(__always)
  func digits(point k: UInt64, dimension j: Int) -> UInt64 {
    var gray = k ^ (k >> 1)
    var x = shifts[j]
    var b = j * Self.indexBits
    while gray != 0 {
      if gray & 1 == 1 { x ^= directions[b] }
      gray >>= 1
      b += 1
    }
    return x
  }

  /// Point k's digits in every dimension, into `digits`. When `digits` holds point k − 1's
  /// (`followsPrevious`), one XOR per dimension suffices: the Gray codes of k − 1 and k differ in
  /// bit `ctz(k)` only (Antonov & Saleev 1979); otherwise each is computed directly.
  func digits(point k: UInt64, into digits: inout [UInt64], followsPrevious: Bool) {
    if followsPrevious, k > 0 {
      let b = k.trailingZeroBitCount
      for j in 0..<dimensions { digits[j] ^= directions[j * Self.indexBits + b] }
    } else {
      for j in 0..<dimensions { digits[j] = self.digits(point: k, dimension: j) }
    }
  }

  /// Point k's coordinates in (0, 1): the centre of its cell of width 2⁻⁵³, so never 0 or 1.
  ///
  /// - Throws: `.parameterOutOfRange` unless `0 ≤ k < 2⁴⁸`.
  public func point(_ k: Int) throws(RiskKernelsError) -> [Double] {
    guard k >= 0, k < 1 << Self.indexBits else {
      throw .parameterOutOfRange(name: "point", value: Double(k), allowed: "0 ..< 2⁴⁸")
    }
    return (0..<dimensions).map { Self.uniform(digits(point: UInt64(k), dimension: $0)) }
  }

  @inline(__always)
  static func uniform(_ digits: UInt64) -> Double {
    (Double(digits >> 11) + 0.5) * 0x1p-53
  }

  /// The table's rows (dimension 2 onwards), parsed once.
  private static let table: [(s: Int, a: Int, m: [UInt64])] = joeKuoTable.split(separator: "\n")
    .map { line in
      let numbers = line.split(separator: " ").map { Int($0)! }
      return (numbers[0], numbers[1], numbers.dropFirst(2).map { UInt64($0) })
    }

  /// SplitMix64's finaliser of (a, b): independent seeds for each (scramble seed, dimension).
  static func mix(_ a: UInt64, _ b: UInt64) -> UInt64 {
    var z = a &+ 0x9E37_79B9_7F4A_7C15 &* (b &+ 1)
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  /// SplitMix64 (Steele, Lea & Flood 2014), the scramble's source of digits.
  struct SplitMix {
    var state: UInt64
    init(_ seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
      state &+= 0x9E37_79B9_7F4A_7C15
      var z = state
      z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
      z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
      return z ^ (z >> 31)
    }
  }
}
