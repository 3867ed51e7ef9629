import ArgumentParser
import Foundation
import RiskKernels

/// `riskreport`: Monte Carlo risk reports and the kernels behind them, from the command line.
@main
struct RiskReportCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "riskreport",
    abstract: "Portfolio and leverage risk from price histories.",
    subcommands: [
      RunCommand.self, CovarianceCommand.self, SimulateCommand.self, ParityCommand.self,
      LiquidationCommand.self, VaRCommand.self, BacktestCommand.self,
    ]
  )

  /// Runs the command; every failure is one line on stderr and a non-zero exit, with nothing on
  /// stdout (commands print only after all work succeeded).
  static func main() {
    do {
      var command = try parseAsRoot()
      try Backend.checkVectorLevel()
      try command.run()
    } catch let error as InputError {
      fail("\(error)", code: 1)
    } catch {
      let code = exitCode(for: error)
      if code == .success { exit(withError: error) }  // --help, --version
      // The message alone (no usage), on one line even when the value it quotes holds a
      // line break or another control character.
      let message = message(for: error).unicodeScalars.map {
        $0.value < 0x20 || $0.value == 0x7F
          ? "\\u{\(String($0.value, radix: 16))}" : String($0)
      }.joined()
      fail(message.replacingOccurrences(of: "Error: ", with: ""), code: code.rawValue)
    }
  }

  static func fail(_ message: String, code: Int32) -> Never {
    FileHandle.standardError.write(Data("riskreport: \(message)\n".utf8))
    Foundation.exit(code == 0 ? 1 : code)
  }
}
