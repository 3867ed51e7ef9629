/// How many paths to draw, on what grid, from which numbers: a `Sendable` value.
public struct SimulationSettings: Sendable, Equatable {
  /// Number of paths N (≥ 1; even with antithetic variates).
  public var paths: Int
  /// Monitoring steps per path S (≥ 1); Δt = horizon / S.
  public var steps: Int
  /// Horizon T in years (> 0). For H days, `Horizon.days(H, daysPerYear:).years`.
  public var horizon: Double
  /// The seed: with the generator, it fixes every path (see `NormalGenerator`).
  public var seed: UInt64
  /// Antithetic variates: path 2j uses the normals z of stream j and path 2j+1 uses −z;
  /// estimates and standard errors are then over the N/2 pair averages.
  public var antithetic: Bool
  /// The normal generator.
  public var generator: NormalGenerator
  /// Worker threads (`nil`: one per core). OpenBLAS is pinned to one thread during the run,
  /// so the two never oversubscribe; results do not depend on this number.
  public var threads: Int?
  /// Paths per block (even, 2 … `groupPaths`; `nil`: chosen from d and S so a block's normals
  /// fill about 2 MB): each block's correlation step is one triangular product (TRMM) per chunk
  /// of steps and each exponentiation one SLEEF call. Results do not depend on it.
  public var blockPaths: Int?

  /// The settings as given; `PathSimulator.run` checks them before drawing.
  public init(
    paths: Int, steps: Int, horizon: Double, seed: UInt64, antithetic: Bool = false,
    generator: NormalGenerator = .philox, threads: Int? = nil, blockPaths: Int? = nil
  ) {
    self.paths = paths
    self.steps = steps
    self.horizon = horizon
    self.seed = seed
    self.antithetic = antithetic
    self.generator = generator
    self.threads = threads
    self.blockPaths = blockPaths
  }

  /// Paths per reduction group: each group is simulated by one thread in path order and its
  /// partial sums are merged in group order, so results do not depend on `threads` or
  /// `blockPaths`.
  public static var groupPaths: Int { 1024 }

  /// G, the run's number of reduction groups: `⌈paths / groupPaths⌉`.
  public var groupCount: Int {
    paths <= 0 ? 0 : paths / Self.groupPaths + (paths.isMultiple(of: Self.groupPaths) ? 0 : 1)
  }

  /// Part `part` of `parts` of the groups `0..<groupCount`, split as evenly as contiguous ranges
  /// allow: `⌊G·part/parts⌋ ..< ⌊G·(part+1)/parts⌋` (the split `riskreport-mpi` uses, rank by
  /// rank). A part is empty when there are more parts than groups.
  ///
  /// - Throws: `.parameterOutOfRange` unless `parts ≥ 1`, `0 ≤ part < parts` and
  ///   `groupCount ≥ 0`.
  public static func groups(part: Int, of parts: Int, groupCount: Int) throws(RiskKernelsError)
    -> Range<Int>
  {
    guard parts >= 1 else {
      throw .parameterOutOfRange(name: "parts", value: Double(parts), allowed: "≥ 1")
    }
    guard (0..<parts).contains(part) else {
      throw .parameterOutOfRange(name: "part", value: Double(part), allowed: "0..<\(parts)")
    }
    guard groupCount >= 0 else {
      throw .parameterOutOfRange(name: "groupCount", value: Double(groupCount), allowed: "≥ 0")
    }
    let (g, p) = (
      groupCount.multipliedFullWidth(by: part), groupCount.multipliedFullWidth(by: part + 1)
    )
    let lower = parts.dividingFullWidth((g.high, g.low)).quotient
    let upper = parts.dividingFullWidth((p.high, p.low)).quotient
    return lower..<upper
  }

  /// The largest `paths` and `steps` accepted (so no index arithmetic can overflow).
  public static var pathsLimit: Int { 1 << 48 }
  /// The largest `steps` accepted (2³²).
  public static var stepsLimit: Int { 1 << 32 }

  func validate() throws(RiskKernelsError) {
    guard paths >= 1, paths <= Self.pathsLimit else {
      throw .parameterOutOfRange(name: .paths, value: Double(paths), allowed: "1 … 2⁴⁸")
    }
    if antithetic, !paths.isMultiple(of: 2) {
      throw .parameterOutOfRange(
        name: .paths, value: Double(paths), allowed: "even with antithetic variates")
    }
    guard steps >= 1, steps <= Self.stepsLimit else {
      throw .parameterOutOfRange(name: .steps, value: Double(steps), allowed: "1 … 2³²")
    }
    guard horizon > 0, horizon.isFinite else {
      throw .parameterOutOfRange(name: .horizon, value: horizon, allowed: "> 0 years")
    }
    if let threads, !(1...1024).contains(threads) {
      throw .parameterOutOfRange(name: .threads, value: Double(threads), allowed: "1...1024")
    }
    if let blockPaths,
      !(blockPaths >= 2 && blockPaths.isMultiple(of: 2) && blockPaths <= Self.groupPaths)
    {
      throw .parameterOutOfRange(
        name: "blockPaths", value: Double(blockPaths),
        allowed: "even, 2...\(Self.groupPaths)")
    }
  }
}
