import Foundation

/// Writes a report's files all at once or not at all: into a fresh sibling folder first, then
/// renamed over the destination (the previous report, if any, is moved aside and removed only
/// after the rename). A failure at any point leaves the destination as it was.
///
/// Only a folder that holds nothing but report files (or nothing) is replaced: `--out .` or a
/// folder with anything else in it is refused, so a mistyped `--out` can never delete data.
enum ReportDirectory {
  /// The files a report folder may hold.
  static let reportFiles: Set<String> = ["report.md", "report.json", "report.html"]

  /// - Throws: `InputError` for `--out` when the folder cannot be written.
  static func write(_ files: [String: Data], to destination: String) throws(InputError) {
    let fm = FileManager.default
    let target = URL(fileURLWithPath: destination).standardizedFileURL
    let parent = target.deletingLastPathComponent()
    let token = UUID().uuidString.prefix(8)
    let staging = parent.appendingPathComponent(".\(target.lastPathComponent).tmp-\(token)")
    let aside = parent.appendingPathComponent(".\(target.lastPathComponent).old-\(token)")
    func fail(_ message: String) -> InputError {
      try? fm.removeItem(at: staging)
      return InputError(location: .flag("--out"), message: "\(destination): \(message)")
    }
    var isDirectory: ObjCBool = false
    if fm.fileExists(atPath: target.path, isDirectory: &isDirectory) {
      guard isDirectory.boolValue else { throw fail("exists and is not a folder") }
      let contents = (try? fm.contentsOfDirectory(atPath: target.path)) ?? ["?"]
      let others = contents.filter { !reportFiles.contains($0) }
      guard others.isEmpty, target.path != fm.currentDirectoryPath, target.path != "/" else {
        throw fail(
          "holds other files than a report (\(others.sorted().prefix(3).joined(separator: ", "))); choose a new or report-only folder"
        )
      }
    }
    do {
      try fm.createDirectory(at: parent, withIntermediateDirectories: true)
      try fm.createDirectory(at: staging, withIntermediateDirectories: false)
      for (name, data) in files {
        try data.write(to: staging.appendingPathComponent(name), options: .atomic)
      }
    } catch {
      throw fail("cannot write the report (\((error as NSError).localizedDescription))")
    }
    let existed = fm.fileExists(atPath: target.path)
    do {
      if existed { try fm.moveItem(at: target, to: aside) }
    } catch {
      throw fail("cannot replace the previous report")
    }
    do {
      try fm.moveItem(at: staging, to: target)
    } catch {
      if existed { try? fm.moveItem(at: aside, to: target) }
      throw fail("cannot move the report into place")
    }
    if existed { try? fm.removeItem(at: aside) }
  }
}
