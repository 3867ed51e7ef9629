internal import RealModule

/// A change of drift for importance sampling: the model's log-returns at the horizon,
/// `X = log(S(T)/S(0)) − (μ − σ²/2)T ~ N(0, TΣ)`, are drawn with mean
/// ```
/// δ = −θ TΣa / s,   s = √(T aᵀΣa)
/// ```
/// instead of 0: θ standard deviations of `aᵀX` in the direction that lowers it fastest. As a
/// constant change of drift (`μ + δ/T` at every step) the likelihood ratio of a whole path depends
/// on its horizon alone (Girsanov; Glasserman 2004, §4.6):
/// ```
/// w = dP/dQ = exp(θ aᵀX / s + θ²/2)
/// ```
/// which needs no inverse of Σ. Computed in Double; the shifted drifts are rounded to `Scalar`.
struct MeanShift: Sendable, Equatable {
  /// θ (0: no shift, every weight 1).
  let size: Double
  /// `δ/T` per asset.
  let driftShift: [Double]
  /// `aᵢ/s` per asset, the spots, and `Σᵢ (aᵢ/s)(μᵢ − σᵢ²/2)T`, so that
  /// `aᵀX/s = Σᵢ loadingᵢ · log(Sᵢ(T)/Sᵢ(0)) − centre` (log-returns, not log-prices, so the
  /// sum does not lose digits to large log-prices).
  let loadings: [Double]
  let spots: [Double]
  let centre: Double

  /// The shift of θ = `size` along `direction` (a); none when `aᵀΣa` is 0.
  init<Scalar: BLASScalar>(
    model: CorrelatedGBM<Scalar>, direction a: [Double], size theta: Double, horizon: Double
  ) {
    let d = model.dimension
    var covarianceTimesA = [Double](repeating: 0, count: d)
    for i in 0..<d {
      for j in 0..<d where a[j] != 0 {
        covarianceTimesA[i] +=
          Double(model.volatility[i]) * Double(model.volatility[j])
          * Double(model.correlation[i, j]) * a[j]
      }
    }
    let variance = horizon * zip(a, covarianceTimesA).reduce(0) { $0 + $1.0 * $1.1 }
    let s = variance.squareRoot()
    guard theta > 0, variance > 0, s.isFinite else {
      (size, driftShift, loadings, spots, centre) = (
        0, [Double](repeating: 0, count: d), [], [], 0
      )
      return
    }
    size = theta
    driftShift = covarianceTimesA.map { -theta * $0 / s }
    loadings = a.map { $0 / s }
    spots = model.spot.map { Double($0) }
    var centre = 0.0
    for i in 0..<d where loadings[i] != 0 {
      let sigma = Double(model.volatility[i])
      centre += loadings[i] * (Double(model.drift[i]) - sigma * sigma / 2) * horizon
    }
    self.centre = centre
  }

  /// The default θ that puts a threshold at the shifted mean: `(νT − ℓ)/s`, clamped to
  /// [0, 10], with `νT = Σ aᵢ(μᵢ − σᵢ²/2)T` the linearised log-value's mean, ℓ the threshold's
  /// log-distance along a (`ln(B/S₀)` for a fall, its negative for a rise with a = −eᵢ) and
  /// `s = √(T aᵀΣa)`; 0 when s is.
  static func size<Scalar: BLASScalar>(
    reaching distance: Double, model: CorrelatedGBM<Scalar>, direction a: [Double],
    horizon: Double
  ) -> Double {
    var (drift, variance) = (0.0, 0.0)
    for i in a.indices where a[i] != 0 {
      let sigma = Double(model.volatility[i])
      drift += a[i] * (Double(model.drift[i]) - sigma * sigma / 2) * horizon
      for j in a.indices where a[j] != 0 {
        variance +=
          a[i] * a[j] * sigma * Double(model.volatility[j]) * Double(model.correlation[i, j])
      }
    }
    let s = (variance * horizon).squareRoot()
    guard s > 0, s.isFinite else { return 0 }
    return Swift.min(10, Swift.max(0, (drift - distance) / s))
  }

  /// The model with the drifts raised by `driftShift`.
  func shifted<Scalar: BLASScalar>(_ model: CorrelatedGBM<Scalar>) throws(RiskKernelsError)
    -> CorrelatedGBM<Scalar>
  {
    try CorrelatedGBM(
      assets: model.assets, spot: model.spot,
      drift: (0..<model.dimension).map { model.drift[$0] + Scalar(driftShift[$0]) },
      volatility: model.volatility, correlation: model.correlation)
  }

  /// The scores `aᵀX/s = Σᵢ (aᵢ/s) log(Sᵢ(T)/Sᵢ(0)) − centre` of a run's kept terminal prices
  /// (N × d, column-major), column by column through spans with SLEEF's vector log: N·d logs,
  /// most of a small run's cost otherwise. Only with a shift (`size > 0`).
  func scores<Scalar: BLASScalar>(ofTerminalPrices prices: Matrix<Scalar>) -> [Double] {
    let n = prices.rows
    let storage = prices.storage.span
    var score = [Double](repeating: -centre, count: n)
    var logs = [Double](repeating: 0, count: n)
    for i in loadings.indices where loadings[i] != 0 {
      do {
        let (inverseSpot, column) = (1 / spots[i], storage.extracting((i * n)..<((i + 1) * n)))
        var ratios = logs.mutableSpan
        for k in 0..<n { ratios[k] = Double(column[k]) * inverseSpot }
      }
      Double._vlog(&logs)
      let loading = loadings[i]
      var sums = score.mutableSpan
      let logSpan = logs.span
      for k in 0..<n { sums[k] += loading * logSpan[k] }
    }
    return score
  }

  /// The likelihood ratios `exp(θ·score + θ²/2)` of many scores, with SLEEF's vector exp.
  func weights(scores: [Double]) -> [Double] {
    var exponent = scores
    do {
      var e = exponent.mutableSpan
      for k in 0..<e.count { e[k] = size * e[k] + size * size / 2 }
    }
    Double._vexp(&exponent)
    return exponent
  }

  /// w from `aᵀX/s`.
  func weight(score: Double) -> Double {
    size > 0 ? Double.exp(size * score + size * size / 2) : 1
  }

  /// w of a path from its terminal prices.
  func weight(terminalPrice: (_ asset: Int) -> Double) -> Double {
    guard size > 0 else { return 1 }
    var score = -centre
    for i in loadings.indices where loadings[i] != 0 {
      score += loadings[i] * Double.log(terminalPrice(i) / spots[i])
    }
    return weight(score: score)
  }
}
