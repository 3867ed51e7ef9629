import Foundation

/// Writes a report's files all at once or not at all: into a fresh sibling folder first, then
/// renamed over the destination (the previous report, if any, is moved aside and removed only
/// after the rename). A failure at any point leaves the destination as it was.
///
/// Nothing the tool did not write is ever deleted. A report folder carries a marker file
/// (`markerFile`); an existing `--out` is replaced only when it is empty, or when it holds the
/// marker and nothing but regular report files. Anything else (`--out .`, a folder of notes, a
/// `report.json` that is a folder, a report folder someone added a file to) is refused.
/// SIGINT and SIGTERM are held while the folders are renamed, so an interrupt cannot leave the
/// destination missing or a staging folder behind; a later run removes the staging and set-aside
/// folders a killed run (SIGKILL) left, when they hold only what a report run writes.
enum ReportDirectory {
  /// The files a report folder may hold.
  static let reportFiles: Set<String> = ["report.md", "report.json", "report.html"]
  /// Written into every report folder: what makes it recognisably this tool's to replace.
  static let markerFile = ".riskreport"
  static let markerText = "written by riskreport run; the folder is replaced by the next run\n"

  /// - Throws: `InputError` for `--out` when the folder cannot be written or is not a report.
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
    let existed = try check(destination)
    removeStaleFolders(of: target)
    var report = files
    report[markerFile] = Data(markerText.utf8)
    // Staging, writing and renaming run with SIGINT and SIGTERM held: an interrupt takes effect
    // after them, with the destination whole and no staging folder left.
    let failure = InterruptsHeld.during { () -> InputError? in
      do {
        try fm.createDirectory(at: parent, withIntermediateDirectories: true)
        try fm.createDirectory(at: staging, withIntermediateDirectories: false)
        for (name, data) in report {
          try data.write(to: staging.appendingPathComponent(name), options: .atomic)
        }
      } catch {
        return fail("cannot write the report (\((error as NSError).localizedDescription))")
      }
      do {
        if existed { try fm.moveItem(at: target, to: aside) }
      } catch {
        return fail("cannot replace the previous report")
      }
      do {
        try fm.moveItem(at: staging, to: target)
      } catch {
        if existed { try? fm.moveItem(at: aside, to: target) }
        return fail("cannot move the report into place")
      }
      if existed { try? fm.removeItem(at: aside) }
      return nil
    }
    if let failure { throw failure }
  }

  /// Throws unless `destination` is new, or a folder this tool may replace (checked before a
  /// run, so a bad `--out` is found before the work, and again before the write). Returns
  /// whether it exists.
  @discardableResult
  static func check(_ destination: String) throws(InputError) -> Bool {
    let fm = FileManager.default
    let target = URL(fileURLWithPath: destination).standardizedFileURL
    let parent = target.deletingLastPathComponent()
    func fail(_ message: String) -> InputError {
      InputError(location: .flag("--out"), message: "\(destination): \(message)")
    }
    if target.path == fm.currentDirectoryPath || target.path == "/" {
      throw fail("is the working folder or the root; choose a new or report-only folder")
    }
    var isDirectory: ObjCBool = false
    let existed = fm.fileExists(atPath: target.path, isDirectory: &isDirectory)
    if existed {
      guard isDirectory.boolValue, !isSymbolicLink(target.path) else {
        throw fail("exists and is not a folder")
      }
      if let problem = notOwnReport(target.path) { throw fail(problem) }
      guard fm.isWritableFile(atPath: target.path), fm.isWritableFile(atPath: parent.path) else {
        throw fail("the previous report cannot be replaced (its folder is read-only)")
      }
    }
    return existed
  }

  /// Why the folder at `path` is not a report folder this tool may replace, or nil if it is
  /// (empty, or the marker with regular report files only).
  static func notOwnReport(_ path: String) -> String? {
    let fm = FileManager.default
    guard let contents = try? fm.contentsOfDirectory(atPath: path) else {
      return "cannot be listed"
    }
    if contents.isEmpty { return nil }
    let others = contents.filter { name in
      !(reportFiles.contains(name) || name == markerFile) || !isRegularFile(path + "/" + name)
    }
    if !others.isEmpty {
      return
        "holds other files than a report (\(others.sorted().prefix(3).joined(separator: ", "))); choose a new or report-only folder"
    }
    guard contents.contains(markerFile),
      FileManager.default.contents(atPath: path + "/" + markerFile) == Data(markerText.utf8)
    else {
      return
        "holds report files that riskreport run did not write (no \(markerFile) of its own); choose a new or report-only folder"
    }
    return nil
  }

  /// Removes `.NAME.tmp-XXXXXXXX` and `.NAME.old-XXXXXXXX` folders beside `target` that a
  /// killed run left: only those that hold nothing but report files and the marker (a staging
  /// folder killed before its marker was written is removed too), and that are more than a
  /// minute old, so a concurrent run's folder, which lives for milliseconds, is never touched.
  static func removeStaleFolders(of target: URL) {
    let fm = FileManager.default
    let parent = target.deletingLastPathComponent()
    let name = target.lastPathComponent
    guard let siblings = try? fm.contentsOfDirectory(atPath: parent.path) else { return }
    for sibling in siblings {
      for kind in ["tmp", "old"] {
        let prefix = ".\(name).\(kind)-"
        guard sibling.hasPrefix(prefix), sibling.count == prefix.count + 8 else { continue }
        let path = parent.appendingPathComponent(sibling).path
        let modified =
          (try? fm.attributesOfItem(atPath: path)[.modificationDate] as? Date) ?? Date()
        guard Date().timeIntervalSince(modified) > 60, !isSymbolicLink(path),
          let contents = try? fm.contentsOfDirectory(atPath: path),
          contents.allSatisfy({
            (reportFiles.contains($0) || $0 == markerFile || isAtomicWriteTemporary($0))
              && isRegularFile(path + "/" + $0)
          })
        else { continue }
        try? fm.removeItem(atPath: path)
      }
    }
  }

  /// Foundation's `.atomic` writes go through a temporary `.dat.nosync…` file beside the target.
  private static func isAtomicWriteTemporary(_ name: String) -> Bool {
    name.hasPrefix(".dat.nosync") || name.hasPrefix("report.") && name.contains(".tmp")
  }

  static func isRegularFile(_ path: String) -> Bool {
    (try? FileManager.default.attributesOfItem(atPath: path)[.type] as? FileAttributeType)
      == .typeRegular
  }

  static func isSymbolicLink(_ path: String) -> Bool {
    (try? FileManager.default.attributesOfItem(atPath: path)[.type] as? FileAttributeType)
      == .typeSymbolicLink
  }
}
