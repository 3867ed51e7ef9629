import CShims
import CShimsTesting
import Foundation
import Testing

@testable import RiskKernels

@Suite struct BackendTests {
  @Test("cblas_dgemm resolves to OpenBLAS, not GSL's reference CBLAS")
  func cblasProviderIsOpenBLAS() {
    #expect(Backend.cblasProvider.contains("openblas"), "provider: \(Backend.cblasProvider)")
  }

  @Test("Philox4x32-10 reproduces Random123's known-answer vectors (kat_vectors lines 27–29)")
  func philoxKnownAnswers() {
    let cases: [([UInt32], [UInt32], [UInt32])] = [
      ([0, 0, 0, 0], [0, 0], [0x6627_e8d5, 0xe169_c58d, 0xbc57_ac4c, 0x9b00_dbd8]),
      (
        [0xffff_ffff, 0xffff_ffff, 0xffff_ffff, 0xffff_ffff], [0xffff_ffff, 0xffff_ffff],
        [0x408f_276d, 0x41c8_3b0e, 0xa20b_c7c6, 0x6d54_51fd]
      ),
      (
        [0x243f_6a88, 0x85a3_08d3, 0x1319_8a2e, 0x0370_7344], [0xa409_3822, 0x299f_31d0],
        [0xd16c_fe09, 0x94fd_cceb, 0x5001_e420, 0x2412_6ea1]
      ),
    ]
    for (c, k, expected) in cases {
      var out = [UInt32](repeating: 0, count: 4)
      cshim_philox4x32_10(c[0], c[1], c[2], c[3], k[0], k[1], &out)
      #expect(out == expected)
    }
  }

  @Test("SLEEF vector exp and log agree with libm to a few ulps, including the tail")
  func vectorMathAgreesWithLibm() {
    let xs = (0..<1003).map { Double($0) * 0.013 - 6.5 }
    var e = xs
    Double._vexp(&e)
    for (x, y) in zip(xs, e) { #expect(abs(y - Foundation.exp(x)) <= 4 * Double.ulpOfOne * abs(y)) }
    var l = e
    Double._vlog(&l)
    for (x, y) in zip(xs, l) { #expect(abs(y - x) <= 1e-13 * max(1, abs(x))) }
    var f = xs.map { Float($0) }
    Float._vexp(&f)
    for (x, y) in zip(xs, f) {
      #expect(abs(Double(y) - Foundation.exp(x)) <= 4e-7 * Foundation.exp(x))
    }
  }

  @Test("GSL's error handler is off: a domain error returns NaN instead of aborting")
  func gslHandlerIsOff() {
    cshim_gsl_handler_off()
    #expect(gsl_cdf_chisq_Pinv(0.5, -1).isNaN)
    #expect(abs(gsl_cdf_ugaussian_P(1.96) - 0.9750021048517796) < 1e-15)
  }

  @Test("OpenBLAS thread count can be set and read back; out-of-range counts throw")
  func blasThreads() throws {
    let before = BLASThreads.count
    try BLASThreads.set(1)
    #expect(BLASThreads.count == 1)
    try BLASThreads.set(before)
    #expect(
      throws: RiskKernelsError.parameterOutOfRange(name: "threads", value: 0, allowed: "1...1024")
    ) {
      try BLASThreads.set(0)
    }
  }
}

@Suite struct GSLNormalTests {
  @Test("Φ and Φ⁻¹ through GSL match the published Gaussian quantiles; p outside (0, 1) throws")
  func normalDistribution() throws {
    #expect(abs(GSLNormal.cdf(1.96) - 0.9750021048517796) < 1e-15)
    #expect(abs(try GSLNormal.quantile(0.05) + 1.6448536270) < 1e-9)
    #expect(
      throws: RiskKernelsError.parameterOutOfRange(
        name: "probability", value: 1, allowed: "0 < p < 1")
    ) {
      try GSLNormal.quantile(1)
    }
    #expect(throws: RiskKernelsError.self) { try GSLNormal.quantile(.nan) }
  }

  @Test("The vector level in use is the CPU's, or the one RISKKERNELS_ISA caps it to")
  func vectorLevel() throws {
    let level = Backend.vectorLevel
    let names: [VectorLevel: String] = [.avx512: "AVX-512", .avx2: "AVX2", .scalar: "SSE2"]
    #expect(Backend.vectorInstructionSet == names[level])
    #expect(level <= Backend.cpuVectorLevel)
    #expect(Backend.availableVectorLevels.first == .scalar)
    #expect(Backend.availableVectorLevels.last == Backend.cpuVectorLevel)
    if let asked = ProcessInfo.processInfo.environment["RISKKERNELS_ISA"], !asked.isEmpty {
      #expect(level.rawValue == asked)
    } else {
      #expect(level == Backend.cpuVectorLevel)
    }
    try Backend.checkVectorLevel()
    // The named kernels cover every level the CPU has, whatever the cap.
    var out = [Double](repeating: 0, count: 4)
    #expect(
      (cshim_philox_normals_kernel_f64(2, 1, 2, 3, 4, &out) == 1)
        == (Backend.cpuVectorLevel == .avx512))
    #expect(
      cshim_philox_normals_kernel_f64(1, 1, 2, 3, 4, &out) == 1 || Backend.cpuVectorLevel == .scalar
    )
  }

  @Test("Pinning OpenBLAS's kernel: only the reference kernels, only those the CPU can run")
  func pinningRefusals() {
    // These are refused before OpenBLAS is touched (the switch itself runs in test-mpi.sh,
    // in processes of their own: it must not happen under other tests' BLAS calls).
    let before = Backend.blasCore
    #expect(Backend.referenceBLASCore(for: .avx512) == "SkylakeX")
    #expect(Backend.referenceBLASCore(for: .avx2) == "Haswell")
    #expect(Backend.referenceBLASCore(for: .scalar) == "Prescott")
    for name in ["Cooperlake", "Bogus", "", "haswell "] {
      #expect(throws: RiskKernelsError.self) { try Backend.pinBLASCore(name) }
    }
    if Backend.cpuVectorLevel < .avx512 {
      #expect(throws: RiskKernelsError.self) { try Backend.pinBLASCore("SkylakeX") }
    }
    #expect(Backend.blasCore == before)
  }
}
