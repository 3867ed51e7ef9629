/// The single translator from a LAPACK `info` to a `RiskKernelsError` (after swift-system's
/// `valueOrErrno`).
///
/// - `info == 0`: success.
/// - `info < 0`: argument `−info` was illegal. No caller input reaches this (shapes are checked
///   first), so it is our bug, reported as `.backend(routine:status:)` rather than a trap.
/// - `info > 0`: routine-specific, so the caller says which meaning applies by the function it
///   calls, never by the routine's name: `failingMinor` for `?potrf` (the leading minor of order
///   `info` is not positive definite), `check` where it is a failure (`?syevd` did not converge,
///   `?potrs` cannot return one).
enum LAPACKStatus {
  /// Success, or `.backend(routine:status:)` for any other `info`.
  static func check(_ info: Int32, routine: String) throws(RiskKernelsError) {
    if info == 0 { return }
    throw .backend(routine: routine, status: Int(info))
  }

  /// `?potrf`: the failing minor (1-based) for `info > 0`, `nil` for success.
  static func failingMinor(_ info: Int32, routine: String) throws(RiskKernelsError) -> Int? {
    if info > 0 { return Int(info) }
    try check(info, routine: routine)
    return nil
  }
}
