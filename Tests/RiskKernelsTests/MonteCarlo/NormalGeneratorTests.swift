import CShims
import CShimsTesting
import Foundation
import Testing

@testable import RiskKernels

/// The documented stream layout, recomputed independently: Random123's Philox through the KAT-
/// checked shim and Box-Muller with libm (not SLEEF).
func referenceNormal(seed: UInt64, path: UInt64, index n: UInt64) -> Double {
  let b = n / 2
  var w = [UInt32](repeating: 0, count: 4)
  cshim_philox4x32_10(
    UInt32(truncatingIfNeeded: b), UInt32(truncatingIfNeeded: b >> 32),
    UInt32(truncatingIfNeeded: path), UInt32(truncatingIfNeeded: path >> 32),
    UInt32(truncatingIfNeeded: seed), UInt32(truncatingIfNeeded: seed >> 32), &w)
  func oneToTwo(_ lo: UInt32, _ hi: UInt32) -> Double {
    Double(bitPattern: ((UInt64(hi) << 32 | UInt64(lo)) >> 12) | 0x3FF0_0000_0000_0000)
  }
  let u1 = 2 - oneToTwo(w[0], w[1])
  let u2 = oneToTwo(w[2], w[3]) - 1
  let r = (-2 * Foundation.log(u1)).squareRoot()
  return n.isMultiple(of: 2) ? r * Foundation.cos(2 * .pi * u2) : r * Foundation.sin(2 * .pi * u2)
}

@Suite struct NormalGeneratorTests {
  @Test("Philox normals follow the documented counter layout (independent recomputation)")
  func layoutMatchesReference() throws {
    for (seed, path) in [(UInt64(0), UInt64(0)), (42, 7), (0xDEAD_BEEF_0123_4567, 5_000_000_123)] {
      let z = try standardNormals(count: 4_003, seed: seed, path: path, as: Double.self)
      for (n, value) in z.enumerated() {
        let expected = referenceNormal(seed: seed, path: path, index: UInt64(n))
        #expect(
          abs(value - expected) <= 1e-13 * max(1, abs(expected)), "seed \(seed) path \(path) n \(n)"
        )
      }
    }
  }

  @Test("Cached values freeze the stream layout (seed 42, path 7)")
  func cachedValues() throws {
    let z = try standardNormals(count: 6, seed: 42, path: 7, first: 1_000, as: Double.self)
    let cached: [Double] = CachedNormals.seed42path7from1000
    #expect(z.count == cached.count)
    for (a, b) in zip(z, cached) { #expect(abs(a - b) <= 1e-14, "\(z)") }
  }

  @Test(
    "Every vector kernel this CPU has equals the scalar kernel bit for bit (log included)",
    arguments: [(1, "AVX2"), (2, "AVX-512")])
  func vectorKernelMatchesScalar(kernel: Int32, name: String) {
    var scalar = [Double](repeating: 0, count: 4096)
    #expect(cshim_philox_normals_kernel_f64(0, 9, 3, 17, 4096, &scalar) == 1)
    var vector = scalar.map { _ in Double.nan }
    guard cshim_philox_normals_kernel_f64(kernel, 9, 3, 17, 4096, &vector) == 1 else { return }
    #expect(vector == scalar, "\(name)")
    var dispatched = vector
    cshim_philox_normals_f64(9, 3, 17, 4096, &dispatched)
    #expect(dispatched == scalar)
  }

  @Test(
    "Drawing across paths gives each path's own stream, bit for bit, with every kernel",
    arguments: [0, 1, 2])
  func acrossPathsMatchesEachStream(kernel: Int32) {
    // 16-path sets and leftovers (drawn across, or along each stream when that is cheaper), odd
    // first and count, one normal, windows shorter and longer than 16 blocks, and a long window
    // that goes along every stream.
    let shapes: [(paths: Int, first: UInt64, count: Int)] = [
      (37, 0, 50), (16, 1, 49), (3, 7, 1), (5, 0, 200), (21, 3, 33), (1, 100, 64), (17, 2, 2),
      (20, 3, 1001),
    ]
    for (pathCount, first, count) in shapes {
      // Paths with high words too: 1, 4 << 16, 7 << 32, 10, …
      let paths = (0..<pathCount).map { (p: Int) -> UInt64 in
        UInt64(3 * p + 1) << UInt64((p % 3) * 16)
      }
      let stride = count + 3
      var expected = [Double](repeating: .nan, count: pathCount * stride)
      var scratch = [Double](repeating: 0, count: count)
      for (p, path) in paths.enumerated() {
        _ = cshim_philox_normals_kernel_f64(0, 0xC0FFEE, path, first, count, &scratch)
        for j in 0..<count { expected[p * stride + j] = scratch[j] }
      }
      var across = [Double](repeating: .nan, count: pathCount * stride)
      guard
        cshim_philox_path_normals_kernel_f64(
          kernel, 0xC0FFEE, paths, pathCount, first, count, &across, stride) == 1
      else { return }
      // Bit patterns, so the untouched NaN padding compares too.
      #expect(
        across.map(\.bitPattern) == expected.map(\.bitPattern),
        "kernel \(kernel), \(pathCount) paths from \(first), \(count) each")
    }
    var floats = [Float](repeating: 0, count: 3 * 40)
    Float._philoxPathNormals(
      seed: 4, paths: [9, 2, 5], first: 1, count: 40, into: &floats, stride: 40, _LibraryOnly())
    var doubles = [Double](repeating: 0, count: 40)
    for (p, path) in [UInt64(9), 2, 5].enumerated() {
      _ = cshim_philox_normals_kernel_f64(0, 4, path, 1, 40, &doubles)
      #expect(Array(floats[(40 * p)..<(40 * p + 40)]) == doubles.map { Float($0) })
    }
  }

  @Test("Random access: any window of a stream equals the same window of a longer draw")
  func randomAccess() throws {
    let whole = try standardNormals(count: 100, seed: 5, path: 11, as: Double.self)
    for (first, count) in [(0, 100), (1, 30), (15, 2), (17, 50), (33, 67)] {
      let part = try standardNormals(
        count: count, seed: 5, path: 11, first: UInt64(first), as: Double.self)
      #expect(part == Array(whole[first..<(first + count)]))
    }
  }

  // The streams of `standardNormals`: Sobol' normals depend on the grid, so it refuses `.sobol`
  // (SobolTests); the engine's tests run all three generators.

  @Test(
    "Float streams are the Double streams rounded", arguments: [NormalGenerator.philox, .mt19937])
  func floatIsRoundedDouble(generator: NormalGenerator) throws {
    let d = try standardNormals(
      count: 77, seed: 3, path: 2, first: 5, generator: generator, as: Double.self)
    let f = try standardNormals(
      count: 77, seed: 3, path: 2, first: 5, generator: generator, as: Float.self)
    #expect(f == d.map { Float($0) })
  }

  @Test(
    "Moments and distribution of 10⁶ normals within 4 standard errors",
    arguments: [NormalGenerator.philox, .mt19937])
  func moments(generator: NormalGenerator) throws {
    let n = 1_000_000
    let z = try standardNormals(
      count: n, seed: 2026, path: 1, generator: generator, as: Double.self)
    let mean = z.reduce(0, +) / Double(n)
    let variance = z.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(n - 1)
    let fourth = z.map { $0 * $0 * $0 * $0 }.reduce(0, +) / Double(n)
    #expect(abs(mean) <= 4 / Double(n).squareRoot())
    #expect(abs(variance - 1) <= 4 * (2 / Double(n)).squareRoot())
    #expect(abs(fourth - 3) <= 4 * (96 / Double(n)).squareRoot())  // Var(z⁴) = 105 − 9
    // Φ at a few points: the fraction below x is binomial.
    for x in [-3.0, -1.0, 0.0, 0.5, 2.0] {
      let p = 0.5 * erfc(-x / 2.0.squareRoot())
      let fraction = Double(z.lazy.filter { $0 <= x }.count) / Double(n)
      #expect(abs(fraction - p) <= 4 * (p * (1 - p) / Double(n)).squareRoot(), "x = \(x)")
    }
  }

  @Test(
    "Distinct paths and seeds give distinct streams; one path is reproducible",
    arguments: [NormalGenerator.philox, .mt19937])
  func streamsDiffer(generator: NormalGenerator) throws {
    let a = try standardNormals(count: 8, seed: 1, path: 0, generator: generator, as: Double.self)
    let b = try standardNormals(count: 8, seed: 1, path: 1, generator: generator, as: Double.self)
    let c = try standardNormals(count: 8, seed: 2, path: 0, generator: generator, as: Double.self)
    let again = try standardNormals(
      count: 8, seed: 1, path: 0, generator: generator, as: Double.self)
    #expect(a != b)
    #expect(a != c)
    #expect(a == again)
  }

  @Test(
    "A negative count, a window past the stream's end and a far mt19937 window are typed errors")
  func badWindows() {
    #expect(
      throws: RiskKernelsError.parameterOutOfRange(
        name: "first", value: Double(UInt64.max - 1), allowed: "first + count ≤ 2⁶⁴")
    ) {
      try standardNormals(count: 4, seed: 0, first: UInt64.max - 1, as: Double.self)
    }
    #expect(
      throws: RiskKernelsError.parameterOutOfRange(
        name: "first", value: Double(UInt64(1) << 40), allowed: "< 2³² for mt19937")
    ) {
      try standardNormals(count: 4, seed: 0, first: 1 << 40, generator: .mt19937, as: Double.self)
    }
  }

  @Test("A negative count is a typed error")
  func negativeCount() {
    #expect(throws: RiskKernelsError.parameterOutOfRange(name: "count", value: -1, allowed: "≥ 0"))
    {
      try standardNormals(count: -1, seed: 0, as: Double.self)
    }
  }
}

/// Computed once by the scalar kernel (cshim_philox_normals_kernel_f64, kernel 0) on 2026-11-21;
/// a change of the counter layout or the transform breaks this test on purpose.
enum CachedNormals {
  static let seed42path7from1000: [Double] = [
    0.10037821163894674, 0.23341326165497348, 0.25991815301281518, 0.30177502923186639,
    0.79145841191724675, -0.84526190496141096,
  ]
}
