import RiskKernels
import Testing
import _RiskKernelsTestSupport

@Suite struct MatrixTests {
  func checkProducts<T: BLASScalar>(_: T.Type) throws {
    let a = randomNormalMatrix(rows: 7, columns: 5, seed: 1, as: T.self)
    let b = randomNormalMatrix(rows: 5, columns: 3, seed: 2, as: T.self)
    let c = try a.multiplied(by: b)
    let tol = tolerance(T.self, double: 1e-13, float: 1e-5)
    for i in 0..<7 {
      for j in 0..<3 {
        var s = 0.0
        for k in 0..<5 { s += Double(a[i, k]) * Double(b[k, j]) }
        #expect(abs(Double(c[i, j]) - s) <= tol)
      }
    }
    // AᵀA by SYRK equals AᵀA by GEMM, and is exactly symmetric.
    let g = try a.gram()
    #expect(maxAbsoluteDifference(g, try a.transposeMultiplied(by: a)) <= tol)
    #expect(g == g.transposed())
    let x = (0..<5).map { T($0) - 2 }
    let y = try a.multiplied(by: x)
    let yt = try a.transposed().transposeMultiplied(by: x)
    #expect(maxAbsoluteDifference(y, yt) <= tol)
  }

  @Test func productsMatchLoopsDouble() throws { try checkProducts(Double.self) }
  @Test func productsMatchLoopsFloat() throws { try checkProducts(Float.self) }

  @Test("Malformed matrices cannot be constructed")
  func malformedMatricesThrow() {
    #expect(
      throws: RiskKernelsError.dimensionMismatch(
        operation: "row 1 of matrix", expected: .vector(2), actual: .vector(1))
    ) {
      try Matrix<Double>([[1, 2], [3]])
    }
    #expect(throws: RiskKernelsError.parameterOutOfRange(name: "rows", value: -1, allowed: "≥ 0")) {
      try Matrix<Double>(rows: -1, columns: 2)
    }
    #expect(
      throws: RiskKernelsError.dimensionMismatch(
        operation: "matrix elements", expected: .vector(4), actual: .vector(3))
    ) {
      try Matrix<Float>(rows: 2, columns: 2, columnMajor: [1, 2, 3])
    }
  }

  @Test("Mismatched products are typed errors, never a BLAS read out of bounds")
  func mismatchedProductsThrow() throws {
    let a = try Matrix<Double>(rows: 3, columns: 2)
    #expect(throws: RiskKernelsError.self) { try a.multiplied(by: a) }
    #expect(
      throws: RiskKernelsError.dimensionMismatch(
        operation: "matrix-vector product operand", expected: .vector(2), actual: .vector(3))
    ) {
      try a.multiplied(by: [1, 2, 3])
    }
  }

  @Test("Column-major layout, transpose, rows and columns")
  func layout() throws {
    let m = try Matrix<Double>([[1, 2, 3], [4, 5, 6]])
    #expect(m.columnMajorElements == [1, 4, 2, 5, 3, 6])
    #expect(m.transposed().rowArrays == [[1, 4], [2, 5], [3, 6]])
    #expect(m.column(1) == [2, 5])
    #expect(m.row(1) == [4, 5, 6])
    #expect(try Matrix<Double>.identity(2).rowArrays == [[1, 0], [0, 1]])
  }

  @Test("Condition number of a diagonal matrix is the ratio of its extremes; singular is ∞")
  func conditionNumber() throws {
    #expect(try Matrix<Double>.diagonal([4, 1, 2]).conditionNumber() == 4)
    #expect(try Matrix<Double>([[1, 1], [1, 1]]).conditionNumber() > 1e15)
  }
}

@Suite struct MatrixSizeTests {
  @Test("A size whose element count overflows Int is a typed error, not a trap")
  func overflowingSizeThrows() {
    #expect(throws: RiskKernelsError.self) { try Matrix<Double>(rows: Int.max / 2, columns: 3) }
  }

  @Test("The blocked mirror gives an exactly symmetric Gram matrix across tile edges")
  func mirrorAcrossTiles() throws {
    let a = randomNormalMatrix(rows: 9, columns: 130, seed: 3, as: Double.self)
    let g = try a.gram()
    #expect(g == g.transposed())
    #expect(maxAbsoluteDifference(g, try a.transposeMultiplied(by: a)) <= 1e-12)
  }
}
