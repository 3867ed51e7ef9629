import ArgumentParser
import RiskKernels

/// `--sampler` of `var` and `run`: where the Monte Carlo VaR/ES's points come from.
///
/// - `pseudo`: pseudo-random paths (the `--variance-reduction` choices apply).
/// - `sobol`: randomized quasi-Monte Carlo — `--replicates` independent scramblings of a Sobol'
///   sequence (`RandomizedQMC`), the standard errors from their spread.
enum SamplerChoice: String, ExpressibleByArgument, CaseIterable, Codable {
  case pseudo
  case sobol

  static let help = "Monte Carlo points: pseudo (random) or sobol (randomized quasi-Monte Carlo)."
  static let replicatesHelp =
    "Independent scramblings with --sampler sobol (default 16); --paths must be a multiple."
  static let defaultReplicates = 16

  /// Throws unless the flags fit together: `--replicates` only with Sobol', in 2...1024, dividing
  /// `--paths`; Sobol' only without a variance reduction (named by `reductionFlag`); with a
  /// `confidence`, at least `RandomizedQMC.minimumTailPoints` tail points per scrambling.
  func check(
    replicates: Int?, paths: Int, varianceReduction: VarianceReductionChoice,
    reductionFlag: String = "--variance-reduction", confidence: Double? = nil
  ) throws {
    guard self == .sobol else {
      if replicates != nil {
        throw ValidationError("--replicates: only with --sampler sobol")
      }
      return
    }
    if varianceReduction != .none {
      let given =
        reductionFlag == "--variance-reduction"
        ? "--variance-reduction (\(varianceReduction.rawValue))" : reductionFlag
      throw ValidationError(
        "--sampler sobol: takes no \(given); the scramblings are the randomization")
    }
    let r = replicates ?? Self.defaultReplicates
    guard (2...1024).contains(r) else {
      throw ValidationError("--replicates: \(r) must be in 2...1024")
    }
    guard paths.isMultiple(of: r) else {
      throw ValidationError(
        "--paths: \(paths) must be a multiple of the \(r) replicates with --sampler sobol (\(r) × 2^m is best)"
      )
    }
    if let confidence {
      let needed = Int((RandomizedQMC.minimumTailPoints / (1 - confidence)).rounded(.up))
      guard paths / r >= needed else {
        throw ValidationError(
          "--paths: \(paths) gives \(paths / r) point\(paths / r == 1 ? "" : "s") per scrambling; the \(confidence) tail needs at least \(needed) (\(Int(RandomizedQMC.minimumTailPoints)) in the tail) with --sampler sobol"
        )
      }
    }
  }
}
