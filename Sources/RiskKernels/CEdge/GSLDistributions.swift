internal import CShims

/// The standard normal distribution through GSL (handler off first).
enum GSLNormal {
  /// Φ(x). The corresponding GSL function is `gsl_cdf_ugaussian_P`.
  static func cdf(_ x: Double) -> Double {
    _ = GSLStatus.ready
    return gsl_cdf_ugaussian_P(x)
  }

  /// Φ⁻¹(p) for 0 < p < 1. The corresponding GSL function is `gsl_cdf_ugaussian_Pinv`.
  static func quantile(_ p: Double) throws(RiskKernelsError) -> Double {
    _ = GSLStatus.ready
    guard p > 0, p < 1 else {
      throw .parameterOutOfRange(name: "probability", value: p, allowed: "0 < p < 1")
    }
    return gsl_cdf_ugaussian_Pinv(p)
  }

  /// Φ⁻¹(p) for a p the caller knows is in (0, 1) (a quasi-random point's cell centre).
  static func quantile(inside p: Double) -> Double {
    _ = GSLStatus.ready
    return gsl_cdf_ugaussian_Pinv(p)
  }
}

/// The χ² distribution through GSL (handler off first).
enum GSLChiSquared {
  /// The upper tail `P(X > x)` for `x ≥ 0` and `degrees > 0`. GSL: `gsl_cdf_chisq_Q`.
  static func survival(_ x: Double, degrees: Double) -> Double {
    _ = GSLStatus.ready
    return gsl_cdf_chisq_Q(x, degrees)
  }
}

/// Student's t distribution through GSL (handler off first).
enum GSLStudentT {
  /// The quantile for 0 < p < 1 and `degrees ≥ 1`. GSL: `gsl_cdf_tdist_Pinv`.
  static func quantile(_ p: Double, degrees: Int) throws(RiskKernelsError) -> Double {
    _ = GSLStatus.ready
    guard p > 0, p < 1 else {
      throw .parameterOutOfRange(name: "probability", value: p, allowed: "0 < p < 1")
    }
    guard degrees >= 1 else {
      throw .parameterOutOfRange(
        name: "degrees of freedom", value: Double(degrees), allowed: "≥ 1")
    }
    return gsl_cdf_tdist_Pinv(p, Double(degrees))
  }
}
