internal import CShims
public import RealModule

/// A floating-point type RiskKernels computes in: `Float` or `Double`, dispatching to the `s` or
/// `d` BLAS and LAPACK routines.
///
/// Refines swift-numerics' `Real`, so generic code also has `exp`, `log`, `erfc` and friends.
/// Only `Float` and `Double` conform (in `Float+BLASScalar.swift` and `Double+BLASScalar.swift`,
/// line-for-line twins). The underscored requirements are the C edge: they take Swift storage,
/// never pointers. Those that validate shapes throw `RiskKernelsError` like the rest of the
/// library; the four hot-loop ones that trust their caller (`_vexp(_:count:_:)`, the Philox
/// normals and the log-price pass) take a `_LibraryOnly`, which only the library can make.
public protocol BLASScalar: Real, BinaryFloatingPoint, Sendable, Codable
where Self.RawSignificand: FixedWidthInteger {
  /// C edge; public only because protocol requirements must be; not API.
  /// `c = alpha·op(a)·op(b) + beta·c`. The corresponding BLAS routine is `?gemm`.
  static func _gemm(
    _ a: Matrix<Self>, _ ta: BLASFlags.Transpose, _ b: Matrix<Self>, _ tb: BLASFlags.Transpose,
    alpha: Self, beta: Self, into c: inout Matrix<Self>
  ) throws(RiskKernelsError)

  /// C edge; public only because protocol requirements must be; not API.
  /// `y = alpha·op(a)·x + beta·y`. The corresponding BLAS routine is `?gemv`.
  static func _gemv(
    _ a: Matrix<Self>, _ ta: BLASFlags.Transpose, _ x: [Self], alpha: Self, beta: Self,
    into y: inout [Self]
  ) throws(RiskKernelsError)

  /// C edge; public only because protocol requirements must be; not API.
  /// `y = alpha·a·x + beta·y` for symmetric `a`, reading only its `uplo` triangle (half the
  /// memory traffic of `?gemv`). The corresponding BLAS routine is `?symv`.
  static func _symv(
    _ a: Matrix<Self>, _ uplo: BLASFlags.UpLo, _ x: [Self], alpha: Self, beta: Self,
    into y: inout [Self]
  ) throws(RiskKernelsError)

  /// C edge; public only because protocol requirements must be; not API.
  /// `c = alpha·op(a)·op(a)ᵀ + beta·c` on the `uplo` triangle of `c`, with `op(a) = aᵀ` when
  /// `trans == .transpose` (so `c = aᵀa`). The corresponding BLAS routine is `?syrk`.
  static func _syrk(
    _ a: Matrix<Self>, _ trans: BLASFlags.Transpose, alpha: Self, beta: Self,
    _ uplo: BLASFlags.UpLo,
    into c: inout Matrix<Self>
  ) throws(RiskKernelsError)

  /// C edge; public only because protocol requirements must be; not API.
  /// `c = alpha·a[rows, :]ᵀ·a[rows, :] + beta·c` on the lower triangle of `c`: SYRK on a block
  /// of rows in place (leading dimension `a.rows`), without copying it out.
  static func _syrkLowerOfRows(
    _ a: Matrix<Self>, rows: Range<Int>, alpha: Self, beta: Self, into c: inout Matrix<Self>
  ) throws(RiskKernelsError)

  /// C edge; public only because protocol requirements must be; not API.
  /// `b = alpha·op(a)·b` (side `.left`) or `alpha·b·op(a)` (`.right`) with `a` triangular.
  /// The corresponding BLAS routine is `?trmm`.
  static func _trmm(
    _ side: BLASFlags.Side, _ uplo: BLASFlags.UpLo, _ ta: BLASFlags.Transpose,
    _ diagonal: BLASFlags.Diagonal, alpha: Self,
    _ a: Matrix<Self>, _ b: inout Matrix<Self>
  ) throws(RiskKernelsError)

  /// C edge; public only because protocol requirements must be; not API.
  /// Solves `op(a)·x = alpha·b` (side `.left`) or `x·op(a) = alpha·b` (`.right`) in place, `a`
  /// triangular. The corresponding BLAS routine is `?trsm`.
  static func _trsm(
    _ side: BLASFlags.Side, _ uplo: BLASFlags.UpLo, _ ta: BLASFlags.Transpose,
    _ diagonal: BLASFlags.Diagonal, alpha: Self,
    _ a: Matrix<Self>, _ b: inout Matrix<Self>
  ) throws(RiskKernelsError)

  /// C edge; public only because protocol requirements must be; not API.
  /// Cholesky factorisation in place; returns the failing leading minor (1-based) or `nil`.
  /// The corresponding LAPACK routine is `?potrf`.
  static func _potrf(_ a: inout Matrix<Self>, _ uplo: BLASFlags.UpLo) throws(RiskKernelsError)
    -> Int?

  /// C edge; public only because protocol requirements must be; not API.
  /// Solves `a·x = b` in place from the Cholesky factor of `a`. LAPACK routine `?potrs`.
  static func _potrs(
    _ factor: Matrix<Self>, _ uplo: BLASFlags.UpLo, _ b: inout Matrix<Self>
  ) throws(RiskKernelsError)

  /// C edge; public only because protocol requirements must be; not API.
  /// Eigenvalues (ascending) of the symmetric `a`; with `vectors`, `a` is overwritten by the
  /// orthonormal eigenvectors (column `j` for value `j`). The corresponding LAPACK routine is
  /// `?syevd`.
  static func _syevd(
    _ a: inout Matrix<Self>, _ uplo: BLASFlags.UpLo, vectors: Bool
  ) throws(RiskKernelsError) -> [Self]

  /// C edge; public only because protocol requirements must be; not API.
  /// `x[i] = exp(x[i])` for `i < count`, SLEEF 1-ULP kernels (AVX2 when the CPU has it, SSE2
  /// otherwise).
  static func _vexp(_ x: inout [Self], count: Int, _ caller: _LibraryOnly)

  /// C edge; public only because protocol requirements must be; not API.
  /// `x[i] = log(x[i])`, SLEEF 1-ULP kernels (AVX2 when the CPU has it, SSE2 otherwise).
  static func _vlog(_ x: inout [Self])

  /// C edge; public only because protocol requirements must be; not API.
  /// `x[i] = log(1 + x[i])`, SLEEF 1-ULP kernels.
  static func _vlog1p(_ x: inout [Self])

  /// C edge; public only because protocol requirements must be; not API.
  /// `x[range]` = normals `first ..< first + range.count` of the Philox stream `(seed, path)`
  /// (layout in `PhiloxNormals`). Float gets the Double numbers rounded.
  static func _philoxNormals(
    seed: UInt64, path: UInt64, first: UInt64, into x: inout [Self], _ range: Range<Int>,
    _ caller: _LibraryOnly)

  /// C edge; public only because protocol requirements must be; not API.
  /// `x[p·stride + j]` = normal `first + j` of the Philox stream `(seed, paths[p])` for
  /// `j < count`: the numbers of one `_philoxNormals` per path, drawn 16 paths at a time.
  static func _philoxPathNormals(
    seed: UInt64, paths: [UInt64], first: UInt64, count: Int, into x: inout [Self], stride: Int,
    _ caller: _LibraryOnly)

  /// C edge; public only because protocol requirements must be; not API.
  /// The GBM log-price pass over `count` paths × `chunk` steps (see `cshim_gbm_advance_f64`):
  /// `x ← x + drift + zₛ`, `zₛ ← x`, and the running minimum and maximum when asked; `x` starts
  /// as `start` (every path) or each path's `current`, and ends in `current` if `storeCurrent`.
  static func _advanceLogPrices(
    dimension d: Int, count: Int, chunk: Int, minimum: Bool, maximum: Bool, drift: [Self],
    start: [Self]?, path z: inout [Self], current: inout [Self], storeCurrent: Bool,
    low: inout [Self], high: inout [Self], _ caller: _LibraryOnly)
}

// MARK: - Callers

/// The proof that a call to one of `BLASScalar`'s underscored requirements comes from inside the
/// library. The requirements that trust their caller with the shapes of their arrays (a C loop
/// that would read past a short one) take one, and only the library can make one, so no code
/// outside it can reach them; the other requirements validate and throw. Not API.
public struct _LibraryOnly: Sendable {}  // its implicit init() is internal

// MARK: - Operand flags

/// The operand flags of the BLAS and LAPACK routines behind `BLASScalar`'s underscored
/// requirements: part of the C edge, public only because those requirements must be. Inside the
/// library they go by their short names (`Transpose`, `UpLo`, `Side`, `Diagonal`).
public enum BLASFlags {
  /// Whether a BLAS operand is used as stored or transposed.
  public enum Transpose: Sendable, Equatable {
    /// As stored.
    case noTranspose
    /// Transposed.
    case transpose
  }

  /// Which triangle of a symmetric or triangular matrix is referenced.
  public enum UpLo: Sendable, Equatable {
    /// The upper triangle.
    case upper
    /// The lower triangle.
    case lower
  }

  /// Which side a triangular operand multiplies from.
  public enum Side: Sendable, Equatable {
    /// `op(A)·B`.
    case left
    /// `B·op(A)`.
    case right
  }

  /// Whether a triangular matrix has an implicit unit diagonal.
  public enum Diagonal: Sendable, Equatable {
    /// The stored diagonal.
    case nonUnit
    /// Ones, whatever is stored.
    case unit
  }
}

typealias Transpose = BLASFlags.Transpose
typealias UpLo = BLASFlags.UpLo
typealias Side = BLASFlags.Side
typealias Diagonal = BLASFlags.Diagonal

// MARK: - Conversions to the C vocabulary (used by the twin conformances)

extension Transpose {
  var cblas: CBLAS_TRANSPOSE { self == .transpose ? CblasTrans : CblasNoTrans }
}

extension UpLo {
  var cblas: CBLAS_UPLO { self == .upper ? CblasUpper : CblasLower }
  var lapack: CChar { CChar(UInt8(ascii: self == .upper ? "U" : "L")) }
}

extension Side {
  var cblas: CBLAS_SIDE { self == .left ? CblasLeft : CblasRight }
}

extension Diagonal {
  var cblas: CBLAS_DIAG { self == .unit ? CblasUnit : CblasNonUnit }
}

/// Converts a Swift `Int` to the C `int` the BLAS and LAPACK interfaces take, throwing instead
/// of truncating.
func cInt(_ value: Int, _ name: String) throws(RiskKernelsError) -> Int32 {
  guard let converted = Int32(exactly: value) else {
    throw .parameterOutOfRange(
      name: ParameterName(name), value: Double(value), allowed: "0...\(Int32.max) (C int)")
  }
  return converted
}

/// Leading dimension of a column-major matrix (BLAS requires at least 1).
func leadingDimension<T>(_ m: Matrix<T>) throws(RiskKernelsError) -> Int32 {
  try cInt(max(1, m.rows), "leading dimension")
}

extension BLASScalar {
  /// `x[i] = exp(x[i])` for every element.
  static func _vexp(_ x: inout [Self]) { _vexp(&x, count: x.count, _LibraryOnly()) }
}
