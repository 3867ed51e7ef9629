// Reproduces part of a `riskreport run` report through RiskKernels' public API: the Ledoit-Wolf
// covariance, the risk-parity weights and the Monte Carlo VaR/ES, from the same prices, holdings
// and simulation settings. Usage: PortfolioRisk PRICES.csv report.json
// Exits non-zero if a number differs.
import Foundation
import RiskKernels

struct Report: Decodable {
  struct Inputs: Decodable {
    let paths: Int
    let steps: Int
    let horizonDays: Double
    /// The price file's periods per year (252 for the bundled exchange data).
    let periodsPerYear: Double
    let confidence: Double
    let seed: UInt64
  }
  struct Weights: Decodable { let weights: [Double] }
  struct RiskParity: Decodable { let weights: [Double] }
  struct VaRSection: Decodable {
    struct Result: Decodable {
      let method: String
      let `var`: Double
      let expectedShortfall: Double
    }
    let results: [Result]
  }
  let assets: [String]
  let inputs: Inputs
  let weights: Weights
  let riskParity: RiskParity
  let `var`: VaRSection
}

let arguments = CommandLine.arguments
guard arguments.count == 3 else {
  FileHandle.standardError.write(Data("usage: PortfolioRisk PRICES.csv report.json\n".utf8))
  exit(2)
}
let report = try JSONDecoder().decode(
  Report.self, from: Data(contentsOf: URL(fileURLWithPath: arguments[2])))

// A plain CSV (header: date, then one column per asset; no missing cells in this example).
let lines = try String(contentsOfFile: arguments[1], encoding: .utf8).split(separator: "\n")
let rows = lines.dropFirst().map { $0.split(separator: ",").dropFirst().map { Double($0)! } }
let prices = try Matrix<Double>(rows)

let logReturns = try returns(fromPrices: prices, kind: .log)
let estimate = try LedoitWolf().estimate(from: logReturns)
let parity = try RiskBudgetingSolver().solve(covariance: estimate.covariance)

let spot = rows.last!
let model = try CorrelatedGBM(
  assets: report.assets, spot: spot, dailyEstimate: estimate,
  daysPerYear: report.inputs.periodsPerYear,
  drift: [Double](repeating: 0, count: spot.count))
let settings = SimulationSettings(
  paths: report.inputs.paths, steps: report.inputs.steps,
  horizon: Horizon.days(report.inputs.horizonDays, daysPerYear: report.inputs.periodsPerYear)
    .years,
  seed: report.inputs.seed)
let holdings = zip(report.weights.weights, spot).map { $0 / $1 }
let tail = try MonteCarloVaR(confidence: report.inputs.confidence).measure(
  model: model, holdings: holdings, settings: settings)

let reported = report.var.results.first { $0.method == "monte-carlo" }!
print("risk-parity weights:", parity.weights.map { String(format: "%.4f", $0) })
print(
  String(
    format: "Monte Carlo VaR %.4f%%, ES %.4f%% at %.1f%% over %g days", 100 * tail.valueAtRisk,
    100 * tail.expectedShortfall, 100 * report.inputs.confidence, report.inputs.horizonDays))
var ok = true
for (ours, theirs) in zip(parity.weights, report.riskParity.weights) where abs(ours - theirs) > 1e-9
{
  ok = false
}
if abs(tail.valueAtRisk - reported.var) > 1e-12
  || abs(tail.expectedShortfall - reported.expectedShortfall) > 1e-12
{
  ok = false
}
print(ok ? "matches the report" : "DIFFERS from the report")
exit(ok ? 0 : 1)
