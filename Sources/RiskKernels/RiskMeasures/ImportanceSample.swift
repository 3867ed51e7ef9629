internal import RealModule

/// A portfolio's simulated returns with their likelihood ratios (`PortfolioImportanceSampling`):
/// one run serves the tail risk at several confidence levels, tail probabilities and the
/// weights' own diagnostics.
public struct ImportanceSample<Scalar: BLASScalar>: Sendable {
  /// Path k's portfolio return `(V_T − V₀)/V₀`.
  public let returns: [Scalar]
  /// Path k's likelihood ratio `wₖ = dP/dQ` (mean 1 under the sampling distribution). The
  /// estimates (`tailRisk`, `probability(atOrBelow:)`) also weigh each path by its post-stratum's
  /// factor; `EmpiricalVaR(confidence: c).measure(returns, weights: weights)` gives the
  /// unstratified figures.
  public let weights: [Double]
  /// The run's terminal prices (N × d) and what turns them into per-asset contributions
  /// `hᵢ(Sᵢ − Sᵢ(0))/V₀`, for the Euler components.
  let prices: Matrix<Scalar>
  let spot: [Scalar]
  let scale: [Scalar]
  /// The paths by ascending return (`EmpiricalVaR.ascendingOrder`), sorted once for every
  /// confidence level asked of the sample.
  let order: [Int]
  /// The post-strata on the linearised return (`nil`: none), and each path's weight times its
  /// stratum's factor `c_h·wₖ`, which every estimate uses.
  let stratification: PostStratification?
  let estimateWeights: [Double]

  init(
    returns: [Scalar], weights: [Double], stratification: PostStratification? = nil,
    prices: Matrix<Scalar>, spot: [Scalar], scale: [Scalar]
  ) {
    self.order = EmpiricalVaR.ascendingOrder(returns)
    self.stratification = stratification
    if let stratification {
      estimateWeights = weights.indices.map {
        weights[$0] * stratification.factors[stratification.stratum[$0]]
      }
    } else {
      estimateWeights = weights
    }
    self.returns = returns
    self.weights = weights
    self.prices = prices
    self.spot = spot
    self.scale = scale
  }

  /// The sample mean of the weights and its standard error: 1 within a few standard errors for
  /// a sound shift (a check of the likelihood ratios, not an estimate of anything).
  public var meanWeight: MonteCarloEstimate { Self.mean(weights.lazy.map { $0 }, weights.count) }

  /// Kish's effective sample size `(Σw)² / Σw²`: how many unweighted paths the weights are worth
  /// for a mean over the whole sample (the tail gains, the body loses).
  public var effectiveSampleSize: Double {
    var (sum, squares) = (0.0, 0.0)
    for w in weights {
      sum += w
      squares += w * w
    }
    return squares > 0 ? sum * sum / squares : 0
  }

  /// The number of post-strata on the linearised return the estimates use (1: none;
  /// `PortfolioImportanceSampling.strata`).
  public var strata: Int { stratification?.sizes.count ?? 1 }

  /// `P(R ≤ x) = (1/N) Σ c_h wₖ 1{Rₖ ≤ x}` with its standard error (post-stratified as the
  /// tail risk is).
  public func probability(atOrBelow x: Scalar) -> MonteCarloEstimate {
    let sizes = stratification?.sizes ?? [returns.count]
    var (sums, squares) = (
      [Double](repeating: 0, count: sizes.count), [Double](repeating: 0, count: sizes.count)
    )
    var total = 0.0
    for k in returns.indices where returns[k] <= x {
      let (h, y) = (stratification?.stratum[k] ?? 0, estimateWeights[k])
      sums[h] += y
      squares[h] += y * y
      total += y
    }
    let variance = PostStratification.varianceOfMean(sizes: sizes, sums: sums, squares: squares)
    return MonteCarloEstimate(
      value: total / Double(returns.count), standardError: variance.squareRoot())
  }

  /// VaR and ES at `confidence` from the weighted sample
  /// (`EmpiricalVaR.measure(_:weights:)`'s rule), with Euler components and standard errors.
  ///
  /// - Throws: `.parameterOutOfRange` for a confidence outside `[0.5, 1)`.
  @specialized(where Scalar == Double)
  @specialized(where Scalar == Float)
  public func tailRisk(confidence: Double) throws(RiskKernelsError) -> TailRisk<Scalar> {
    // The returns and weights were checked finite (and the weights are exponentials) when the
    // sample was made.
    try checkConfidence(confidence)
    let n = returns.count
    return EmpiricalVaR.weightedAllocate(
      totals: returns, order: order, weights: estimateWeights, strata: stratification,
      assets: spot.count, confidence: confidence,
      contribution: { scale[$1] * (prices.storage[$0 + $1 * n] - spot[$1]) })
  }

  private static func mean<S: Sequence>(_ values: S, _ n: Int) -> MonteCarloEstimate
  where S.Element == Double {
    var (sum, squares) = (0.0, 0.0)
    for v in values {
      sum += v
      squares += v * v
    }
    return MonteCarloEstimate(sum: sum, squares: squares, count: n)
  }
}
