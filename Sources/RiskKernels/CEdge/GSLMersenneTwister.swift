internal import CShims

/// GSL's `mt19937` generator with normals by GSL's ziggurat (`gsl_ran_gaussian_ziggurat`).
///
/// Seeded through its whole 624-word state from a 64-bit seed (SplitMix64), because
/// `gsl_rng_set` keeps only 32 bits and 10 million per-path seeds would then collide. One value
/// per thread: it owns mutable C state, so it is not `Sendable`.
final class GSLMersenneTwister {
  private let rng: UnsafeMutablePointer<gsl_rng>

  init() throws(RiskKernelsError) {
    _ = GSLStatus.ready
    guard let rng = cshim_gsl_mt19937_alloc() else {
      throw .backend(routine: "gsl_rng_alloc(mt19937)", status: Int(GSL_ENOMEM))
    }
    self.rng = rng
  }

  deinit { gsl_rng_free(rng) }

  /// Restarts the generator from a 64-bit seed.
  func seed(_ seed: UInt64) { cshim_gsl_mt19937_seed(rng, seed) }

  /// `x[range]` = the next `range.count` standard normals.
  func fill(_ x: inout [Double], _ range: Range<Int>) {
    precondition(range.lowerBound >= 0 && range.upperBound <= x.count, "normals range")
    x.withUnsafeMutableBufferPointer { px in
      if let base = px.baseAddress, !range.isEmpty {
        cshim_gsl_normals_f64(rng, range.count, base + range.lowerBound)
      }
    }
  }
}
