import Foundation
import Synchronization

/// Paths done, rate and time left on stderr, on one line redrawn at most ten times a second;
/// only when stderr is a terminal (`make` logs and pipes stay quiet).
final class ProgressDisplay: Sendable {
  private struct State {
    var start = ContinuousClock.now
    var lastDraw = ContinuousClock.now - .seconds(1)
    var label = ""
  }
  private let state = Mutex(State())

  /// A display, or nil when stderr is not a terminal.
  static func ifTerminal() -> ProgressDisplay? {
    isatty(FileHandle.standardError.fileDescriptor) != 0 ? ProgressDisplay() : nil
  }

  /// Starts timing a new stage.
  func begin(_ label: String) {
    state.withLock {
      $0 = State()
      $0.label = label
    }
  }

  func update(done: Int, total: Int) {
    let line: String? = state.withLock { s in
      let now = ContinuousClock.now
      guard now - s.lastDraw >= .milliseconds(100) || done >= total else { return nil }
      s.lastDraw = now
      let elapsed = (now - s.start).inSeconds
      let rate = Double(done) / max(elapsed, 1e-9)
      let left = rate > 0 ? Double(total - done) / rate : 0
      return String(
        format: "\r%@: %d/%d paths, %.3g paths/s, %.1f s left   ", s.label, done, total, rate, left)
    }
    if let line { FileHandle.standardError.write(Data(line.utf8)) }
  }

  func finish() { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
}

extension Duration {
  /// The duration in seconds, as a Double.
  var inSeconds: Double { Double(components.seconds) + Double(components.attoseconds) * 1e-18 }
}
