/// The parameter a `RiskKernelsError.parameterOutOfRange` names, as a typed key: one of the
/// library's settings that a caller maps to its own inputs (a command line maps `.paths` to
/// `--paths` and `.model` to its model file), or any other name, with the element's index for an
/// entry of an array (`model[2]`, `budgets[3]`).
///
/// ```swift
/// do { try settings.validate() } catch {
///   if case .parameterOutOfRange(let name, _, _) = error, name == .paths { … }  // --paths
///   if case .parameterOutOfRange(let name, _, _) = error, name.isElement(of: .model) { … }
/// }
/// ```
/// Two names are equal when they print the same, so a string literal or interpolation compares
/// as before: `name == "tolerance"`, `name == "model[2]"`.
public struct ParameterName: Hashable, Sendable, CustomStringConvertible,
  ExpressibleByStringInterpolation
{
  /// The name without its element index (`model` for `model[2]`).
  public let base: String
  /// The element's index, for an entry of an array parameter.
  public let index: Int?

  /// The parameter `base`, or its element `index`.
  public init(_ base: String, index: Int? = nil) {
    self.base = base
    self.index = index
  }

  /// The parameter named by a string literal (no index).
  public init(stringLiteral value: String) { self.init(value) }

  /// The parameter named by an interpolated string (no index).
  public init(stringInterpolation: DefaultStringInterpolation) {
    self.init(String(stringInterpolation: stringInterpolation))
  }

  /// `base`, or `base[index]`.
  public var description: String { index.map { "\(base)[\($0)]" } ?? base }

  /// Whether the two print the same.
  public static func == (left: ParameterName, right: ParameterName) -> Bool {
    left.description == right.description
  }

  /// Hashes the printed name.
  public func hash(into hasher: inout Hasher) { hasher.combine(description) }

  /// Element `i` of this parameter.
  public func element(_ i: Int) -> ParameterName { ParameterName(base, index: i) }

  /// Whether this is an element of `array` (`model[2]` of `.model`).
  public func isElement(of array: ParameterName) -> Bool {
    index != nil && base == array.base && array.index == nil
  }
}

extension ParameterName {
  /// `SimulationSettings.paths`, and the path counts of other simulations.
  public static var paths: ParameterName { "paths" }
  /// `SimulationSettings.steps`.
  public static var steps: ParameterName { "steps" }
  /// A horizon (`SimulationSettings.horizon`, `LiquidationProbabilities`, `LiquidationSweep`,
  /// `ParametricVaR.horizon`).
  public static var horizon: ParameterName { "horizon" }
  /// A worker-thread count.
  public static var threads: ParameterName { "threads" }
  /// A model's asset i, whose spot, drift and volatility over the horizon reach prices beyond
  /// the precision's range (`model[i]`).
  public static var model: ParameterName { "model" }
  /// A position's leverage.
  public static var leverage: ParameterName { "leverage" }
  /// A position's maintenance margin.
  public static var maintenanceMargin: ParameterName { "maintenanceMargin" }
  /// A volatility.
  public static var volatility: ParameterName { "volatility" }
  /// A drift.
  public static var drift: ParameterName { "drift" }
  /// The interval between liquidation checks (discrete monitoring).
  public static var monitoringInterval: ParameterName { "monitoringInterval" }
  /// A price shock (`LiquidationCascade`).
  public static var shock: ParameterName { "shock" }
  /// A price (an oracle's, an AMM's).
  public static var price: ParameterName { "price" }
  /// A solver's tolerance.
  public static var tolerance: ParameterName { "tolerance" }
  /// Risk budgets, and their sum.
  public static var budgets: ParameterName { "budgets" }
  /// `sum of budgets`.
  public static var budgetSum: ParameterName { "sum of budgets" }
  /// Weight caps.
  public static var caps: ParameterName { "caps" }
  /// `sum of caps`.
  public static var capSum: ParameterName { "sum of caps" }
}
