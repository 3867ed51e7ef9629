import ArgumentParser

/// `--confidence`: the confidence level of VaR/ES (and of a backtest's VaR), the same option with
/// the same limits in every command that has one. Above one half: at 0.5 the normal VaR is 0 and
/// there is no tail to allocate, size leverage against or backtest.
struct ConfidenceOption: ParsableArguments {
  @Option(parsing: .unconditional, help: "Confidence level of VaR/ES, in (0.5, 1).")
  var confidence: Double = 0.99

  func validate() throws {
    guard confidence > 0.5, confidence < 1 else {
      throw ValidationError("--confidence: \(confidence) must be in (0.5, 1)")
    }
  }
}
