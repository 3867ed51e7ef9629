/// The one error type of RiskKernels: every misuse a caller can make, with the values that name it.
///
/// Every public throwing function is declared `throws(RiskKernelsError)`. Nothing a caller passes
/// traps or aborts; LAPACK `info` and GSL status codes are translated into these cases in one
/// place each (`LAPACKStatus`, `GSLStatus`).
public enum RiskKernelsError: Error, Equatable, Sendable, CustomStringConvertible {
  /// Two operands whose shapes do not fit, e.g. "covariance is 4×4 but weights has 5 entries".
  case dimensionMismatch(operation: String, expected: Shape, actual: Shape)
  /// A NaN or infinity in `argument`; `index` is the first offending (0-based, column-major for
  /// matrices) element.
  case nonFiniteInput(argument: String, index: Int)
  /// A matrix that is not positive definite: the leading minor of order `failingMinor` (1-based,
  /// as LAPACK counts) is not positive.
  case notPositiveDefinite(failingMinor: Int)
  /// A parameter outside its allowed range, e.g. `decay = 1.2`, allowed `0 < decay < 1`; `name`
  /// is a typed key (`ParameterName`: `.paths`, `.model.element(2)`, …).
  case parameterOutOfRange(name: ParameterName, value: Double, allowed: String)
  /// Too few observations (or rows, or assets) for the computation.
  case insufficientData(argument: String, required: Int, actual: Int)
  /// An iterative method that stopped at `iterations` with `residual` above `tolerance`.
  case noConvergence(iterations: Int, residual: Double, tolerance: Double)
  /// A backend routine reported a status that no caller input should cause (our bug).
  case backend(routine: String, status: Int)
  /// An environment variable that configures the library holds a value it cannot honour, e.g.
  /// `RISKKERNELS_ISA=avx512` on a CPU without AVX-512.
  case environment(variable: String, value: String, reason: String)
  /// A simulation partial that cannot be used: bytes that are not a partial's encoding, a
  /// partial of another run, or two partials whose group ranges do not meet.
  case invalidPartial(reason: String)

  /// A one-line message naming the case and its values.
  public var description: String {
    switch self {
    case .dimensionMismatch(let operation, let expected, let actual):
      return "\(operation): expected \(expected) but got \(actual)"
    case .nonFiniteInput(let argument, let index):
      return "\(argument) has a non-finite value at index \(index)"
    case .notPositiveDefinite(let failingMinor):
      return
        "matrix is not positive definite: leading minor of order \(failingMinor) is not positive"
    case .parameterOutOfRange(let name, let value, let allowed):
      return "\(name) = \(value) is out of range (allowed: \(allowed))"
    case .insufficientData(let argument, let required, let actual):
      return "\(argument) needs at least \(required) but has \(actual)"
    case .noConvergence(let iterations, let residual, let tolerance):
      return
        "no convergence after \(iterations) iterations: residual \(residual) > tolerance \(tolerance)"
    case .backend(let routine, let status):
      return "\(routine) failed with status \(status)"
    case .environment(let variable, let value, let reason):
      return "\(variable)=\(value): \(reason)"
    case .invalidPartial(let reason):
      return "invalid simulation partial: \(reason)"
    }
  }
}

/// The shape of an operand in a `dimensionMismatch` error: a vector's length or a matrix's rows
/// and columns.
public enum Shape: Equatable, Sendable, CustomStringConvertible {
  /// A vector of n entries.
  case vector(Int)
  /// A matrix of `rows × columns`.
  case matrix(rows: Int, columns: Int)

  /// "n entries" for a vector, "r×c" for a matrix.
  public var description: String {
    switch self {
    case .vector(let n): return "\(n) entries"
    case .matrix(let rows, let columns): return "\(rows)×\(columns)"
    }
  }
}
