import CShims
import Testing
import _RiskKernelsTestSupport

/// The log-price pass (`cshim_gbm_advance_f64`) against the same arithmetic written naively:
/// bit for bit, with each extremes flag (bit 0 the minima, bit 1 the maxima) alone and together,
/// from each path's current log-prices or from one start shared by all, with the final
/// log-prices stored or left in z.
@Suite struct GBMAdvanceTests {
  @Test(
    "x ← (x + drift) + z, z ← x, and the running extremes, for every d and extremes flag",
    arguments: [1, 3, 4, 5, 10, 16, 17, 40])
  func matchesNaivePass(d: Int) {
    let (paths, chunk) = (5, 7)
    var rng = SplitMix64(seed: UInt64(d))
    func values(_ n: Int) -> [Double] {
      (0..<n).map { _ in Double.random(in: -0.5..<0.5, using: &rng) }
    }
    let drift = values(d)
    let z0 = values(d * paths * chunk)
    let x0 = values(d * paths)
    let start = values(d)
    for extremes: Int32 in 0...3 {
      for (fromStart, store) in [(false, true), (true, true), (true, false), (false, false)] {
        var (z, x, low, high) = (z0, x0, x0.map { $0 - 0.1 }, x0.map { $0 + 0.1 })
        var (nz, nx, nlow, nhigh) = (z, x, low, high)
        if fromStart {
          for p in 0..<paths { for i in 0..<d { nx[p * d + i] = start[i] } }
        }
        let tag = "d \(d) extremes \(extremes) start \(fromStart) store \(store)"
        cshim_gbm_advance_f64(
          d, paths, chunk, drift, fromStart ? start : nil, &z, &x, store ? 1 : 0, &low, &high,
          extremes)
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
        #expect(z == nz, "\(tag)")
        #expect(x == (store ? nx : x0), "\(tag)")
        #expect(low == nlow && high == nhigh, "\(tag)")
      }
    }
  }
}
