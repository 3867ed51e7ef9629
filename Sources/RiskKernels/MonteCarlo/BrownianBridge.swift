// The Brownian-bridge crossing probability between two monitoring dates.
internal import RealModule

/// The probability that a Brownian motion with volatility `σ` crosses a barrier between two
/// monitoring dates `Δt` apart, given that it sits at log-distances `a` and `c` from the barrier
/// at the two dates (both on the same side, so `a·c > 0`):
/// ```
/// p = exp(−2·a·c / (σ²Δt))
/// ```
/// The drift does not matter given both end points. Returns 1 when the barrier is touched or
/// crossed at a monitoring date (`a·c ≤ 0`).
///
/// Source: the reflection principle for the Brownian bridge (e.g. Glasserman, *Monte Carlo
/// Methods in Financial Engineering*, 2004, §6.4; Beaglehole, Dybvig & Zhou 1997).
public func brownianBridgeCrossingProbability<T: BLASScalar>(
  logDistances a: T, _ c: T, volatility sigma: T, interval dt: T
) -> T {
  guard a * c > 0 else { return 1 }
  let exponent = -2 * a * c / (sigma * sigma * dt)
  // Below the smallest normal's log, exp underflows (to 0 or a subnormal, which 1 − p cannot
  // tell from 0) through libm's slow error path: return 0 directly.
  guard exponent > T(Int(T.leastNormalMagnitude.exponent)) * T.log(2) else { return 0 }
  return T.exp(exponent)
}
