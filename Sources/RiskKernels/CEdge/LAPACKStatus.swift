/// The single translator from a LAPACK `info` to a `RiskKernelsError` (after swift-system's
/// `valueOrErrno`).
///
/// - `info == 0`: success.
/// - `info < 0`: argument `−info` was illegal. No caller input reaches this (shapes are checked
///   first), so it is our bug, reported as `.backend(routine:status:)` rather than a trap.
/// - `info > 0`: routine-specific. For `?potrf` the leading minor of order `info` is not positive
///   definite; for `?syevd` the algorithm failed to converge.
enum LAPACKStatus {
  static func check(_ info: Int32, routine: String) throws(RiskKernelsError) {
    if info == 0 { return }
    if routine.hasSuffix("potrf"), info > 0 {
      throw .notPositiveDefinite(failingMinor: Int(info))
    }
    throw .backend(routine: routine, status: Int(info))
  }

  /// `?potrf`: the failing minor (1-based) for `info > 0`, `nil` for success.
  static func failingMinor(_ info: Int32, routine: String) throws(RiskKernelsError) -> Int? {
    if info > 0 { return Int(info) }
    try check(info, routine: routine)
    return nil
  }
}
