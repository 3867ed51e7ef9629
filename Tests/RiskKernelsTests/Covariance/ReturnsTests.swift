import Foundation
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

  @Test("Log returns keep full relative accuracy for moves of 1e-6 on a price of 1e6 (log1p form)")
  func tinyMovesOnLargePrices() throws {
    // P alternates 10⁶ and 10⁶ + 1 (representable exactly): the exact return is ±log1p(10⁻⁶),
    // and ln P[t+1] − ln P[t] had lost about 5 of its 16 digits to cancellation.
    let prices = (0..<200).map { 1e6 + Double($0 % 2) }
    let r = try returns(fromPrices: Matrix(rows: 200, columns: 1, columnMajor: prices))
    let up = Foundation.log1p(1e-6)
    let down = Foundation.log1p(-1 / (1e6 + 1))
    for t in 0..<199 {
      let exact = t % 2 == 0 ? up : down
      #expect(abs(r[t, 0] - exact) <= 4 * exact.magnitude * Double.ulpOfOne, "t = \(t)")
    }
  }

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
