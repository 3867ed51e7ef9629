// The use cases and their budgets are the library's `UseCase`; riskbench reads durations as
// seconds.

extension Duration {
  var inSeconds: Double {
    Double(components.seconds) + Double(components.attoseconds) * 1e-18
  }
}
