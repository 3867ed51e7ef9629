/// The mean of a sample and the sums of its deviations' powers, accumulated in `Double` in the
/// sample's order: `x̄ = Σxᵢ/n`, `Sₖ = Σ(xᵢ − x̄)ᵏ` for k = 2, 3, 4 (two passes, so the deviations
/// are exact to rounding; Chan, Golub & LeVeque 1983). The sample VaR methods' moments.
struct CentralMoments {
  let count: Int
  let mean: Double
  let squares: Double
  let cubes: Double
  let fourthPowers: Double

  init<T: BLASScalar>(_ values: [T]) {
    let n = Double(values.count)
    let mean = values.reduce(0.0) { $0 + Double($1) } / n
    var (s2, s3, s4) = (0.0, 0.0, 0.0)
    for x in values {
      let d = Double(x) - mean
      let d2 = d * d
      s2 += d2
      s3 += d2 * d
      s4 += d2 * d2
    }
    (count, self.mean, squares, cubes, fourthPowers) = (values.count, mean, s2, s3, s4)
  }
}
