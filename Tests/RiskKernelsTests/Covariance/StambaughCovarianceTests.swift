import Foundation
import Testing
import _RiskKernelsTestSupport

@testable import RiskKernels

@Suite struct StambaughCovarianceTests {
  struct Fixture: Decodable {
    struct Inputs: Decodable {
      let assets: [String]
      let returns: [[Double?]]
    }
    struct Expected: Decodable {
      let mean: [Double]
      let covariance: [[Double]]
      let firstRows: [Int]
      let observations: [Int]
      let completeCaseCovariance: [[Double]]
    }
    let inputs: Inputs
    let expected: Expected

    static func load() throws -> Fixture {
      let url = try #require(
        Bundle.module.url(
          forResource: "Fixtures/covariance/stambaugh_three_starts", withExtension: "json"))
      return try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: url))
    }

    func returns<T: BLASScalar>(_: T.Type) -> Matrix<T> {
      let rows = inputs.returns.count
      let d = inputs.assets.count
      var m = Matrix<T>(
        uncheckedRows: rows, columns: d, storage: [T](repeating: 0, count: rows * d))
      for i in 0..<rows { for j in 0..<d { m[i, j] = inputs.returns[i][j].map { T($0) } ?? .nan } }
      return m
    }
  }

  @Test("Three start dates: the EM maximum-likelihood solution (NumPy), Double and Float")
  func againstEM() throws {
    let fixture = try Fixture.load()
    func check<T: BLASScalar>(_: T.Type, _ tolerance: Double) throws {
      let result = try StambaughCovariance().estimate(from: fixture.returns(T.self))
      #expect(result.firstRows == fixture.expected.firstRows)
      #expect(result.observations == fixture.expected.observations)
      #expect(result.estimate.observationCount == fixture.inputs.returns.count)
      let d = fixture.inputs.assets.count
      for i in 0..<d {
        let m = fixture.expected.mean[i]
        #expect(abs(Double(result.estimate.mean[i]) - m) <= tolerance * 1e-2, "\(T.self) mean \(i)")
        for j in 0..<d {
          let c = fixture.expected.covariance[i][j]
          let ours = Double(result.estimate.covariance[i, j])
          #expect(abs(ours - c) <= tolerance * abs(c) + 1e-20, "\(T.self) Σ[\(i),\(j)]")
          #expect(result.estimate.covariance[i, j] == result.estimate.covariance[j, i])
        }
      }
      _ = try Cholesky(result.estimate.covariance)  // positive definite
    }
    try check(Double.self, 1e-11)
    try check(Float.self, 2e-4)
  }

  @Test("It is not the complete-case estimate: the long histories move the short assets' moments")
  func differsFromCompleteCases() throws {
    let fixture = try Fixture.load()
    let result = try StambaughCovariance().estimate(from: fixture.returns(Double.self))
    let cc = fixture.expected.completeCaseCovariance
    #expect(abs(result.estimate.covariance[0, 0] - cc[0][0]) > 1e-3 * cc[0][0])
  }

  @Test("One start for all: the sample mean and the 1/n covariance; column order does not matter")
  func reducesToSample() throws {
    let returns = randomReturns(rows: 60, columns: 4, seed: 5)
    let result = try StambaughCovariance().estimate(from: returns)
    let sample = try SampleCovariance(normalization: .maximumLikelihood).estimate(from: returns)
    for i in 0..<4 {
      #expect(abs(result.estimate.mean[i] - sample.mean[i]) < 1e-15)
      for j in 0..<4 {
        #expect(abs(result.estimate.covariance[i, j] - sample.covariance[i, j]) < 1e-15)
      }
    }
    // Permuting the columns permutes the estimate (the fixture's groups in another order).
    let fixture = try Fixture.load()
    let x = fixture.returns(Double.self)
    let perm = [3, 1, 0, 2]
    var permuted = x
    for i in 0..<x.rows { for (k, j) in perm.enumerated() { permuted[i, k] = x[i, j] } }
    let a = try StambaughCovariance().estimate(from: x).estimate
    let b = try StambaughCovariance().estimate(from: permuted).estimate
    for (k, j) in perm.enumerated() {
      for (l, m) in perm.enumerated() {
        #expect(abs(a.covariance[j, m] - b.covariance[k, l]) <= 1e-15 * abs(a.covariance[j, m]))
      }
    }
  }

  @Test("Gaps, infinities, empty columns and too short overlaps are typed errors")
  func refusals() throws {
    var x = randomReturns(rows: 30, columns: 3, seed: 8)
    for i in 0..<10 { x[i, 2] = .nan }
    _ = try StambaughCovariance().estimate(from: x)  // a late start is fine
    var gap = x
    gap[20, 2] = .nan
    #expect(
      throws: RiskKernelsError.nonFiniteInput(
        argument: "returns (a gap inside column 2's history)", index: 20 * 3 + 2)
    ) {
      try StambaughCovariance().estimate(from: gap)
    }
    var infinite = x
    infinite[3, 0] = .infinity
    #expect(throws: RiskKernelsError.self) { try StambaughCovariance().estimate(from: infinite) }
    var empty = x
    for i in 0..<30 { empty[i, 1] = .nan }
    #expect(throws: RiskKernelsError.self) { try StambaughCovariance().estimate(from: empty) }
    var short = x
    for i in 0..<27 { short[i, 2] = .nan }  // 3 rows of overlap for 3 assets
    #expect(throws: RiskKernelsError.self) { try StambaughCovariance().estimate(from: short) }
  }

  func randomReturns(rows: Int, columns: Int, seed: UInt64) -> Matrix<Double> {
    var rng = SplitMix64(seed: seed)
    var m = Matrix<Double>(
      uncheckedRows: rows, columns: columns, storage: [Double](repeating: 0, count: rows * columns))
    for i in 0..<rows {
      let common = Double.random(in: -0.02...0.02, using: &rng)
      for j in 0..<columns { m[i, j] = common + Double.random(in: -0.02...0.02, using: &rng) }
    }
    return m
  }
}
