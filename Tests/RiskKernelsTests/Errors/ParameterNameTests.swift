import RiskKernels
import Testing

@Suite struct ParameterNameTests {
  /// The name an invalid call throws with.
  func name(_ call: () throws -> Void) -> ParameterName? {
    do {
      try call()
    } catch {
      if case .parameterOutOfRange(let name, _, _) = error as? RiskKernelsError { return name }
    }
    return nil
  }

  @Test("Names compare as typed keys and as the strings they print; elements know their array")
  func names() {
    #expect(ParameterName.paths == "paths")
    #expect(ParameterName.model.element(2).description == "model[2]")
    #expect(ParameterName.model.element(2).isElement(of: .model))
    #expect(!ParameterName.model.isElement(of: .model))
    #expect(!ParameterName.budgets.element(0).isElement(of: .caps))
    // Equal as printed, but only the element knows its array.
    #expect(ParameterName("model[2]") == .model.element(2))
    #expect(!ParameterName("model[2]").isElement(of: .model))
    let k = 7
    let interpolated: ParameterName = "path \(k)"
    #expect(interpolated.base == "path 7" && interpolated.index == nil)
  }

  @Test("The library throws the typed keys a caller maps to its inputs")
  func thrown() throws {
    func settings(paths: Int = 10, steps: Int = 1, horizon: Double = 1, threads: Int? = nil)
      -> SimulationSettings
    {
      SimulationSettings(paths: paths, steps: steps, horizon: horizon, seed: 1, threads: threads)
    }
    let twoAssets = try CorrelatedGBM<Double>(
      spot: [100, 50], drift: [0, 0], volatility: [0.2, 0.3],
      correlation: Matrix([[1, 0], [0, 1]]))
    func run(_ settings: SimulationSettings) throws {
      _ = try PathSimulator(model: twoAssets, settings: settings).run()
    }
    #expect(name { try run(settings(paths: 0)) } == .paths)
    #expect(name { try run(settings(steps: 0)) } == .steps)
    #expect(name { try run(settings(horizon: -1)) } == .horizon)
    #expect(name { try run(settings(threads: 0)) } == .threads)
    #expect(name { _ = try LeveragedPosition<Double>(side: .long, leverage: -1) } == .leverage)
    // A model whose prices leave Float's range over the horizon: its asset, as an element.
    let model = try CorrelatedGBM<Float>(
      spot: [100, 50], drift: [0, 0], volatility: [0.2, 9], correlation: Matrix([[1, 0], [0, 1]]))
    let thrown = name {
      _ = try PathSimulator(model: model, settings: settings(horizon: 10)).run()
    }
    #expect(thrown == ParameterName.model.element(1))
    // Budgets that do not sum to one; a negative cap.
    let sigma = try Matrix<Double>([[0.04, 0], [0, 0.09]])
    #expect(
      name { _ = try RiskBudgetingSolver().solve(covariance: sigma, budgets: [0.3, 0.3]) }
        == .budgetSum)
    #expect(
      name { _ = try RiskBudgetingSolver().solve(covariance: sigma, caps: [0.8, -0.2]) }
        == ParameterName.caps.element(1))
  }
}
