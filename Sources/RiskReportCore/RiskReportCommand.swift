package import ArgumentParser
import Foundation
import RiskKernels

/// `riskreport`: Monte Carlo risk reports and the kernels behind them, from the command line.
package struct RiskReportCommand: ParsableCommand {
  package static let configuration = CommandConfiguration(
    commandName: "riskreport",
    abstract: "Portfolio and leverage risk from price histories.",
    version: PackageVersion.current,
    subcommands: [
      RunCommand.self, CovarianceCommand.self, SimulateCommand.self, ParityCommand.self,
      LiquidationCommand.self, VaRCommand.self, BacktestCommand.self, CadenceCommand.self,
      StressCommand.self, CascadeCommand.self,
    ]
  )

  package init() {}

  package static func main() { CommandLineMain.run(Self.self) }
}

/// The executables' common main: parse, check the vector level, run; every failure is one line
/// on stderr (`name: message`) and a non-zero exit, with nothing on stdout (commands print only
/// after all work succeeded).
package enum CommandLineMain {
  /// - Parameters:
  ///   - prepare: runs after parsing and before the command (the MPI driver's start-up
  ///     checks); what it throws is reported like the command's own errors.
  ///   - finish: ends the process with the exit code and, on failure, the one-line message
  ///     (without the name); by default it writes `name: message` to stderr and exits. The MPI
  ///     driver passes its own, which reports through rank 0 and ends every rank.
  package static func run(
    _ root: any ParsableCommand.Type, prepare: (any ParsableCommand) throws -> Void = { _ in },
    finish: ((_ code: Int32, _ message: String?) -> Never)? = nil
  ) -> Never {
    let name = root.configuration.commandName ?? "riskreport"
    let finish =
      finish ?? { code, message in
        if let message { FileHandle.standardError.write(Data("\(name): \(message)\n".utf8)) }
        Foundation.exit(code)
      }
    do {
      var command = try root.parseAsRoot(nil)
      try Backend.checkVectorLevel()
      try prepare(command)
      try command.run()
      finish(0, nil)
    } catch let error as InputError {
      // A quoted cell can hold a NUL or an escape sequence: shown, never sent to the terminal.
      finish(1, escapingControlCharacters("\(error)"))
    } catch {
      let code = root.exitCode(for: error)
      if code == .success {  // --help, --version
        print(root.fullMessage(for: error))
        finish(0, nil)
      }
      // The message alone (no usage), on one line even when the value it quotes holds a
      // line break or another control character.
      let message = escapingControlCharacters(root.message(for: error))
      finish(
        code.rawValue == 0 ? 1 : code.rawValue,
        message.replacingOccurrences(of: "Error: ", with: ""))
    }
  }
}

/// `text` on one line: control characters (line breaks, NUL, ESC, DEL) as `\u{…}`.
func escapingControlCharacters(_ text: String) -> String {
  text.unicodeScalars.map {
    $0.value < 0x20 || $0.value == 0x7F ? "\\u{\(String($0.value, radix: 16))}" : String($0)
  }.joined()
}
