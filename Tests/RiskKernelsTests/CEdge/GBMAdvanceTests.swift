import CShims
import Testing
import _RiskKernelsTestSupport

/// The log-price pass (`cshim_gbm_advance_f64`) against the same arithmetic written naively:
/// bit for bit, with each extremes flag (bit 0 the minima, bit 1 the maxima) alone and together.
@Suite struct GBMAdvanceTests {
  @Test(
    "x ← (x + drift) + z, z ← x, and the running extremes, for every d and extremes flag",
    arguments: [1, 3, 4, 5, 10, 16, 17, 40])
  func matchesNaivePass(d: Int) {
    let (paths, chunk) = (5, 7)
    var rng = SplitMix(state: UInt64(d))
    func values(_ n: Int) -> [Double] {
      (0..<n).map { _ in Double.random(in: -0.5..<0.5, using: &rng) }
    }
    let drift = values(d)
    let z0 = values(d * paths * chunk)
    let x0 = values(d * paths)
    for extremes: Int32 in 0...3 {
      var (z, x, low, high) = (z0, x0, x0.map { $0 - 0.1 }, x0.map { $0 + 0.1 })
      var (nz, nx, nlow, nhigh) = (z, x, low, high)
      cshim_gbm_advance_f64(d, paths, chunk, drift, &z, &x, &low, &high, extremes)
      for p in 0..<paths {
        for s in 0..<chunk {
          for i in 0..<d {
            let k = (p * chunk + s) * d + i
            let v = nx[p * d + i] + drift[i] + nz[k]
            nz[k] = v
            nx[p * d + i] = v
            if extremes & 1 != 0, v < nlow[p * d + i] { nlow[p * d + i] = v }
            if extremes & 2 != 0, v > nhigh[p * d + i] { nhigh[p * d + i] = v }
          }
        }
      }
      #expect(z == nz && x == nx, "d \(d) extremes \(extremes)")
      #expect(low == nlow && high == nhigh, "d \(d) extremes \(extremes)")
    }
  }
}
