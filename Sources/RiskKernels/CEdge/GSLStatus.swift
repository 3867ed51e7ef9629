internal import CShims

/// The single translator from GSL status codes to `RiskKernelsError`, and the place that turns
/// GSL's abort-on-error handler off.
///
/// GSL's default handler prints and calls `abort()` (TOOLCHAIN.md pitfall 8). `GSLStatus.ready`
/// is a lazily initialised global (Swift initialises globals once, thread-safely); every GSL
/// wrapper touches it before its first GSL call, so the handler is off before any GSL code runs.
enum GSLStatus {
  static let ready: Void = cshim_gsl_handler_off()

  static func check(_ status: Int32, routine: String) throws(RiskKernelsError) {
    if status == GSL_SUCCESS { return }
    throw .backend(routine: routine, status: Int(status))
  }
}

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
}
