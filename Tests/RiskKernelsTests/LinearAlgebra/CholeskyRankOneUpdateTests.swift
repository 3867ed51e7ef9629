import RiskKernels
import Testing
import _RiskKernelsTestSupport

@Suite struct CholeskyRankOneUpdateTests {
  func checkUpdateMatchesRefactorisation<T: BLASScalar>(_: T.Type) throws {
    let n = 40
    let a = randomSPD(n, seed: 11, as: T.self)
    let x = randomNormalMatrix(rows: n, columns: 1, seed: 12, as: T.self).columnMajorElements
    for (weight, decay) in [(T(1), T(1)), (T(0.06), T(0.94)), (T(2.5), T(0.5))] {
      var factor = try Cholesky(a)
      try factor.update(with: x, weight: weight, decay: decay)
      var target = a
      for j in 0..<n { for i in 0..<n { target[i, j] = decay * a[i, j] + weight * x[i] * x[j] } }
      let refactored = try Cholesky(target)
      // Both are backward-stable factors of the same matrix: agree to a few n·ε relative.
      #expect(
        relativeDifference(factor.lower, refactored.lower) <= Double(T.ulpOfOne) * Double(20 * n))
    }
  }

  func checkDowndateMatchesRefactorisation<T: BLASScalar>(_: T.Type) throws {
    let n = 30
    let a = randomSPD(n, seed: 21, as: T.self)
    let x = randomNormalMatrix(rows: n, columns: 1, seed: 22, scale: 0.1, as: T.self)
      .columnMajorElements
    var factor = try Cholesky(a)
    try factor.downdate(removing: x)
    var target = a
    for j in 0..<n { for i in 0..<n { target[i, j] -= x[i] * x[j] } }
    let refactored = try Cholesky(target)
    #expect(
      relativeDifference(factor.lower, refactored.lower) <= Double(T.ulpOfOne) * Double(50 * n))
    // Update then downdate by the same vector returns to the start.
    var roundTrip = try Cholesky(a)
    try roundTrip.update(with: x)
    try roundTrip.downdate(removing: x)
    #expect(
      relativeDifference(roundTrip.lower, try Cholesky(a).lower) <= Double(T.ulpOfOne)
        * Double(50 * n))
  }

  @Test func updateMatchesRefactorisationDouble() throws {
    try checkUpdateMatchesRefactorisation(Double.self)
  }
  @Test func updateMatchesRefactorisationFloat() throws {
    try checkUpdateMatchesRefactorisation(Float.self)
  }
  @Test func downdateMatchesRefactorisationDouble() throws {
    try checkDowndateMatchesRefactorisation(Double.self)
  }
  @Test func downdateMatchesRefactorisationFloat() throws {
    try checkDowndateMatchesRefactorisation(Float.self)
  }

  @Test("A failed downdate throws the failing minor and leaves the factor bit-identical")
  func failedDowndateLosesNothing() throws {
    let a = try Matrix<Double>([[4, 1, 0], [1, 3, 0], [0, 0, 2]])
    var factor = try Cholesky(a)
    let before = factor
    // Removing (0, 0, 2)(0, 0, 2)ᵀ makes A₃₃ = 2 − 4 < 0: minor 3 fails, minors 1–2 do not.
    #expect(throws: RiskKernelsError.notPositiveDefinite(failingMinor: 3)) {
      try factor.downdate(removing: [0, 0, 2])
    }
    #expect(factor == before)
    // Removing (2, 0, 0): A₁₁ = 4 − 4 = 0, minor 1 fails.
    #expect(throws: RiskKernelsError.notPositiveDefinite(failingMinor: 1)) {
      try factor.downdate(removing: [2, 0, 0])
    }
    #expect(factor == before)
  }

  @Test("Bad vectors and parameters throw and change nothing")
  func badArgumentsThrow() throws {
    var factor = try Cholesky(Matrix<Float>.identity(3))
    let before = factor
    #expect(
      throws: RiskKernelsError.dimensionMismatch(
        operation: "rank-one update vector", expected: .vector(3), actual: .vector(2))
    ) {
      try factor.update(with: [1, 2])
    }
    #expect(throws: RiskKernelsError.nonFiniteInput(argument: "rank-one update vector", index: 1)) {
      try factor.update(with: [1, .infinity, 0])
    }
    #expect(
      throws: RiskKernelsError.parameterOutOfRange(name: "decay", value: 0, allowed: "> 0, finite")
    ) {
      try factor.update(with: [1, 1, 1], decay: 0)
    }
    #expect(factor == before)
  }
}
