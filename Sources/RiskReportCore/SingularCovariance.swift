import Foundation
import RiskKernels

/// The way out to add to an error that a covariance from `estimator` is not positive definite:
/// the sample and EWMA estimates are singular with fewer returns than assets or with exactly
/// collinear assets, and a shrinkage estimate is not; a shrinkage estimate that still is needs
/// more rows.
private func singularCovarianceHint(_ estimator: any CovarianceEstimator) -> String {
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
