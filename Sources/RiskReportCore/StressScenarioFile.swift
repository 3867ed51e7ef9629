import Foundation
import RiskKernels

/// The user's stress scenarios (`--scenarios`): a JSON array
/// `[{"name": "...", "shocks": {"ASSET": -0.25, …}, "volatilityMultiplier": 2,
/// "correlationShift": 0.5}, …]`; every key optional (a scenario without a `name` is called
/// `scenario k`, 1-based), at least one of the last three given. Unknown keys and assets are refused with the file and the field named.
struct StressScenarioFile {
  struct Scenario: Decodable {
    let name: String?
    let shocks: [String: Double]?
    let volatilityMultiplier: Double?
    let correlationShift: Double?
  }

  /// Each scenario's name, its shocks per price-file asset (0 for an asset it does not name) and
  /// its covariance stress.
  let scenarios: [(name: String, moves: [Double]?, stress: CovarianceStress?)]

  static let maximumScenarios = 10_000

  init(path: String, assets: [String]) throws(InputError) {
    let list = try StrictJSON.decode(
      [Scenario].self, path: path,
      schema: .array(
        .object([
          "name": .scalar, "shocks": .map(.scalar), "volatilityMultiplier": .scalar,
          "correlationShift": .scalar,
        ])))
    func field(_ name: String, _ message: String) -> InputError {
      InputError(location: .file(path), message: "\(name): \(message)")
    }
    guard !list.isEmpty else { throw field("top level", "no scenarios") }
    guard list.count <= Self.maximumScenarios else {
      throw field("top level", "\(list.count) scenarios; at most \(Self.maximumScenarios)")
    }
    var out: [(String, [Double]?, CovarianceStress?)] = []
    for (k, s) in list.enumerated() {
      let name = "[\(k)]"
      let title = s.name ?? "scenario \(k + 1)"
      guard !title.isEmpty, title.count <= 100,
        !title.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
      else {
        throw field("\(name).name", "must be 1 to 100 characters, without control characters")
      }
      if let other = out.firstIndex(where: { $0.0 == title }) {
        throw field("\(name).name", "\(title) is also [\(other)].name")
      }
      guard !Self.builtInNames(assets: assets).contains(title) else {
        throw field("\(name).name", "\(title) is the name of a built-in scenario")
      }
      guard s.shocks != nil || s.volatilityMultiplier != nil || s.correlationShift != nil else {
        throw field(name, "gives no shocks, volatilityMultiplier or correlationShift")
      }
      var moves: [Double]?
      if let shocks = s.shocks {
        var m = [Double](repeating: 0, count: assets.count)
        for (asset, move) in shocks.sorted(by: { $0.key < $1.key }) {
          guard let i = assets.firstIndex(of: asset) else {
            throw field(
              "\(name).shocks.\(asset)",
              "no such asset in the prices (\(assets.joined(separator: ", ")))")
          }
          guard move > -1, move <= 100 else {
            throw field("\(name).shocks.\(asset)", "\(move) must be in (-1, 100] (a relative move)")
          }
          m[i] = move
        }
        moves = m
      }
      var stress: CovarianceStress?
      if let k = s.volatilityMultiplier, !(k >= 0.01) {
        throw field(
          "\(name).volatilityMultiplier",
          "\(k) is out of range (at least 0.01: less leaves no risk to measure)")
      }
      if s.volatilityMultiplier != nil || s.correlationShift != nil {
        do {
          stress = try CovarianceStress(
            volatilityMultiplier: s.volatilityMultiplier ?? 1,
            correlationShift: s.correlationShift ?? 0)
        } catch {
          guard case .parameterOutOfRange(let parameter, let value, let allowed) = error else {
            throw field(name, "\(error)")
          }
          throw field("\(name).\(parameter)", "\(value) is out of range (\(allowed))")
        }
      }
      out.append((title, moves, stress))
    }
    scenarios = out
  }

  /// The built-in scenarios' names (`StressAnalysis`), which a user scenario may not take.
  static func builtInNames(assets: [String]) -> Set<String> {
    var names = Set(
      StressAnalysis.shockSizes.flatMap { size in
        assets.map { "\($0) \(StressAnalysis.percent(size))" } + [
          "all \(StressAnalysis.percent(size))"
        ]
      })
    for k in StressAnalysis.volatilityMultipliers { names.insert(StressAnalysis.volatilityName(k)) }
    names.insert(StressAnalysis.correlationName)
    return names
  }
}
