import ArgumentParser
import RiskKernels

/// The options every command that estimates a covariance from prices shares, with one meaning
/// and one set of limits: `--prices FILE`, `--estimator`, `--decay`, `--histories`. Only the
/// estimator's default differs (`Default`).
struct EstimationOptions<Default: DefaultEstimator>: ParsableArguments {
  @Option(help: "CSV of prices (default: the bundled 4-stock example).")
  var prices: String?

  @Option(help: "Estimator: \(EstimatorChoice.allValueStrings.joined(separator: ", ")).")
  var estimator: EstimatorChoice = Default.estimator

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
    // `--histories stambaugh` combines the maximum-likelihood moments of each history, which
    // only the sample estimator gives.
    if histories == .stambaugh, estimator != .sample {
      throw ValidationError(
        "--histories: stambaugh combines only with --estimator sample (it is the likelihood's maximum over every history; a \(estimator.rawValue) estimate is not), got --estimator \(estimator.rawValue)"
      )
    }
  }

  /// The price file: `--prices` or the bundled example.
  var pricePath: String { prices ?? BundledData.examplePrices }

  /// The configured estimator.
  var covarianceEstimator: any CovarianceEstimator { estimator.make(decay: decay) }
}
