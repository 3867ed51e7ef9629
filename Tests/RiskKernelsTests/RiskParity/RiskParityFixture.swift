import Foundation
import RiskKernels

/// A risk-parity fixture made by Tests/FixtureScripts/make_riskparity.py (see its header).
struct RiskParityFixture<Inputs: Decodable, Expected: Decodable>: Decodable {
  let description: String
  let inputs: Inputs
  let expected: Expected

  static func load(_ name: String) throws -> Self {
    guard
      let url = Bundle.module.url(forResource: "Fixtures/riskparity/\(name)", withExtension: "json")
    else { throw FixtureMissing(name: name) }
    return try JSONDecoder().decode(Self.self, from: Data(contentsOf: url))
  }
}

struct BudgetInputs: Decodable {
  let covariance: [[Double]]
  let equalBudgets: [Double]
  let budgets: [Double]
  let zeroBudgets: [Double]
}

struct BudgetExpected: Decodable {
  let equal: [Double]
  let budgeted: [Double]
  let zeroBudgeted: [Double]
}

struct CappedInputs: Decodable {
  let covariance: [[Double]]
  let budgets: [Double]
  let caps: [Double]
}

struct CappedExpected: Decodable {
  let weights: [Double]
  let capped: [Int]
}

struct RebalanceInputs: Decodable {
  let covariance: [[Double]]
  let expectedReturns: [Double]
  let currentWeights: [Double]
  let caps: [Double]
}

struct RebalanceExpected: Decodable {
  struct Case: Decodable {
    let riskAversion: Double
    let costs: [Double]
    let weights: [Double]
    let objective: Double
  }
  let cases: [String: Case]
}
