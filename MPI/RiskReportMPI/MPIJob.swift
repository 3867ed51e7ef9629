import CMPI
import Foundation
import RiskKernels
import RiskReportCore
import Synchronization

/// One rank of an `riskreport-mpi` job, and the few messages its ranks exchange.
///
/// Ranks other than 0 ("workers") send rank 0 one message after parsing (`hello`: a hash of
/// their arguments and binary, their vector level and OpenBLAS kernel, or `failure` if they
/// failed first), and rank 0 replies with the vector level every rank uses and, when their
/// OpenBLAS kernels differ, the kernel every rank switches to. After the simulation
/// the results travel up a binomial tree of ranks: rank r hears its children r + 1, r + 2,
/// r + 4, … (while r is a multiple of twice the step), whose groups follow its own in order,
/// merges their partials after its own, and sends the merge to its parent r − lowbit(r): rank 0
/// receives ⌈log₂ P⌉ messages, not P − 1. A run in passes (the quantile selection's) repeats
/// that reduction once per pass, after rank 0 has sent every worker the previous pass's merge
/// (`round`). A rank that failed sends its one-line error up instead
/// (the first in rank order wins), one that never reached the simulation sends `none`. Workers
/// end when rank 0 sends them `final` with the job's exit code; rank 0 alone prints and writes.
/// Every wait is on a message some rank always sends, whatever fails where, so a failure never
/// hangs the job.
final class MPIJob: Sendable {
  let rank: Int
  let size: Int

  /// Message kinds (sent beside each message's length).
  enum Kind: UInt8 {
    case hello = 0x48  // H: worker → 0, then waits for `level` or `final`
    case partial = 0x50  // P: worker → 0, a SimulationPartial's bytes
    case failure = 0x45  // E: worker → 0, a one-line error
    case none = 0x4E  // N: worker → 0, the command ended without a distributed simulation
    case level = 0x52  // R: 0 → worker, the vector level and OpenBLAS kernel (or "-") to use
    case round = 0x4D  // M: 0 → worker, the merged value of a round another round follows
    case final = 0x46  // F: 0 → worker, the exit code; the worker ends
  }

  /// What rank 0 has heard from each worker before the simulation.
  private enum WorkerState { case awaitingHello, greeted, running }
  private let workers: Mutex<[WorkerState]>
  /// Whether this rank has taken part in the reduction up the tree (its results are sent, or on
  /// rank 0 received), and, on a worker, whether rank 0 has sent its level.
  private let reduced = Mutex(false)
  private let greeted = Mutex(false)
  private static let tag: Int32 = 17
  private static let pollMicroseconds: Int32 = 2000

  private init(rank: Int, size: Int) {
    self.rank = rank
    self.size = size
    workers = Mutex(Array(repeating: .awaitingHello, count: size))
  }

  /// Loads Open MPI and calls MPI_Init; a one-line error and exit 1 when the library is missing
  /// or MPI cannot start.
  static func start() -> MPIJob {
    if let reason = rkmpi_load() {
      fail(
        "\(String(cString: reason)); install Open MPI (Debian: openmpi-bin, as scripts/install-system-deps.sh does) or name its libmpi.so.40 in RISKREPORT_MPI_LIBRARY"
      )
    }
    var (rank, size): (Int32, Int32) = (0, 1)
    guard rkmpi_init(&rank, &size) == 0 else { fail("MPI_Init failed") }
    let job = MPIJob(rank: Int(rank), size: Int(size))
    if rank != 0 { _ = rkmpi_silence_stdout() }
    return job
  }

  /// A failure before MPI runs: one line, from the first rank only (or the only process).
  ///
  /// Without MPI the ranks cannot tell each other, so rank 0 prints at once and another rank
  /// after five seconds: when every rank fails (no Open MPI on any node), mpirun has ended the
  /// job on rank 0's exit before any other rank prints (it took 1–2 s here); when one node fails
  /// alone, its line is the only one, and its exit ends the job (rank 0 would otherwise wait for
  /// its greeting).
  static func fail(_ message: String) -> Never {
    let environment = ProcessInfo.processInfo.environment
    let rank = environment["OMPI_COMM_WORLD_RANK"] ?? environment["PMI_RANK"] ?? "0"
    if rank == "0" {
      FileHandle.standardError.write(Data("riskreport-mpi: \(message)\n".utf8))
    } else {
      sleep(5)
      FileHandle.standardError.write(Data("riskreport-mpi: rank \(rank): \(message)\n".utf8))
    }
    exit(1)
  }

  // MARK: - Messages

  private func send(_ kind: Kind, _ payload: [UInt8] = [], to destination: Int) {
    guard
      rkmpi_send(
        Int32(destination), Self.tag, Int64(kind.rawValue), payload, Int64(payload.count)) == 0
    else {
      rkmpi_abort(1)
      exit(1)
    }
  }

  private func receive(from source: Int) -> (Kind, [UInt8]) {
    var (kind, count): (Int64, Int64) = (0, 0)
    guard
      rkmpi_receive_count(Int32(source), Self.tag, &kind, &count, Self.pollMicroseconds) == 0,
      count >= 0, let known = UInt8(exactly: kind).flatMap(Kind.init(rawValue:))
    else {
      rkmpi_abort(1)
      exit(1)
    }
    var bytes = [UInt8](repeating: 0, count: Int(count))
    guard rkmpi_receive(Int32(source), Self.tag, &bytes, count) == 0 else {
      rkmpi_abort(1)
      exit(1)
    }
    return (known, bytes)
  }

  private static func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

  // MARK: - Start-up agreement

  /// What a rank tells rank 0 before any work.
  struct Hello: Codable, Equatable {
    var arguments: UInt64
    var binary: UInt64
    var vectorLevel: VectorLevel
    var blasCore: String
  }

  static var ownHello: Hello {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in CommandLine.arguments.dropFirst().joined(separator: "\u{0}").utf8 {
      hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
    }
    // The executable's bytes: every rank must run the same build (a run of another build is
    // also refused by the partials' fingerprints when its numbers differ).
    return Hello(
      arguments: hash, binary: rkmpi_executable_hash(),
      vectorLevel: Backend.vectorLevel, blasCore: Backend.blasCore)
  }

  /// Every rank: agree on the arguments, the build and the kernels. Workers send their hello
  /// and take rank 0's level; rank 0 checks them all and caps every rank to the lowest level,
  /// and, if their OpenBLAS kernels differ, pins every rank to that level's reference kernel
  /// (`Backend.referenceBLASCore(for:)`).
  func agree() throws {
    guard size > 1 else { return }
    let own = Self.ownHello
    if rank != 0 {
      send(.hello, Array(try JSONEncoder().encode(own)), to: 0)
      let (kind, payload) = receive(from: 0)
      let words = Self.text(payload).split(separator: " ").map(String.init)
      guard kind == .level, words.count == 2, let level = VectorLevel(rawValue: words[0]) else {
        end(code: kind == .final ? Int32(Self.text(payload)) ?? 1 : 1)
      }
      greeted.withLock { $0 = true }
      try Self.use(level: level, blasCore: words[1] == "-" ? nil : words[1])
      return
    }
    var hellos: [Hello] = [own]
    for worker in 1..<size {
      let (kind, payload) = receive(from: worker)
      switch kind {
      case .hello:
        workers.withLock { $0[worker] = .greeted }
        guard let hello = try? JSONDecoder().decode(Hello.self, from: Data(payload)) else {
          throw MPIJobError("rank \(worker) sent an unreadable greeting (another build?)")
        }
        hellos.append(hello)
      case .failure:
        workers.withLock { $0[worker] = .greeted }
        throw MPIJobError("rank \(worker): \(Self.text(payload))")
      default:
        workers.withLock { $0[worker] = .greeted }
        throw MPIJobError("rank \(worker) did not greet")
      }
    }
    if let r = hellos.firstIndex(where: { $0.arguments != own.arguments }) {
      throw MPIJobError("rank \(r) was started with other arguments than rank 0")
    }
    if let r = hellos.firstIndex(where: { $0.binary != own.binary }) {
      throw MPIJobError("rank \(r) runs another build of riskreport-mpi than rank 0")
    }
    let level = hellos.map(\.vectorLevel).min()!
    // Ranks whose CPUs chose different OpenBLAS kernels (which round sums differently) all
    // switch to the level's reference kernel, which every one of them can run.
    let core = Set(hellos.map(\.blasCore)).count > 1 ? Backend.referenceBLASCore(for: level) : nil
    for worker in 1..<size {
      send(.level, Array("\(level.rawValue) \(core ?? "-")".utf8), to: worker)
      workers.withLock { $0[worker] = .running }
    }
    try Self.use(level: level, blasCore: core)
  }

  /// Caps this rank's vector level and, when given, pins its OpenBLAS kernel.
  private static func use(level: VectorLevel, blasCore core: String?) throws {
    Backend.capVectorLevel(to: level)
    guard let core else { return }
    do {
      try Backend.pinBLASCore(core)
    } catch {
      throw MPIJobError("the ranks' CPUs choose different OpenBLAS kernels, and \(error)")
    }
  }

  // MARK: - The simulation

  /// This rank's children in the tree, in merge order (their groups follow this rank's).
  private var children: [Int] {
    var children: [Int] = []
    var step = 1
    while rank & step == 0, rank + step < size {
      children.append(rank + step)
      step <<= 1
    }
    return children
  }

  /// This rank's parent in the tree (workers only).
  private var parent: Int { rank - (rank & -rank) }

  /// What a rank sends up the tree.
  enum Outcome<Value> {
    case value(Value)
    case failure(String)
    case none
  }

  /// This rank's outcome followed by its children's, in merge order: the first failure if any,
  /// else the merge of all values, else `none`. Children's values arrive as bytes (`decode`).
  private func reduce<Value>(
    own: Outcome<Value>, decode: (_ rank: Int, _ bytes: [UInt8]) throws -> Value,
    merge: ([Value]) throws -> Value
  ) -> Outcome<Value> {
    reduced.withLock { $0 = true }
    var outcomes = [own]
    for child in children {
      let (kind, payload) = receive(from: child)
      switch kind {
      case .partial:
        do {
          outcomes.append(.value(try decode(child, payload)))
        } catch {
          outcomes.append(.failure("\(error)"))
        }
      case .failure: outcomes.append(.failure(Self.text(payload)))
      default: outcomes.append(.none)
      }
    }
    var values: [Value] = []
    for (k, outcome) in outcomes.enumerated() {
      switch outcome {
      case .failure(let message): return .failure(message)
      case .value(let value): values.append(value)
      case .none:
        guard values.isEmpty, outcomes.allSatisfy({ if case .none = $0 { true } else { false } })
        else {
          let who = k == 0 ? rank : children[k - 1]
          return .failure("rank \(who) did not reach the simulation")
        }
        return .none
      }
    }
    do {
      return .value(try merge(values))
    } catch {
      return .failure("\(error)")
    }
  }

  /// A rank's share of the simulation, as `Value` (a partial, tail candidates…): on a worker
  /// merged with its children's and sent to its parent, after which the worker ends, unless
  /// rank 0 starts another round (`startRound`), whose merged value it then returns; on rank 0
  /// merged with every rank's and returned (a failure anywhere ends the job with its message).
  func combine<Value>(
    _ own: Value, encode: (Value) -> [UInt8],
    decode: (_ rank: Int, _ bytes: [UInt8]) throws -> Value, merge: ([Value]) throws -> Value
  ) -> Value {
    let outcome = reduce(own: .value(own), decode: decode, merge: merge)
    guard rank == 0 else {
      switch outcome {
      case .value(let value): send(.partial, encode(value), to: parent)
      case .failure(let message): send(.failure, Array(message.utf8), to: parent)
      case .none: send(.none, to: parent)
      }
      let bytes = awaitRound()
      do {
        return try decode(0, bytes)
      } catch {
        finish(code: 1, message: "rank 0 sent an unreadable round (\(error))")
      }
    }
    switch outcome {
    case .value(let value): return value
    case .failure(let message): finish(code: 1, message: message)
    case .none: finish(code: 1, message: "no rank reached the simulation")
    }
  }

  /// Rank 0, after a `combine`: sends every worker the merged value (`bytes`), from which each
  /// starts another round that ends in another `combine`.
  func startRound(_ bytes: [UInt8]) {
    precondition(rank == 0, "only rank 0 starts rounds")
    for worker in 1..<size { send(.round, bytes, to: worker) }
    reduced.withLock { $0 = false }
  }

  /// A worker after sending its share: rank 0's next round's bytes; the worker ends on `final`.
  private func awaitRound() -> [UInt8] {
    let (kind, payload) = receive(from: 0)
    guard kind == .round else { end(code: kind == .final ? Int32(Self.text(payload)) ?? 1 : 1) }
    reduced.withLock { $0 = false }
    return payload
  }

  // MARK: - The end

  /// Ends this rank. A worker that has not yet reported passes its message (or that it had
  /// none) up the tree, after its children's, and waits for rank 0's code; rank 0 prints the
  /// message, hears out every worker that still owes it a message, and sends each the code.
  func finish(code: Int32, message: String?) -> Never {
    let own: Outcome<Void> =
      message.map { .failure(rank == 0 ? $0 : "rank \(rank): \($0)") } ?? .none
    if rank != 0 {
      if !greeted.withLock({ $0 }) {
        // Before rank 0's level, rank 0 waits for this rank's greeting: the message goes there.
        if let message { send(.failure, Array(message.utf8), to: 0) } else { send(.none, to: 0) }
      } else if !reduced.withLock({ $0 }) {
        switch reduce(own: own, decode: { _, _ in () }, merge: { _ in () }) {
        case .failure(let text): send(.failure, Array(text.utf8), to: parent)
        default: send(.none, to: parent)
        }
      }
      awaitFinal(code: code)
    }
    if let message { FileHandle.standardError.write(Data("riskreport-mpi: \(message)\n".utf8)) }
    var code = code
    for worker in 1..<size where workers.withLock({ $0[worker] }) == .awaitingHello {
      _ = receive(from: worker)  // its greeting or its failure; rank 0's own error is reported
      workers.withLock { $0[worker] = .greeted }
    }
    let running = (1..<size).contains { worker in workers.withLock { $0[worker] } == .running }
    if running, !reduced.withLock({ $0 }) {
      // The workers are past the greeting: hear the tree out, so none waits on a send.
      if case .failure(let text) = reduce(own: own, decode: { _, _ in () }, merge: { _ in () }),
        code == 0
      {
        // A worker failed while rank 0 succeeded without a simulation: its message, and failure.
        FileHandle.standardError.write(Data("riskreport-mpi: \(text)\n".utf8))
        code = 1
      }
    }
    for worker in 1..<size { send(.final, Array(String(code).utf8), to: worker) }
    end(code: code)
  }

  private func awaitFinal(code own: Int32 = 0) -> Never {
    let (kind, payload) = receive(from: 0)
    let code = kind == .final ? Int32(Self.text(payload)) ?? 1 : 1
    end(code: own != 0 ? own : code)
  }

  private func end(code: Int32) -> Never {
    _ = rkmpi_finalize()
    exit(code)
  }
}

/// A start-up or gather failure, reported by rank 0 as one line.
struct MPIJobError: Error, CustomStringConvertible {
  let description: String
  init(_ description: String) { self.description = description }

  /// Partials or candidates that do not merge: a rank ran another run.
  static func otherRun(_ reason: Any) -> MPIJobError {
    MPIJobError(
      "a rank simulated another run (\(reason)): give every rank the same binary, flags and input files"
    )
  }
}
