/// Where a simulation's standard normals come from.
///
/// Each is split into one stream per path, so path `k`'s numbers depend only on `(seed, k)`
/// and results are the same on any number of threads.
///
/// - `.philox` (default): counter-based Philox4x32-10 (Salmon et al., "Parallel random numbers:
///   as easy as 1, 2, 3", SC'11; Random123) with the Box-Muller transform. Normal `n` of path
///   `k` comes from the Philox block `b = n / 2`:
///   ```
///   counter = (b mod 2³², b div 2³², k mod 2³², k div 2³²),   key = (seed mod 2³², seed div 2³²)
///   u₁ = 2 − x ∈ (0, 1],  u₂ = y − 1 ∈ [0, 1)   (x, y ∈ [1, 2) from the top 52 bits of the
///                                                 64-bit words w₁w₀ and w₃w₂)
///   z[2b] = √(−2 ln u₁) cos 2πu₂,   z[2b + 1] = √(−2 ln u₁) sin 2πu₂
///   ```
///   Any normal is computable directly (random access), so the block size does not matter
///   either. Tails reach |z| ≤ √(104 ln 2) ≈ 8.49. AVX2 CPUs compute 16 blocks at a time with
///   SLEEF's vector log, sin and cos (3.5-ULP kernels); other CPUs use the scalar kernel, equal
///   to within a few ULP, so results are bit-identical on one machine but not across CPU types.
///   `Float` gets the `Double` numbers rounded, so both precisions simulate the same paths.
/// - `.mt19937`: GSL's Mersenne Twister (Matsumoto & Nishimura 1998) with GSL's ziggurat
///   normals; path `k`'s generator is seeded through its whole state from SplitMix64 of
///   `(seed, k)`. For users who need a classic generator; sequential, so slower to start per
///   path.
/// - `.sobol`: randomized quasi-Monte Carlo. Path `k` is point `k` of a scrambled Sobol' sequence
///   in S·d dimensions (`SobolSequence`, scrambled from `seed`), turned into normals by Φ⁻¹ and
///   into each asset's Brownian increments by the Brownian-bridge construction along the grid
///   (`BridgeConstruction`: the horizon first, then midpoints level by level, all assets at each
///   rank). S·d is at most `SobolSequence.maximumDimensions`. The paths are not independent:
///   a standard error comes from independent scramblings (`RandomizedQMC.run`), not
///   from one run's spread. Use a power of two paths per scrambling.
public enum NormalGenerator: String, Sendable, CaseIterable, Codable {
  /// Philox4x32-10 with Box–Muller (the default; random access, vectorised).
  case philox
  /// GSL's Mersenne Twister with the ziggurat, one generator per path.
  case mt19937
  /// Scrambled Sobol' points with Brownian-bridge construction (randomized QMC).
  case sobol
}

/// Standard normals `first ..< first + count` of path `path`'s stream: the numbers a simulation
/// with `seed` and `generator` uses for that path (step `s`, asset `i` is normal `s·d + i`).
///
/// - Throws: `.parameterOutOfRange` for a negative `count`, a window past the end of the stream
///   (`first + count > 2⁶⁴`) or, for mt19937, one starting at or beyond 2³² (the stream is
///   sequential: reaching `first` costs `first` draws); `.backend` if GSL cannot allocate;
///   `.environment` if `RISKKERNELS_ISA` names a level this CPU lacks.
public func standardNormals<T: BLASScalar>(
  count: Int, seed: UInt64, path: UInt64 = 0, first: UInt64 = 0,
  generator: NormalGenerator = .philox, as: T.Type = T.self
) throws(RiskKernelsError) -> [T] {
  guard count >= 0 else {
    throw .parameterOutOfRange(name: "count", value: Double(count), allowed: "≥ 0")
  }
  var out = [T](repeating: 0, count: count)
  try fillStandardNormals(&out, seed: seed, path: path, first: first, generator: generator)
  return out
}

/// Overwrites `buffer` with normals `first ..< first + buffer.count` of path `path`'s stream,
/// reusing its storage (the allocation-free form of `standardNormals`).
///
/// - Throws: as `standardNormals`.
public func fillStandardNormals<T: BLASScalar>(
  _ buffer: inout [T], seed: UInt64, path: UInt64 = 0, first: UInt64 = 0,
  generator: NormalGenerator = .philox
) throws(RiskKernelsError) {
  try Backend.checkVectorLevel()
  let (_, overflow) = first.addingReportingOverflow(UInt64(buffer.count))
  guard !overflow else {
    throw .parameterOutOfRange(name: "first", value: Double(first), allowed: "first + count ≤ 2⁶⁴")
  }
  if generator == .sobol {
    throw .parameterOutOfRange(
      name: "generator", value: 2,
      allowed: "philox or mt19937 (Sobol' normals depend on the grid: use a PathSimulator)")
  }
  if generator == .mt19937, first >= 1 << 32 {
    throw .parameterOutOfRange(name: "first", value: Double(first), allowed: "< 2³² for mt19937")
  }
  var stream = try NormalStream<T>(generator: generator, seed: seed, slots: 1)
  stream.fill(slot: 0, path: path, first: first, into: &buffer, 0..<buffer.count)
}

/// The per-thread source of normals: stateless for Philox; for mt19937 one generator per path
/// slot of a block, so a path's stream continues across step chunks; for Sobol' a path's S·d
/// normals computed whole (the bridge needs them all) and served by windows.
struct NormalStream<Scalar: BLASScalar> {
  let generator: NormalGenerator
  let seed: UInt64
  private var twisters: [GSLMersenneTwister] = []
  private var positions: [(path: UInt64, next: UInt64)?] = []
  private var doubles: [Double] = []
  private var sobol: SobolSequence?
  private var bridge: BridgeConstruction?
  private var assets = 0
  /// The Sobol' path whose increments `doubles` holds, and the bridge's scratch.
  private var sobolPath: UInt64?
  /// The digits of the last Sobol' point drawn, and its index: the next path's are one XOR away.
  private var pointDigits: [UInt64] = []
  private var digitsPoint: UInt64?
  private var uniforms: [Double] = []
  private var bridgePath: [Double] = []

  /// - Parameters:
  ///   - steps: S, and `assets`: d — the grid of the Sobol' paths (ignored by the others).
  /// - Throws: `.parameterOutOfRange` for Sobol' with S·d above
  ///   `SobolSequence.maximumDimensions`; `.backend` if GSL cannot allocate a generator.
  ///   - sequence: the run's scrambled Sobol' sequence, built once per run and shared by its
  ///     threads (`makeSobol`); built here when `nil`.
  init(
    generator: NormalGenerator, seed: UInt64, slots: Int, steps: Int = 1, assets: Int = 1,
    sequence: SobolSequence? = nil
  ) throws(RiskKernelsError) {
    self.generator = generator
    self.seed = seed
    if generator == .mt19937 {
      for _ in 0..<slots { twisters.append(try GSLMersenneTwister()) }
      positions = Array(repeating: nil, count: slots)
    }
    if generator == .sobol {
      let (dimensions, overflow) = steps.multipliedReportingOverflow(by: assets)
      guard !overflow, dimensions <= SobolSequence.maximumDimensions else {
        throw .parameterOutOfRange(
          name: "steps × assets", value: Double(steps) * Double(assets),
          allowed: "≤ \(SobolSequence.maximumDimensions) with Sobol' points")
      }
      if let sequence {
        sobol = sequence
      } else {
        sobol = try SobolSequence(dimensions: dimensions, scramble: seed)
      }
      bridge = BridgeConstruction(steps: steps)
      self.assets = assets
      doubles = Array(repeating: 0, count: dimensions)
      uniforms = Array(repeating: 0, count: dimensions)
      pointDigits = Array(repeating: 0, count: dimensions)
      bridgePath = Array(repeating: 0, count: (steps + 1) * assets)
    }
  }

  /// `x[range]` = normals `first ..< first + range.count` of `path`. For mt19937, `slot` names
  /// the generator that carries the path; consecutive calls for a path continue its stream.
  mutating func fill(
    slot: Int, path: UInt64, first: UInt64, into x: inout [Scalar], _ range: Range<Int>
  ) {
    switch generator {
    case .philox:
      Scalar._philoxNormals(seed: seed, path: path, first: first, into: &x, range, _LibraryOnly())
    case .mt19937:
      let twister = twisters[slot]
      if let position = positions[slot], position.path == path, position.next <= first {
        skip(twister, first - position.next)
      } else {
        twister.seed(Self.pathSeed(seed, path))
        skip(twister, first)
      }
      if doubles.count < range.count { doubles = Array(repeating: 0, count: range.count) }
      twister.fill(&doubles, 0..<range.count)
      for (j, i) in range.enumerated() { x[i] = Scalar(doubles[j]) }
      positions[slot] = (path, first + UInt64(range.count))
    case .sobol:
      if sobolPath != path {
        sobol!.digits(
          point: path, into: &pointDigits, followsPrevious: digitsPoint.map { $0 &+ 1 } == path)
        digitsPoint = path
        for c in uniforms.indices {
          uniforms[c] = GSLNormal.quantile(inside: SobolSequence.uniform(pointDigits[c]))
        }
        bridge!.increments(from: uniforms, assets: assets, path: &bridgePath, into: &doubles)
        sobolPath = path
      }
      for (j, i) in range.enumerated() { x[i] = Scalar(doubles[Int(first) + j]) }
    }
  }

  private mutating func skip(_ twister: GSLMersenneTwister, _ count: UInt64) {
    var left = count
    while left > 0 {
      let take = Int(Swift.min(left, 4096))
      if doubles.count < take { doubles = Array(repeating: 0, count: take) }
      twister.fill(&doubles, 0..<take)
      left -= UInt64(take)
    }
  }

  /// The scrambled sequence of a Sobol' run of `steps` × `assets` dimensions (`nil` for the
  /// other generators), to build once and hand to every thread's stream: the scramble costs
  /// 64 parities per direction number and dimension.
  static func makeSobol(
    generator: NormalGenerator, seed: UInt64, steps: Int, assets: Int
  ) throws(RiskKernelsError) -> SobolSequence? {
    guard generator == .sobol else { return nil }
    let (dimensions, overflow) = steps.multipliedReportingOverflow(by: assets)
    guard !overflow, dimensions <= SobolSequence.maximumDimensions else {
      throw .parameterOutOfRange(
        name: "steps × assets", value: Double(steps) * Double(assets),
        allowed: "≤ \(SobolSequence.maximumDimensions) with Sobol' points")
    }
    return try SobolSequence(dimensions: dimensions, scramble: seed)
  }

  /// SplitMix64's finaliser of the seed, xor the path: distinct paths get distinct seeds.
  static func pathSeed(_ seed: UInt64, _ path: UInt64) -> UInt64 {
    var z = seed &+ 0x9E37_79B9_7F4A_7C15
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return (z ^ (z >> 31)) ^ path
  }
}
