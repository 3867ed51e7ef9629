import Foundation

/// Holds SIGINT and SIGTERM over a short critical section (writing and renaming a report
/// folder): a signal that arrives meanwhile is recorded, and raised again with its previous
/// disposition once the section is done, so the process still ends as the user asked, just not
/// halfway through a rename.
enum InterruptsHeld {
  /// The signal that arrived during the section (0: none). Written only by the handler.
  nonisolated(unsafe) private static var pending: Int32 = 0

  static func during<R>(_ body: () -> R) -> R {
    pending = 0
    let previousInterrupt = signal(SIGINT) { InterruptsHeld.pending = $0 }
    let previousTerminate = signal(SIGTERM) { InterruptsHeld.pending = $0 }
    let result = body()
    signal(SIGINT, previousInterrupt)
    signal(SIGTERM, previousTerminate)
    if pending != 0 { raise(pending) }
    return result
  }
}
