import ArgumentParser
import Foundation
import RiskKernels

/// `riskreport parity`: risk-budgeting (equal risk contribution by default) weights.
struct ParityCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "parity",
    abstract: "Risk-parity (risk-budgeting) weights from a covariance or a price history.",
    discussion: """
      Solves Spinu's formulation of risk budgeting: long-only weights summing to 1 whose risk \
      contributions w_i(Σw)_i/σ_p are in the proportions of the budgets (equal by default). \
      --covariance takes the CSV that `riskreport covariance --format csv` writes; otherwise the \
      covariance is estimated from --prices (default: the bundled example). --budgets and --caps \
      are CSV files with the header `asset,value` and one row per asset. With caps, assets below \
      their cap have risk contributions κ·b_i for one common κ and capped assets at most κ·b_i \
      (Richard & Roncalli). portfolioVolatility is in the covariance's units (daily from prices).
      """
  )

  @Option(help: "Covariance CSV, as `riskreport covariance --format csv` writes it.")
  var covariance: String?

  @OptionGroup var estimation: EstimationOptions<SampleByDefault>

  @Option(help: "Budgets CSV (asset,value), non-negative, summing to 1; default equal.")
  var budgets: String?

  @Option(help: "Caps CSV (asset,value): upper bounds on the weights.")
  var caps: String?

  @Option(parsing: .unconditional, help: "Stop when max_i |RC_i/σ_p − κ·b_i| ≤ tolerance.")
  var tolerance: Double = 1e-10

  @Option(parsing: .unconditional, help: "Most Newton iterations.")
  var maxIterations: Int = 100

  @Option(help: "Newton steps: newton-cg (Hessian-free, default) or newton (Cholesky per step).")
  var method: MethodChoice = .newtonCG

  @OptionGroup var output: OutputOption

  func validate() throws {
    if covariance != nil, estimation.prices != nil {
      throw ValidationError("--covariance and --prices: give one, not both")
    }
    guard tolerance > 0, tolerance.isFinite else {
      throw ValidationError("--tolerance: \(tolerance) must be positive")
    }
    guard maxIterations >= 1 else {
      throw ValidationError("--max-iterations: \(maxIterations) must be at least 1")
    }
  }

  func run() throws {
    let (assets, sigma, estimate, source) = try loadCovariance()
    let b = try budgets.map { (path) throws(InputError) in
      try AssetValueFile.load(path: path, assets: assets, what: "budget")
    }
    let u = try caps.map { (path) throws(InputError) in
      try AssetValueFile.load(path: path, assets: assets, what: "cap")
    }
    let solver = RiskBudgetingSolver(
      tolerance: tolerance, maxIterations: maxIterations, method: method.method)
    let solution: RiskBudgetingSolution<Double>
    do {
      // An estimate its estimator proves positive definite skips the up-front factorisation;
      // a covariance file is verified.
      if let estimate {
        solution = try solver.solve(estimate: estimate, budgets: b, caps: u)
      } else {
        solution = try solver.solve(covariance: sigma, budgets: b, caps: u)
      }
    } catch {
      throw InputError(
        location: Self.location(of: error, source: source, budgets: budgets, caps: caps),
        message: "\(error)")
    }
    let report = ParityReport(
      assets: assets, solution: solution, method: method.rawValue, source: source)
    let text = output.format == .json ? try report.json() : report.table()
    FileHandle.standardOutput.write(Data(text.utf8))
  }

  /// The covariance to solve for: a `--covariance` file's matrix, or the estimate from the
  /// prices (with it, so its estimator's proof of definiteness travels).
  func loadCovariance() throws -> (
    assets: [String], sigma: Matrix<Double>, estimate: CovarianceEstimate<Double>?, source: String
  ) {
    if let covariance {
      let file = try CovarianceFile(path: covariance)
      return (file.assets, try Matrix(file.covariance), nil, covariance)
    }
    let path = estimation.pricePath
    let file = try PriceFile(path: path)
    let estimated = try file.covariance(
      kind: .log, estimator: estimation.covarianceEstimator, histories: estimation.histories,
      as: Double.self)
    return (file.assets, estimated.estimate.covariance, estimated.estimate, path)
  }

  /// Where a solver error comes from: the budgets or caps file, the tolerance, or Σ's source.
  static func location(of error: RiskKernelsError, source: String, budgets: String?, caps: String?)
    -> InputError.Location
  {
    switch error {
    case .parameterOutOfRange(let name, _, _):
      if name.isElement(of: .budgets) || name == .budgetSum, let budgets { return .file(budgets) }
      if name.isElement(of: .caps) || name == .capSum, let caps { return .file(caps) }
      if name == .tolerance { return .flag("--tolerance") }
      return .file(source)
    case .nonFiniteInput(let argument, _):
      if argument == "budgets", let budgets { return .file(budgets) }
      if argument == "caps", let caps { return .file(caps) }
      return .file(source)
    case .noConvergence: return .flag("--max-iterations")
    default: return .file(source)
    }
  }
}

enum MethodChoice: String, ExpressibleByArgument, CaseIterable {
  case newtonCG = "newton-cg"
  case newton
  var method: RiskBudgetingMethod { self == .newton ? .newton : .newtonCG }
}

/// The parity result as JSON (stable keys) or a table.
struct ParityReport: Encodable {
  let assets: [String]
  let weights: [Double]
  let riskContributions: [Double]
  let budgets: [Double]
  let cappedAssets: [String]
  let budgetScale: Double
  let portfolioVolatility: Double
  let iterations: Int
  let matrixProducts: Int
  let residual: Double
  let tolerance: Double
  let converged: Bool
  let method: String
  let source: String

  init(assets: [String], solution: RiskBudgetingSolution<Double>, method: String, source: String) {
    self.assets = assets
    self.weights = solution.weights
    self.riskContributions = solution.relativeRiskContributions
    self.budgets = solution.budgets
    self.cappedAssets = solution.cappedAssets.map { assets[$0] }
    self.budgetScale = solution.budgetScale
    self.portfolioVolatility = solution.portfolioVolatility
    self.iterations = solution.convergence.iterations
    self.matrixProducts = solution.convergence.matrixProducts
    self.residual = solution.convergence.residual
    self.tolerance = solution.convergence.tolerance
    self.converged = solution.convergence.converged
    self.method = method
    self.source = source
  }

  /// `{"assets", "weights", "riskContributions" (fractions of σ_p, summing to 1),
  /// "portfolioVolatility", "iterations", "residual", "converged", …}`, keys sorted.
  func json() throws -> String {
    try ReportJSON.text(self)
  }

  func table() -> String {
    let width = max(10, (assets.map(\.count).max() ?? 0) + 2)
    func cell(_ s: String, _ w: Int) -> String {
      String(repeating: " ", count: max(0, w - s.count)) + s
    }
    var out = "Risk budgeting (\(method)) on \(source)\n"
    out +=
      "portfolio volatility: \(String(format: "%.6g", portfolioVolatility))   iterations: \(iterations)   "
    out +=
      "Σ products: \(matrixProducts)   residual: \(String(format: "%.2e", residual)) \(converged ? "≤" : ">") \(String(format: "%.0e", tolerance))\n"
    if !cappedAssets.isEmpty {
      out +=
        "capped: \(cappedAssets.joined(separator: ", "))   free assets' contributions = κ·budget, κ = \(String(format: "%.6f", budgetScale))\n"
    }
    out +=
      "\n" + cell("asset", width) + cell("weight", 12) + cell("risk share", 12) + cell("budget", 12)
      + "\n"
    for (i, name) in assets.enumerated() {
      out +=
        cell(name, width) + cell(String(format: "%.4f%%", 100 * weights[i]), 12)
        + cell(String(format: "%.4f%%", 100 * riskContributions[i]), 12)
        + cell(String(format: "%.4f%%", 100 * budgets[i]), 12) + "\n"
    }
    return out
  }
}
