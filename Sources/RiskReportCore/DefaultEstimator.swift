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
