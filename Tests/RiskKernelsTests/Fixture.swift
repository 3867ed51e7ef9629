import Foundation
import RiskKernels
import _RiskKernelsTestSupport

/// A covariance fixture made by Tests/FixtureScripts/make_covariance.py (see its header).
struct CovarianceFixture: Decodable {
  struct Inputs: Decodable {
    let returns: [[Double]]
    let prices: [[Double]]?
  }
  struct Shrunk: Decodable {
    let covariance: [[Double]]
    let shrinkage: Double
  }
  struct Centred: Decodable {
    let covariance: [[Double]]
    let mean: [Double]
  }
  struct Expected: Decodable {
    let sampleUnbiased: [[Double]]
    let sampleMaximumLikelihood: [[Double]]
    let mean: [Double]
    let ledoitWolf: Shrunk
    let oas: Shrunk
    let ewma94ZeroMean: [[Double]]
    let ewma94WeightedMean: Centred
    let ewma97ZeroMean: [[Double]]
    let constantCorrelation: Shrunk?
    let correlationOfSampleUnbiased: [[Double]]?
    let eigenvaluesOfSampleUnbiased: [Double]?
    let conditionNumberOfSampleUnbiased: Double?
    let choleskyOfSampleUnbiased: [[Double]]?
    let logReturns: [[Double]]?
    let simpleReturns: [[Double]]?
  }
  let description: String
  let inputs: Inputs
  let expected: Expected

  static let names = [
    "quandl4_first400", "factor_n120_p30", "normal_n20_p50", "single_asset_n50", "weak_n8_p4",
  ]

  static func load(_ name: String) throws -> CovarianceFixture {
    guard
      let url = Bundle.module.url(forResource: "Fixtures/covariance/\(name)", withExtension: "json")
    else { throw FixtureMissing(name: name) }
    return try JSONDecoder().decode(CovarianceFixture.self, from: Data(contentsOf: url))
  }

  func returns<T: BLASScalar>(_: T.Type) -> Matrix<T> { matrix(inputs.returns) }
}

struct FixtureMissing: Error { let name: String }

/// Tolerances by precision: Double results agree with the float64 peers to rounding on O(n·d)
/// sums; Float results are computed from Float inputs, so they carry input rounding of order
/// Float.ulpOfOne times the condition of the estimate.
func tolerance<T: BLASScalar>(_: T.Type, double: Double = 1e-12, float: Double = 2e-4) -> Double {
  T.self == Double.self ? double : float
}
