import ArgumentParser
import Foundation
import RiskKernels

/// The estimator a command uses when `--estimator` is not given: the sample covariance, except
/// for the report (`run`), which shrinks by default.
protocol DefaultEstimator {
  static var estimator: EstimatorChoice { get }
}

/// `--estimator sample` by default.
enum SampleByDefault: DefaultEstimator {
  static var estimator: EstimatorChoice { .sample }
}

/// `--estimator ledoit-wolf` by default.
enum LedoitWolfByDefault: DefaultEstimator {
  static var estimator: EstimatorChoice { .ledoitWolf }
}

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

/// A covariance from `estimator` on `d` assets that is not positive definite, as the input to
/// blame: `--decay` when an EWMA estimate weighs no more rows than there are assets (its
/// effective count `(1 + λ)/(1 − λ)`, Kish's for weights `λᵏ`), the price file otherwise, with
/// the way out.
func singularCovarianceError(
  _ estimator: any CovarianceEstimator, assets d: Int, file: String, message: String
) -> InputError {
  if let ewma = estimator as? EWMACovariance {
    let rows = (1 + ewma.decay) / (1 - ewma.decay)
    if rows <= Double(d) {
      return InputError(
        location: .flag("--decay"),
        message:
          "\(ewma.decay) weighs about \(String(format: "%.3g", rows)) rows ((1 + λ)/(1 − λ)), too few for \(d) assets: \(message); use a decay closer to 1"
      )
    }
  }
  return InputError(location: .file(file), message: message + singularCovarianceHint(estimator))
}
