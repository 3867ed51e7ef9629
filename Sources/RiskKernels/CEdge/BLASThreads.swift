internal import CShims
internal import Foundation
internal import Synchronization

/// The number of threads OpenBLAS uses, global to the process.
///
/// The C edge owns this decision: only `CEdge/` talks to OpenBLAS (`scripts/check-c-edge.sh`). RiskKernels leaves OpenBLAS at its default
/// (one thread per core, or `OPENBLAS_NUM_THREADS`) for single large factorisations and products.
/// Results of BLAS calls above about n = 256 can differ in the last bits between thread counts;
/// code that promises bit-identical results pins this to 1 and parallelises itself.
public enum BLASThreads {
  /// OpenBLAS's current thread count. The corresponding function is `openblas_get_num_threads`.
  public static var count: Int { Int(cshim_blas_get_threads()) }

  /// Sets OpenBLAS's thread count for the whole process (`openblas_set_num_threads`).
  ///
  /// - Throws: `.parameterOutOfRange` unless `1 ≤ threads ≤ 1024`.
  public static func set(_ threads: Int) throws(RiskKernelsError) {
    guard (1...1024).contains(threads) else {
      throw .parameterOutOfRange(name: .threads, value: Double(threads), allowed: "1...1024")
    }
    cshim_blas_set_threads(Int32(threads))
  }

  /// Runs `body` with OpenBLAS pinned to one thread, restoring the previous count when the last
  /// of any overlapping callers leaves (callers that parallelise themselves use this).
  static func withOneThread<R, E: Error>(_ body: () throws(E) -> R) throws(E) -> R {
    pinning.withLock { state in
      if state.depth == 0 {
        state.saved = Int(cshim_blas_get_threads())
        cshim_blas_set_threads(1)
      }
      state.depth += 1
    }
    defer {
      pinning.withLock { state in
        state.depth -= 1
        if state.depth == 0 { cshim_blas_set_threads(Int32(state.saved)) }
      }
    }
    return try body()
  }

  private static let pinning = Mutex<(depth: Int, saved: Int)>((0, 1))
}

/// Facts about the backends in use, for benchmark headers and the provider test.
public enum Backend {
  /// The processors this process may run on, read once: Foundation's
  /// `activeProcessorCount` reads the cgroup files on every call, a fifth of a 600-path run.
  static let processorCount = ProcessInfo.processInfo.activeProcessorCount

  /// The shared library that provides `cblas_dgemm` (should name libopenblas).
  public static var cblasProvider: String { String(cString: cshim_cblas_provider()) }

  /// The widest vector kernels in use (normals, SLEEF exp and log): "AVX-512", "AVX2" or "SSE2".
  public static var vectorInstructionSet: String { String(cString: cshim_vector_instruction_set()) }

  /// The vector level the library's run-time kernel choices use (normals, SLEEF exp and log, the
  /// log-price pass, the liquidation sweep): the CPU's highest, or the one the environment
  /// variable `RISKKERNELS_ISA` caps it to. Read once, when the library is loaded.
  public static var vectorLevel: VectorLevel { VectorLevel(level: cshim_vector_level()) }

  /// Lowers the vector level in use to at most `level` for the rest of the process, as
  /// `RISKKERNELS_ISA` would have; never raises it. `riskreport-mpi` calls it so that every
  /// rank of a job on mixed CPUs draws with the same kernels. Call it before any kernel runs:
  /// it is not synchronised with kernels running on other threads.
  public static func capVectorLevel(to level: VectorLevel) {
    cshim_cap_vector_level(Int32(VectorLevel.allCases.firstIndex(of: level)!))
  }

  /// The highest vector level this CPU has.
  public static var cpuVectorLevel: VectorLevel { VectorLevel(level: cshim_cpu_vector_level()) }

  /// Every level this CPU can run, lowest first (what a test runs once each).
  public static var availableVectorLevels: [VectorLevel] {
    VectorLevel.allCases.filter { $0 <= cpuVectorLevel }
  }

  /// Throws unless `RISKKERNELS_ISA` is unset, empty or a level this CPU has. The engine, the
  /// normal generators and the liquidation sweep call it before they run, so a level that cannot
  /// be had is an error, never a silent fallback.
  ///
  /// - Throws: `.environment(variable: "RISKKERNELS_ISA", …)`.
  public static func checkVectorLevel() throws(RiskKernelsError) {
    let error = cshim_vector_level_error()
    guard error != 0 else { return }
    let value = ProcessInfo.processInfo.environment["RISKKERNELS_ISA"] ?? ""
    let names = availableVectorLevels.map(\.rawValue).joined(separator: ", ")
    switch error {
    case 1:
      throw .environment(
        variable: "RISKKERNELS_ISA", value: value,
        reason: "not a vector level (scalar, avx2 or avx512; this CPU has \(names))")
    default:
      throw .environment(
        variable: "RISKKERNELS_ISA", value: value,
        reason: "this CPU lacks that level (it has \(names))")
    }
  }

  /// The OpenBLAS kernel family in use (`Haswell`, `SkylakeX`, …, as `openblas_get_corename`
  /// names it; `OPENBLAS_CORETYPE` overrides it).
  public static var blasCore: String { String(cString: cshim_blas_core()) }

  /// The OpenBLAS kernel family that every CPU with `level` runs, so that processes on
  /// different CPUs can share one: `SkylakeX` (AVX-512), `Haswell` (AVX2 and FMA), `Prescott`
  /// (SSE3, every x86-64 CPU of the last twenty years). `riskreport-mpi` pins it on every rank
  /// when its ranks' CPUs choose different kernels (docs/scale-out.md).
  public static func referenceBLASCore(for level: VectorLevel) -> String {
    switch level {
    case .avx512: "SkylakeX"
    case .avx2: "Haswell"
    case .scalar: "Prescott"
    }
  }

  /// Switches OpenBLAS to the kernel family `core`, one of `referenceBLASCore(for:)`'s, as
  /// `OPENBLAS_CORETYPE` would have at start-up: the matrix products (the Monte Carlo
  /// correlation step among them) then round as on any CPU pinned to it. Call it with no BLAS
  /// call running, before the results that must match are computed.
  ///
  /// - Throws: `.environment(variable: "OPENBLAS_CORETYPE", …)` for another name, a kernel this
  ///   CPU lacks the instructions for, or an OpenBLAS that cannot switch (a build with one
  ///   fixed kernel).
  public static func pinBLASCore(_ core: String) throws(RiskKernelsError) {
    guard let level = VectorLevel.allCases.first(where: { referenceBLASCore(for: $0) == core })
    else {
      throw .environment(
        variable: "OPENBLAS_CORETYPE", value: core,
        reason: "not a reference kernel (SkylakeX, Haswell or Prescott)")
    }
    guard level <= cpuVectorLevel else {
      throw .environment(
        variable: "OPENBLAS_CORETYPE", value: core,
        reason: "this CPU lacks the instructions (its level is \(cpuVectorLevel.rawValue))")
    }
    switch cshim_blas_pin_core(core) {
    case 0: return
    case 1:
      throw .environment(
        variable: "OPENBLAS_CORETYPE", value: core,
        reason: "this OpenBLAS has one fixed kernel (\(blasCore)) and cannot switch")
    default:
      throw .environment(
        variable: "OPENBLAS_CORETYPE", value: core,
        reason: "OpenBLAS did not switch to it (still \(blasCore))")
    }
  }
}

/// What produced a figure: the vector level in use and the BLAS behind it. `riskreport` and
/// `riskbench` print it as the `backend` object of their JSON.
public struct BackendSummary: Codable, Equatable, Sendable {
  /// The level in use (`Backend.vectorLevel`) and the CPU's highest.
  public let vectorLevel: VectorLevel
  /// The CPU's highest level (`Backend.cpuVectorLevel`).
  public let cpuVectorLevel: VectorLevel
  /// The library that provides CBLAS (its file name), and OpenBLAS's kernel family.
  public let blas: String
  /// OpenBLAS's kernel family (`Backend.blasCore`).
  public let blasCore: String

  /// The backends of this process.
  public static var current: BackendSummary {
    BackendSummary(
      vectorLevel: Backend.vectorLevel, cpuVectorLevel: Backend.cpuVectorLevel,
      blas: (Backend.cblasProvider as NSString).lastPathComponent, blasCore: Backend.blasCore)
  }
}

/// A level of x86-64 vector instructions the library has kernels for.
public enum VectorLevel: String, CaseIterable, Comparable, Sendable, Codable {
  /// SSE2 only (every x86-64 CPU): the scalar kernels, and SLEEF's SSE2 ones.
  case scalar
  /// AVX2 and FMA.
  case avx2
  /// AVX-512 F and DQ.
  case avx512

  init(level: Int32) { self = level >= 2 ? .avx512 : level == 1 ? .avx2 : .scalar }

  private var rank: Int { Self.allCases.firstIndex(of: self)! }

  /// Orders the levels scalar < avx2 < avx512.
  public static func < (a: VectorLevel, b: VectorLevel) -> Bool { a.rank < b.rank }
}
