// One pump service the fuzz target talks to: a real PumpService on the simulator backend with its journal on
// tmpfs, created in a known state (idle, or a reference session started and paused) and re-created whenever
// an accepted command moved it away from that state, so every input meets the same pump.
import Foundation
import Logging
import PumpDaemon
import PumpProtocol
import PumpServer

/// A PumpService in a known starting state, with the way to rebuild it. Used by one task at a time.
///
/// Building a pump takes milliseconds of mostly waiting (queues, journal), and about a quarter of fuzz inputs
/// change the pump, so the next pump is always built ahead in the background (`spare`) and the old one is
/// retired in the background: a rebuild is then only a swap.
final class ServiceSlot: @unchecked Sendable {
    typealias Built = (service: PumpService, directory: URL, baseline: PumpSnapshot)

    let scenario: FuzzInput.Scenario
    private let root: URL
    private var generation = 0
    private(set) var service: PumpService
    private(set) var directory: URL
    /// The state the slot is built in; a refused command must leave it exactly so.
    private(set) var baseline: PumpSnapshot
    /// Frames handled since the service was built (the journal grows with refused control commands).
    var framesSinceBuild = 0
    private var spare: Task<Result<Built, any Error>, Never>?
    private var retiring: [Task<Void, Never>] = []

    /// The nurse the harness itself acts as to build and observe the pump.
    static let operatorPeer = FuzzPeers.credentials(.nurse)

    init(scenario: FuzzInput.Scenario, root: URL) async throws {
        self.scenario = scenario
        self.root = root
        (service, directory, baseline) = try await Self.build(scenario, root: root, generation: 0)
        generation = 1
        spare = makeSpare()
    }

    /// Replaces the service by a fresh one in the starting state (new journal directory).
    func rebuild() async throws {
        let old = (service, directory)
        retiring.removeAll { task in task.isCancelled }
        retiring.append(Task.detached { Self.retire(old.0, old.1) })
        let next = try await (spare ?? makeSpare()).value.get()
        (service, directory, baseline) = next
        spare = makeSpare()
        framesSinceBuild = 0
        if retiring.count > 8 {
            for task in retiring { await task.value }
            retiring.removeAll()
        }
    }

    private func makeSpare() -> Task<Result<Built, any Error>, Never> {
        generation += 1
        let (scenario, root, first) = (self.scenario, self.root, generation * 10)
        return Task.detached {
            // A machine saturated by the fuzzer itself can starve a new pump's control loop; try again.
            var attempt = 0
            while true {
                do {
                    return .success(try await Self.build(scenario, root: root, generation: first + attempt))
                } catch let error as FuzzViolation where error.invariant == "scenario-setup-failed" && attempt < 4 {
                    attempt += 1
                } catch {
                    return .failure(error)
                }
            }
        }
    }

    /// Shuts the service (and the spare) down, motor off, and deletes their journals.
    func retire() {
        Self.retire(service, directory)
        let pending = spare
        spare = nil
        let finished = blocking(Optional<Built>.none) {
            for task in self.retiring { await task.value }
            if case .success(let built)? = await pending?.value { return built }
            return nil
        }
        if let finished { Self.retire(finished.service, finished.directory) }
        retiring.removeAll()
    }

    private static func retire(_ service: PumpService, _ directory: URL) {
        service.shutdown()
        try? FileManager.default.removeItem(at: directory)
    }

    /// The service's state now.
    func snapshot() async throws(FuzzViolation) -> PumpSnapshot {
        try await Self.snapshot(service)
    }

    static func snapshot(_ service: PumpService) async throws(FuzzViolation) -> PumpSnapshot {
        PumpSnapshot(service.currentStatus(), bay: service.simulatorBay)
    }

    private static func build(_ scenario: FuzzInput.Scenario, root: URL, generation: Int) async throws
        -> (PumpService, URL, PumpSnapshot) {
        let directory = root.appendingPathComponent("\(scenario)-\(generation)", isDirectory: true)
        try? FileManager.default.removeItem(at: directory)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var configuration = DaemonConfiguration()
        configuration.metricsFile = nil  // no Prometheus textfile (README "Clinic") from this in-process service
        configuration.backend = .sim
        configuration.stateDirectory = directory.path
        configuration.socketPath = directory.appendingPathComponent("unused.sock").path
        configuration.controlGroup = FuzzPeers.controlGroup
        configuration.readOnlyGroup = FuzzPeers.readOnlyGroup
        configuration.allowRoot = false
        configuration.realtime = false
        // The longest period pumpd accepts (heartbeat tolerance 400 ms): the fuzzer saturates the CPU, and a
        // heartbeat trip caused by that would look like a state change. Timing is the load test's business.
        configuration.controlPeriodMS = 200
        let logger = Logger(label: "pump-fuzz") { _ in SwiftLogNoOpLogHandler() }
        let service = try PumpService(configuration: configuration, logger: logger)
        if scenario == .paused {
            for request in [referenceStart, Request(id: "fuzz-pause", command: .pause)] {
                let line = String(decoding: try LineCodec.encode(request).dropLast(), as: UTF8.self)
                let reply = await service.handle(line: line, peer: operatorPeer)
                guard reply.contains(#""ok":true"#) else {
                    service.shutdown()
                    throw FuzzViolation("scenario-setup-failed", "\(request.command.name.rawValue): \(reply.prefix(300))")
                }
            }
        }
        let snapshot = try await snapshot(service)
        guard snapshot.alarms.isEmpty else {
            service.shutdown()
            throw FuzzViolation("scenario-setup-failed", "the new pump has alarms: \(snapshot)")
        }
        return (service, directory, snapshot)
    }

    /// The README's reference program (ketamine 0.5 mg/kg × 70 kg over 40 min, 1 mg/mL, bd-50).
    static let referenceStart = Request(id: "fuzz-start", command: .start(StartParameters(
        drug: "ketamine", profile: .mood, weightKg: 70, doseMgPerKg: 0.5, durationMin: 40,
        concentrationMgPerMl: 1, syringe: "bd-50", patientId: "FUZZ-1", confirmed: true)))
}

/// The three kinds of peer, as kernel credentials, and the groups the fuzzed daemon is configured with.
/// The uids have no passwd entry, so each peer's groups are exactly its primary group.
enum FuzzPeers {
    static let controlGroup = "root"
    static let readOnlyGroup = "nogroup"

    static func credentials(_ peer: FuzzInput.Peer) -> PeerCredentials {
        switch peer {
        case .nurse: PeerCredentials(pid: 4242, uid: 424_242, gid: 0)
        case .observer: PeerCredentials(pid: 4243, uid: 424_243, gid: 65534)
        case .outsider: PeerCredentials(pid: 4244, uid: 424_244, gid: 424_244)
        }
    }
}

/// Runs async work to completion from synchronous code (the fuzzer's callback thread). `fallback` is
/// returned only if the task ended without a value; callers pass one their checks then report (an empty reply).
func blocking<T: Sendable>(_ fallback: T, _ body: @escaping @Sendable () async -> T) -> T {
    let box = ResultBox(fallback)
    let done = DispatchSemaphore(value: 0)
    Task {
        box.set(await body())
        done.signal()
    }
    done.wait()
    return box.value
}

private final class ResultBox<T: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: T
    init(_ initial: T) { stored = initial }
    func set(_ newValue: T) { lock.withLock { stored = newValue } }
    var value: T { lock.withLock { stored } }
}
