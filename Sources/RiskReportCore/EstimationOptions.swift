import ArgumentParser
import RiskKernels

/// The options every command that estimates a covariance from prices shares:
/// `--prices FILE`, `--estimator`, `--decay`, `--histories`.
struct EstimationOptions: ParsableArguments {
  @Option(help: "CSV of prices (default: the bundled 4-stock example).")
  var prices: String?

  @Option(help: "Estimator: \(EstimatorChoice.allValueStrings.joined(separator: ", ")).")
  var estimator: EstimatorChoice = .sample

  @Option(parsing: .unconditional, help: "EWMA decay λ in (0, 1) (ewma only).")
  var decay: Double = 0.94

  @Option(
    help: ArgumentHelp(
      "Assets with different history lengths: complete (rows where all are priced) or stambaugh.",
      discussion:
        "stambaugh uses each asset's whole history (Stambaugh 1997), with --estimator sample only."
    ))
  var histories: HistoriesChoice = .complete

  func validate() throws {
    guard decay > 0, decay < 1 else {
      throw ValidationError("--decay: \(decay) is out of range (0 < decay < 1)")
    }
    try Self.checkHistories(histories, estimator: estimator)
  }

  /// `--histories stambaugh` combines the maximum-likelihood moments of each history, which only
  /// the sample estimator gives.
  static func checkHistories(_ histories: HistoriesChoice, estimator: EstimatorChoice) throws {
    guard histories == .stambaugh, estimator != .sample else { return }
    throw ValidationError(
      "--histories: stambaugh combines only with --estimator sample (it is the likelihood's maximum over every history; a \(estimator.rawValue) estimate is not), got --estimator \(estimator.rawValue)"
    )
  }

  /// The price file: `--prices` or the bundled example.
  var pricePath: String { prices ?? BundledData.examplePrices }

  /// The configured estimator.
  var covarianceEstimator: any CovarianceEstimator { estimator.make(decay: decay) }
}

/// The way out to add to an error that a covariance from `estimator` is not positive definite:
/// the sample and EWMA estimates are singular with fewer returns than assets or with exactly
/// collinear assets, and a shrinkage estimate is not; a shrinkage estimate that still is needs
/// more rows.
func singularCovarianceHint(_ estimator: any CovarianceEstimator) -> String {
  if estimator is SampleCovariance || estimator is EWMACovariance {
    return
      " (the estimated covariance is singular: fewer returns than assets, or exactly collinear assets; give more rows or use --estimator ledoit-wolf)"
  }
  return " (the estimated covariance is singular: give more rows than assets)"
}
