import Foundation
import RiskKernels

/// The user's stress scenarios (`--scenarios`): a JSON array
/// `[{"name": "...", "shocks": {"ASSET": -0.25, …}, "volatilityMultiplier": 2,
/// "correlationShift": 0.5}, …]`; every key but `name` optional, at least one of the other three
/// given. Unknown keys and assets are refused with the file and the field named.
struct StressScenarioFile {
  struct Scenario: Decodable {
    let name: String
    let shocks: [String: Double]?
    let volatilityMultiplier: Double?
    let correlationShift: Double?
  }

  /// Each scenario with its shocks per price-file asset (0 for an asset it does not name).
  let scenarios: [(scenario: Scenario, moves: [Double]?, stress: CovarianceStress?)]

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
    var names = Set<String>()
    var out: [(Scenario, [Double]?, CovarianceStress?)] = []
    for (k, s) in list.enumerated() {
      let name = "[\(k)]"
      guard !s.name.isEmpty, s.name.count <= 100,
        !s.name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }),
        names.insert(s.name).inserted
      else {
        throw field(
          "\(name).name",
          "must be a name of its own, 1 to 100 characters, without control characters")
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
      out.append((s, moves, stress))
    }
    scenarios = out
  }
}
