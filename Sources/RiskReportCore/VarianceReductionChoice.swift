import ArgumentParser
import RiskKernels

/// `--variance-reduction` of `var` and `run`: how the Monte Carlo VaR/ES draws its paths.
///
/// - `none`: plain pseudo-random paths (`MonteCarloVaR.measure(model:holdings:settings:progress:scratch:)`).
/// - `importance`: normals shifted toward the portfolio's losses, weighted by their likelihood
///   ratios and post-stratified on the linearised return (`PortfolioImportanceSampling`); the
///   same paths' count, a much smaller standard error in the tail.
/// - `antithetic`: paths in pairs (z, −z) (`SimulationSettings.antithetic`); `--paths` even.
enum VarianceReductionChoice: String, ExpressibleByArgument, CaseIterable, Codable {
  case none
  case importance
  case antithetic

  static let help = "Monte Carlo variance reduction: none, importance or antithetic."

  /// Values kept per path beyond the plain run's, for `RunSize` (importance keeps the terminal
  /// prices, then each path's return, likelihood ratio, score, its log and exponential, rank
  /// (sorted as a pair), strata (fine and merged), post-stratified weight and cumulative weight).
  func extraValuesPerPath(assets d: Int) -> Int { self == .importance ? d + 11 : 0 }

  /// Throws unless `paths` suits this choice (even, for antithetic pairs).
  func check(paths: Int) throws {
    if self == .antithetic, !paths.isMultiple(of: 2) {
      throw ValidationError("--paths: \(paths) must be even with --variance-reduction antithetic")
    }
  }
}
