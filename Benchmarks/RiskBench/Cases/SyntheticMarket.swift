import Foundation
import RiskKernels

/// Seeded synthetic inputs for the pipelines: a SplitMix64 stream and the normals and factor-model
/// returns built from it. Reproducible from the seed, independent of the library's generators
/// (the pipelines time the library; they should not also feed it).
struct SyntheticMarket {
  private var state: UInt64

  init(seed: UInt64) { state = seed }

  /// Uniform in [0, 1).
  mutating func uniform() -> Double {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return Double((z ^ (z >> 31)) >> 11) * 0x1.0p-53
  }

  mutating func uniform(_ range: ClosedRange<Double>) -> Double {
    range.lowerBound + (range.upperBound - range.lowerBound) * uniform()
  }

  /// Standard normal by Box–Muller.
  mutating func normal() -> Double {
    let u = 1 - uniform()
    return (-2 * log(u)).squareRoot() * cos(2 * .pi * uniform())
  }

  /// `rows × d` daily returns from a 3-factor model (loadings around 0.8, idiosyncratic σ
  /// 0.5–2 %), so the covariance is well conditioned and realistically correlated.
  mutating func factorReturns(rows: Int, assets d: Int) throws -> Matrix<Double> {
    let loadings = (0..<(3 * d)).map { _ in (0.8 + 0.4 * normal()) / 3.0.squareRoot() }
    let idiosyncratic = (0..<d).map { _ in uniform(0.005...0.02) }
    var x = try Matrix<Double>(rows: rows, columns: d)
    for t in 0..<rows {
      let f = (0..<3).map { _ in 0.01 * normal() }
      for i in 0..<d {
        x[t, i] =
          f[0] * loadings[3 * i] + f[1] * loadings[3 * i + 1] + f[2] * loadings[3 * i + 2]
          + idiosyncratic[i] * normal()
      }
    }
    return x
  }
}
