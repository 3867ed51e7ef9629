/// A Monte Carlo estimate of an expectation with its standard error `s/√n` (`s` the sample
/// standard deviation over the `n` independent samples: paths, or antithetic pairs).
public struct MonteCarloEstimate: Sendable, Equatable, Codable {
  /// The estimate: a sample mean.
  public var value: Double
  /// Its standard error `s/√n` (NaN with fewer than two samples).
  public var standardError: Double

  /// An estimate and its standard error.
  public init(value: Double, standardError: Double) {
    self.value = value
    self.standardError = standardError
  }

  /// The sample mean of n values from their sum and sum of squares, with `s/√n` (NaN for
  /// n < 2). For bounded or moderate values (probabilities, likelihood ratios); sums merged
  /// from far-apart means go through `MomentAccumulator` instead.
  init(sum: Double, squares: Double, count n: Int) {
    let count = Double(Swift.max(1, n))
    let mean = n > 0 ? sum / count : 0
    guard n > 1 else {
      self.init(value: mean, standardError: .nan)
      return
    }
    let variance = Swift.max(0, squares - count * mean * mean) / (count - 1)
    self.init(value: mean, standardError: (variance / count).squareRoot())
  }
}

/// Mean and sum of squared deviations of a set of samples (from `ShiftedSums`); two
/// accumulators merge by Chan, Golub & LeVeque's formula (1979). Merging in a fixed order makes the result independent of
/// how the samples were split between threads.
struct MomentAccumulator: Sendable {
  private(set) var count: Double = 0
  private(set) var mean: Double = 0
  private(set) var squaredDeviations: Double = 0

  init() {}

  init(count: Double, mean: Double, squaredDeviations: Double) {
    self.count = count
    self.mean = mean
    self.squaredDeviations = squaredDeviations
  }

  /// `left` merged with `right`, in that order (the merge tree's step).
  static func merged(_ left: MomentAccumulator, _ right: MomentAccumulator) -> MomentAccumulator {
    var out = left
    out.merge(right)
    return out
  }

  mutating func merge(_ other: MomentAccumulator) {
    guard other.count > 0 else { return }
    guard count > 0 else {
      self = other
      return
    }
    let total = count + other.count
    let delta = other.mean - mean
    mean += delta * other.count / total
    squaredDeviations += other.squaredDeviations + delta * delta * count * other.count / total
    count = total
  }

  var estimate: MonteCarloEstimate {
    guard count > 1 else { return MonteCarloEstimate(value: mean, standardError: .nan) }
    let variance = Swift.max(squaredDeviations, 0) / (count - 1)
    return MonteCarloEstimate(value: mean, standardError: (variance / count).squareRoot())
  }
}
