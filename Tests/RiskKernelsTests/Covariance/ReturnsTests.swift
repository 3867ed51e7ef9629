import RiskKernels
import Testing
import _RiskKernelsTestSupport

@Suite struct ReturnsTests {
  func check<T: BLASScalar>(_: T.Type) throws {
    let fixture = try CovarianceFixture.load("quandl4_first400")
    let prices: Matrix<T> = matrix(fixture.inputs.prices!)
    let log = try returns(fromPrices: prices, kind: .log)
    let simple = try returns(fromPrices: prices, kind: .simple)
    // Log returns difference two logs of prices ~100: absolute error ≈ ε·log(P).
    let tol = tolerance(T.self, double: 1e-14, float: 2e-6)
    #expect(maxAbsoluteDifference(log, matrix(fixture.expected.logReturns!)) <= tol)
    #expect(maxAbsoluteDifference(simple, matrix(fixture.expected.simpleReturns!)) <= tol)
  }

  @Test("Log and simple returns match NumPy") func matchesNumPyDouble() throws {
    try check(Double.self)
  }
  @Test func matchesNumPyFloat() throws { try check(Float.self) }

  @Test("Non-positive and non-finite prices name their row and column")
  func badPrices() throws {
    #expect(
      throws: RiskKernelsError.parameterOutOfRange(name: "prices[1, 0]", value: 0, allowed: "> 0")
    ) {
      try returns(fromPrices: Matrix<Double>([[1, 2], [0, 3]]))
    }
    #expect(throws: RiskKernelsError.nonFiniteInput(argument: "prices", index: 3)) {
      try returns(fromPrices: Matrix<Double>([[1, 2], [1, .infinity]]))
    }
    #expect(
      throws: RiskKernelsError.insufficientData(argument: "prices (rows)", required: 2, actual: 1)
    ) {
      try returns(fromPrices: Matrix<Double>([[1, 2]]))
    }
  }

  @Test("Complete cases keep only rows with every price")
  func completeCasesDropsIncompleteRows() throws {
    let rows: [[Double?]] = [[1, nil], [2, 3], [nil, 4], [5, 6]]
    let (prices, kept) = try completeCases(rows)
    #expect(kept == [1, 3])
    #expect(prices.rowArrays == [[2, 3], [5, 6]])
  }
}
