/// Ledoit-Wolf shrinkage toward the constant-correlation matrix ("Honey, I shrunk the sample
/// covariance matrix").
///
/// With `X` (T × n) centred and `S = XᵀX/T` (**1/T**, as the paper's code), `sᵢ = √Sᵢᵢ`,
/// `r̄ = (Σ_{i≠j} Sᵢⱼ/(sᵢsⱼ)) / (n(n−1))`, target `Fᵢᵢ = Sᵢᵢ`, `Fᵢⱼ = r̄ sᵢ sⱼ`:
/// ```
/// π̂  = Σᵢⱼ πᵢⱼ,   πᵢⱼ = (1/T) Σₜ xₜᵢ² xₜⱼ² − Sᵢⱼ²
/// θᵢⱼ = (1/T) Σₜ xₜᵢ³ xₜⱼ − Sᵢᵢ Sᵢⱼ                    (i ≠ j)
/// ρ̂  = Σᵢ πᵢᵢ + r̄ Σ_{i≠j} (sⱼ/sᵢ) θᵢⱼ
/// γ̂  = ‖S − F‖²_F,   κ = (π̂ − ρ̂)/γ̂,   δ = max(0, min(1, κ/T))
/// Σ_CC = δ F + (1 − δ) S
/// ```
/// Costs three O(T·n²) products (S, the squares' Gram matrix, and X³ᵀX). Source: O. Ledoit &
/// M. Wolf, "Honey, I shrunk the sample covariance matrix", *J. Portfolio Management* 30(4):
/// 110–119, 2004, and its published MATLAB code `covCor.m`.
///
/// Tested against: an independent NumPy transcription of `covCor.m` on the fixtures in
/// `covariance/`; δ ∈ [0, 1]; symmetry and PSD; the target's constant correlation.
public struct ConstantCorrelationShrinkage: CovarianceEstimator, Equatable {
  /// The estimator (it has no settings).
  public init() {}

  /// The estimate shrunk toward constant correlation, of the columns of `returns`.
  ///
  /// - Throws: `.insufficientData` for fewer than 2 assets or 2 observations;
  ///   `.nonFiniteInput`; `.parameterOutOfRange` for an asset with zero variance (its correlation
  ///   is undefined).
  /// - Complexity: O(T·n²) (three BLAS-3 products).
  @specialized(where T == Double)
  @specialized(where T == Float)
  public func estimate<T: BLASScalar>(
    from returns: Matrix<T>
  ) throws(RiskKernelsError) -> CovarianceEstimate<T> {
    try checkReturns(returns, minimumRows: 2)
    guard returns.columns >= 2 else {
      throw .insufficientData(argument: "returns (assets)", required: 2, actual: returns.columns)
    }
    let (t, n) = (returns.rows, returns.columns)
    let mean = columnMeans(returns)
    let x = returns.centred(on: mean)
    let s = try x.gram(scaledBy: 1 / T(t))
    let variances = s.diagonal
    for (i, v) in variances.enumerated() where !(v > 0) {
      throw .parameterOutOfRange(name: "variance of asset \(i)", value: Double(v), allowed: "> 0")
    }
    let sd = variances.map { $0.squareRoot() }
    var correlationSum: T = 0
    for j in 0..<n {
      for i in 0..<n where i != j { correlationSum += s[i, j] / (sd[i] * sd[j]) }
    }
    let rBar = correlationSum / T(n * (n - 1))
    var target = s
    for j in 0..<n {
      for i in 0..<n where i != j { target[i, j] = rBar * sd[i] * sd[j] }
    }
    // π: Gram of the squares over T, minus S∘S.
    var squares = x
    var cubes = x
    for k in 0..<x.storage.count {
      let v = x.storage[k]
      squares.storage[k] = v * v
      cubes.storage[k] = v * v * v
    }
    let squaresGram = try squares.gram(scaledBy: 1 / T(t))
    var cubesCross = try Matrix<T>(rows: n, columns: n)
    try T._gemm(cubes, .transpose, x, .noTranspose, alpha: 1 / T(t), beta: 0, into: &cubesCross)
    var piHat: T = 0
    var piDiagonal: T = 0
    var rhoOffDiagonal: T = 0
    var gammaHat: T = 0
    for j in 0..<n {
      for i in 0..<n {
        let sij = s[i, j]
        let pi = squaresGram[i, j] - sij * sij
        piHat += pi
        if i == j {
          piDiagonal += pi
        } else {
          let theta = cubesCross[i, j] - variances[i] * sij
          rhoOffDiagonal += (sd[j] / sd[i]) * theta
        }
        let gap = sij - target[i, j]
        gammaHat += gap * gap
      }
    }
    let rhoHat = piDiagonal + rBar * rhoOffDiagonal
    let shrinkage: T
    if gammaHat == 0 {
      shrinkage = 0  // S already has constant correlation: nothing to shrink
    } else {
      let kappa = (piHat - rhoHat) / gammaHat
      shrinkage = Swift.max(0, Swift.min(1, kappa / T(t)))
    }
    var covariance = s.blended(toward: target, by: shrinkage)
    covariance.symmetrize()
    return CovarianceEstimate(
      covariance: covariance, mean: mean, observationCount: t, shrinkage: shrinkage)
  }
}

/// The constant-correlation shrinkage covariance of `returns`; see
/// `ConstantCorrelationShrinkage`.
public func constantCorrelationCovariance<T: BLASScalar>(
  _ returns: Matrix<T>
) throws(RiskKernelsError) -> CovarianceEstimate<T> {
  try ConstantCorrelationShrinkage().estimate(from: returns)
}
