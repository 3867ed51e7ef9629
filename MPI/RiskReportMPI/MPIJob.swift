import CMPI
import Foundation
import RiskKernels
import RiskReportCore
import Synchronization

/// One rank of an `riskreport-mpi` job, and the few messages its ranks exchange.
///
/// Ranks other than 0 ("workers") send rank 0 one message after parsing (`hello`: a hash of
/// their arguments and binary, their vector level and OpenBLAS kernel) and one after the
/// simulation (`partial`, or `failure` with their one-line error, or `none`), and end when rank 0
/// sends them `final` with the job's exit code. Rank 0 replies to the hellos with the vector
/// level every rank uses, merges the partials, prints, and alone writes anything. Every wait is
/// on a message some rank always sends, whatever fails where, so a failure never hangs the job.
final class MPIJob: Sendable {
  let rank: Int
  let size: Int

  /// Message kinds (sent beside each message's length).
  enum Kind: UInt8 {
    case hello = 0x48  // H: worker → 0, then waits for `level` or `final`
    case partial = 0x50  // P: worker → 0, a SimulationPartial's bytes
    case failure = 0x45  // E: worker → 0, a one-line error
    case none = 0x4E  // N: worker → 0, the command ended without a distributed simulation
    case level = 0x52  // R: 0 → worker, the vector level to use
    case final = 0x46  // F: 0 → worker, the exit code; the worker ends
  }

  /// What rank 0 has heard from each worker.
  private enum WorkerState { case awaitingHello, greeted, running, reported }
  private let workers: Mutex<[WorkerState]>
  private static let tag: Int32 = 17
  private static let pollMicroseconds: Int32 = 2000

  private init(rank: Int, size: Int) {
    self.rank = rank
    self.size = size
    workers = Mutex(Array(repeating: .awaitingHello, count: size))
  }

  /// MPI_Init; a one-line error and exit 1 when the binary was built without MPI or MPI cannot
  /// start.
  static func start() -> MPIJob {
    guard rkmpi_built_with_mpi() == 1 else {
      fail(
        "built without Open MPI: install libopenmpi-dev (scripts/install-system-deps.sh) and rebuild with `make mpi`"
      )
    }
    var (rank, size): (Int32, Int32) = (0, 1)
    guard rkmpi_init(&rank, &size) == 0 else { fail("MPI_Init failed") }
    let job = MPIJob(rank: Int(rank), size: Int(size))
    if rank != 0 { _ = rkmpi_silence_stdout() }
    return job
  }

  /// A failure before MPI runs: one line, from the first rank only (or the only process).
  static func fail(_ message: String) -> Never {
    let environment = ProcessInfo.processInfo.environment
    let rank = environment["OMPI_COMM_WORLD_RANK"] ?? environment["PMI_RANK"] ?? "0"
    if rank == "0" {
      FileHandle.standardError.write(Data("riskreport-mpi: \(message)\n".utf8))
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
  /// and take rank 0's level; rank 0 checks them all and caps every rank to the lowest level.
  func agree() throws {
    guard size > 1 else { return }
    let own = Self.ownHello
    if rank != 0 {
      send(.hello, Array(try JSONEncoder().encode(own)), to: 0)
      let (kind, payload) = receive(from: 0)
      guard kind == .level, let level = VectorLevel(rawValue: Self.text(payload)) else {
        end(code: kind == .final ? Int32(Self.text(payload)) ?? 1 : 1)
      }
      Backend.capVectorLevel(to: level)
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
        workers.withLock { $0[worker] = .reported }
        throw MPIJobError("rank \(worker): \(Self.text(payload))")
      default:
        workers.withLock { $0[worker] = .reported }
        throw MPIJobError("rank \(worker) did not greet")
      }
    }
    if let r = hellos.firstIndex(where: { $0.arguments != own.arguments }) {
      throw MPIJobError("rank \(r) was started with other arguments than rank 0")
    }
    if let r = hellos.firstIndex(where: { $0.binary != own.binary }) {
      throw MPIJobError("rank \(r) runs another build of riskreport-mpi than rank 0")
    }
    let cores = Set(hellos.map(\.blasCore))
    if cores.count > 1 {
      throw MPIJobError(
        "ranks use different OpenBLAS kernels (\(hellos.map(\.blasCore).joined(separator: ", ")) by rank), whose sums round differently; give every rank the same one, e.g. mpirun -x OPENBLAS_CORETYPE=Haswell"
      )
    }
    let level = hellos.map(\.vectorLevel).min()!
    Backend.capVectorLevel(to: level)
    for worker in 1..<size {
      send(.level, Array(level.rawValue.utf8), to: worker)
      workers.withLock { $0[worker] = .running }
    }
  }

  // MARK: - The simulation

  /// A worker's share: sent to rank 0, then the worker ends.
  func contribute(_ partial: [UInt8]) -> Never {
    send(.partial, partial, to: 0)
    awaitFinal()
  }

  /// Rank 0: every worker's partial, in rank order, each decoded as it arrives (a worker's
  /// failure ends the job with its message).
  func gather<T>(_ decode: (_ rank: Int, _ bytes: [UInt8]) throws -> T) throws -> [T] {
    var partials: [T] = []
    for worker in 1..<size {
      let (kind, payload) = receive(from: worker)
      workers.withLock { $0[worker] = .reported }
      switch kind {
      case .partial: partials.append(try decode(worker, payload))
      case .failure: throw MPIJobError("rank \(worker): \(Self.text(payload))")
      default: throw MPIJobError("rank \(worker) did not reach the simulation")
      }
    }
    return partials
  }

  // MARK: - The end

  /// Ends this rank. Rank 0 prints the message, hears every worker out and sends each the exit
  /// code; a worker sends its message (or that it had none) and waits for rank 0's code.
  func finish(code: Int32, message: String?) -> Never {
    if rank != 0 {
      if let message {
        send(.failure, Array(message.utf8), to: 0)
      } else {
        send(.none, to: 0)
      }
      awaitFinal(code: code)
    }
    if let message { FileHandle.standardError.write(Data("riskreport-mpi: \(message)\n".utf8)) }
    var code = code
    for worker in 1..<size {
      let state = workers.withLock { $0[worker] }
      if state == .awaitingHello || state == .running {
        let (kind, payload) = receive(from: worker)
        // A worker that failed while rank 0 succeeded without it: its message, and failure.
        if kind == .failure, code == 0 {
          FileHandle.standardError.write(
            Data("riskreport-mpi: rank \(worker): \(Self.text(payload))\n".utf8))
          code = 1
        }
      }
      send(.final, Array(String(code).utf8), to: worker)
      workers.withLock { $0[worker] = .reported }
    }
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
}
