internal import CShims
internal import Synchronization

/// The number of threads OpenBLAS uses, global to the process.
///
/// The C edge owns this decision (STYLE.md 6.3 rule 7). RiskKernels leaves OpenBLAS at its default
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
      throw .parameterOutOfRange(name: "threads", value: Double(threads), allowed: "1...1024")
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
  /// The shared library that provides `cblas_dgemm` (should name libopenblas).
  public static var cblasProvider: String { String(cString: cshim_cblas_provider()) }

  /// Whether SLEEF's AVX2 kernels are in use (otherwise SSE2).
  public static var vectorMathUsesAVX2: Bool { cshim_sleef_uses_avx2() != 0 }

  /// The widest vector kernels in use (normals, SLEEF exp and log): "AVX-512", "AVX2" or "SSE2".
  public static var vectorInstructionSet: String { String(cString: cshim_vector_instruction_set()) }
}
