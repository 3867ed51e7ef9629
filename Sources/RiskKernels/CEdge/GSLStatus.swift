internal import CShims

/// The single translator from GSL status codes to `RiskKernelsError`, and the place that turns
/// GSL's abort-on-error handler off.
///
/// GSL's default handler prints and calls `abort()` (GSL manual, "Error handling"). `GSLStatus.ready`
/// is a lazily initialised global (Swift initialises globals once, thread-safely); every GSL
/// wrapper touches it before its first GSL call, so the handler is off before any GSL code runs.
enum GSLStatus {
  static let ready: Void = cshim_gsl_handler_off()

  static func check(_ status: Int32, routine: String) throws(RiskKernelsError) {
    if status == GSL_SUCCESS { return }
    throw .backend(routine: routine, status: Int(status))
  }
}
