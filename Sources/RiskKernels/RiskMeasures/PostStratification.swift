/// Post-stratification of a sample on a score whose law under the sampling measure is known:
/// the importance sample's linearised return `t = aᵀX/s`, which is N(−θ, 1) under the shifted
/// model (`MeanShift`; exactly so in exact arithmetic). The line is cut into K strata of equal
/// probability `1/K`; stratum h holds `n_h` of the N paths, and an expectation is estimated by
/// the strata's means weighted by their exact probabilities (post-stratification: Glasserman
/// 2004, §4.3.3. Glasserman, Heidelberger & Shahabuddin 2000 stratify the delta-gamma
/// approximation before sampling; here the strata are applied after it):
/// ```
/// Ê[Y] = Σ_h q_h Ȳ_h = (1/N) Σₖ c_h Yₖ,   c_h = N q_h / n_h
/// Var  = Σ_h q_h² s_h² / n_h = (1/N²) Σ_h n_h/(n_h − 1) · (S2_h − S1_h²/n_h)
/// ```
/// with `S1_h, S2_h` the sums of `c_h Yₖ` and of its squares over stratum h. Given every
/// stratum's count the estimate is unbiased, and its variance is at most plain sampling's
/// (asymptotically, proportional allocation). A portfolio's return is close to a monotone
/// function of t, so the tail's indicator is constant in every stratum but the one its
/// quantile falls in: the variance falls by up to about K (measured: 8× for the VaR and 120×
/// for the ES at K = 31 on one asset). Adjacent strata with fewer than `minimumPaths` paths are
/// merged (their probabilities q_h add): the VaR's variance comes from the few paths around
/// the quantile, and at 32 paths a stratum it was estimated at a quarter of its true value.
struct PostStratification: Sendable, Equatable {
  /// Each path's stratum, `0 ..< sizes.count`.
  let stratum: [Int]
  /// `n_h`, paths per stratum (each at least the `minimumPaths` asked for).
  let sizes: [Int]
  /// `c_h = N q_h / n_h`: the factor on a path's weight in stratum h.
  let factors: [Double]

  /// Paths per stratum the automatic count aims at: enough for each stratum's variance, few
  /// enough that the strata are thin.
  static var pathsPerStratum: Int { 64 }
  /// The most strata the automatic count uses.
  static var automaticLimit: Int { 1024 }

  /// The automatic number of strata for N paths: `N / 64`, within 1 … 1024.
  static func automaticCount(paths: Int) -> Int {
    Swift.min(automaticLimit, Swift.max(1, paths / pathsPerStratum))
  }

  /// The fewest paths a merged stratum holds by default: well below the automatic count's 64
  /// (the automatic strata almost never merge), and enough that a larger K asked for is merged
  /// down to about N/40. (At 48, merges in a few runs of the 200-seed coverage test took the VaR's
  /// coverage from 184 to 180; at 32 paths a stratum the variance estimate fails, see above.)
  static var minimumPaths: Int { 40 }

  /// The strata of `scores`, distributed N(`mean`, 1) under the sampling measure, cut at
  /// `mean + Φ⁻¹(j/K)`, j = 1 … K − 1, then merged in order until each holds `minimumPaths`
  /// paths (at least 2). `nil` when fewer than two strata remain (nothing to gain).
  init?(scores: [Double], mean: Double, strata k: Int, minimumPaths: Int = Self.minimumPaths) {
    let n = scores.count
    let least = Swift.max(2, minimumPaths)
    guard k > 1, n >= 2 * least else { return nil }
    let cuts = (1..<k).map { mean + GSLNormal.quantile(inside: Double($0) / Double(k)) }
    // The fine stratum of each path: the number of cuts at or below its score.
    var fine = [Int](repeating: 0, count: n)
    var counts = [Int](repeating: 0, count: k)
    for (p, t) in scores.enumerated() {
      var (lo, hi) = (0, cuts.count)
      while lo < hi {
        let mid = (lo + hi) / 2
        if cuts[mid] <= t { lo = mid + 1 } else { hi = mid }
      }
      fine[p] = lo
      counts[lo] += 1
    }
    // Merge in order: a merged stratum closes once it holds `least` paths; a short last one
    // joins the one before it.
    var merged = [Int](repeating: 0, count: k)
    var (sizes, widths) = ([Int](), [Int]())
    var (open, width) = (0, 0)
    for h in 0..<k {
      merged[h] = sizes.count
      open += counts[h]
      width += 1
      if open >= least {
        sizes.append(open)
        widths.append(width)
        (open, width) = (0, 0)
      }
    }
    if width > 0 {
      // The last fine strata held fewer than two paths: they join the last merged stratum.
      for h in (k - width)..<k { merged[h] = sizes.count - 1 }
      sizes[sizes.count - 1] += open
      widths[widths.count - 1] += width
    }
    guard sizes.count > 1 else { return nil }
    stratum = fine.map { merged[$0] }
    self.sizes = sizes
    factors = zip(widths, sizes).map { Double(n) * Double($0.0) / Double(k) / Double($0.1) }
  }

  /// The variance of the post-stratified mean `(1/N) Σ Yₖ` over strata of `sizes` paths, from
  /// each stratum's sums of the already weighted values `Yₖ = c_h·wₖ·gₖ` and of their squares;
  /// `sizes = [N]` is plain sampling's `s²/N`.
  static func varianceOfMean(sizes: [Int], sums: [Double], squares: [Double]) -> Double {
    let n = Double(sizes.reduce(0, +))
    var total = 0.0
    for h in sizes.indices where sizes[h] > 1 {
      let m = Double(sizes[h])
      total += m / (m - 1) * Swift.max(0, squares[h] - sums[h] * sums[h] / m)
    }
    return total / (n * n)
  }
}
