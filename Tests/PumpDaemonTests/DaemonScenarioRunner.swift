// Runs `daemon` scenarios (hw-sim/scenarios) against the real pump service in process: the Dispatch control
// loop on CLOCK_MONOTONIC at a high simulation speed, the real GRDB journal in a temporary state directory, the
// simulator backend, and an injectable wall clock. Commands go through the same `execute` path as socket
// requests. Used for faults that exist only at the daemon level:
// - `wall-clock-jump`: shifts the service's wall clock (journal and display times); delivery must not notice.
//   The runner also checks that the journal's latest checkpoint carries the jumped wall time, which proves the
//   jump reached the only place wall time is used.
// - `journal-disk-full`: caps the journal database at its current size (`PRAGMA max_page_count`), so the next
//   write that needs a page fails with SQLITE_FULL exactly as on a full disk.
// Timing: pump (virtual) time is the service's scheduler time; the runner waits in short real sleeps until each
// entry's instant. "No steps after the trip" is checked from the first poll that sees the alarm (≤ 2 ms real later).
import Foundation
import Logging
import PumpControl
import PumpCore
@testable import PumpDaemon
@testable import PumpJournal
import PumpProtocol
import PumpScenarios
import PumpServer

final class DaemonScenarioRunner {
    static let speed = 100.0

    /// A wall clock the scenario can jump.
    final class JumpingClock: @unchecked Sendable {
        private let lock = NSLock()
        private var offset: TimeInterval = 0
        func now() -> Date { lock.withLock { Date().addingTimeInterval(offset) } }
        func jump(_ seconds: TimeInterval) { lock.withLock { offset += seconds } }
        var totalJump: TimeInterval { lock.withLock { offset } }
    }

    let scenario: Scenario
    let directory: URL
    let wall = JumpingClock()
    let service: PumpService
    let peer = PeerCredentials(pid: getpid(), uid: getuid(), gid: getgid())
    private var nextID = 0

    init(_ scenario: Scenario) throws {
        self.scenario = scenario
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("pump-scenario-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var configuration = DaemonConfiguration()
        configuration.metricsFile = nil  // no Prometheus textfile (README "Clinic") from this in-process service
        configuration.stateDirectory = directory.path
        configuration.simSpeed = Self.speed
        configuration.realtime = false
        configuration.allowRoot = true
        let group = getgrgid(getgid()).flatMap { $0.pointee.gr_name.map { String(cString: $0) } }
        configuration.controlGroup = group
        configuration.readOnlyGroup = group
        let clock = wall
        service = try PumpService(configuration: configuration, logger: Logger(label: "scenario"), wallClock: { clock.now() })
    }

    deinit {
        service.shutdown()
        try? FileManager.default.removeItem(at: directory)
    }

    private func send(_ command: Command) -> Response {
        nextID += 1
        return service.execute(Request(id: "s\(nextID)", command: command), peer: peer)
    }

    private func startCommand() -> Command {
        let p = scenario.program
        return .start(StartParameters(
            drug: p.drug, profile: Profile(rawValue: p.profile) ?? .mood, weightKg: p.weightKg,
            doseMgPerKg: p.doseMgPerKg, rateMgPerKgPerH: p.rateMgPerKgPerH, durationMin: p.durationMin,
            concentrationMgPerMl: p.concentrationMgPerMl, syringe: p.syringe, overrideReason: p.overrideReason,
            confirmed: true))
    }

    private var now: MonotonicInstant { service.scheduler.now() }
    private var plant: SimulatedPumpView? { service.simulator.map { SimulatedPumpView(bay: $0) } }

    /// Runs the scenario and measures the outcome.
    func run() -> ScenarioOutcome {
        var outcome = ScenarioOutcome(scenarioID: scenario.id)
        let start = send(startCommand())
        guard start.error == nil else {
            outcome.refused = true
            return finish(outcome, origin: now, tripPlunger: nil)
        }
        let origin = now
        var tripPlunger: Int64?
        func waitUntil(_ seconds: Double) {
            while now < origin + .seconds(seconds) {
                if tripPlunger == nil, latchedStoppingAlarm() { tripPlunger = plant?.plungerSteps }
                usleep(2_000)
            }
        }
        for action in scenario.timeline {
            waitUntil(action.atSeconds)
            apply(action, &outcome)
        }
        waitUntil(scenario.durationSeconds)
        if tripPlunger == nil, latchedStoppingAlarm() { tripPlunger = plant?.plungerSteps }
        return finish(outcome, origin: origin, tripPlunger: tripPlunger)
    }

    private func latchedStoppingAlarm() -> Bool {
        service.scheduler.syncOnControl { service.engine.supervisor.isTripped }
    }

    private func apply(_ action: ScenarioAction, _ outcome: inout ScenarioOutcome) {
        switch action.kind {
        case .wallClockJump(let seconds): wall.jump(seconds)
        case .journalDiskFull:
            fillJournalDisk(&outcome)
        case .startAgain:
            if send(startCommand()).error == nil {
                outcome.runErrors.append("a start at \(action.atSeconds) s was accepted")
            }
        case .estop: _ = send(.estop)
        case .pause: _ = send(.pause)
        case .resume: _ = send(.resume)
        case .stop: _ = send(.stop)
        case .acknowledge(let code, _): _ = send(.ack(code: code?.rawValue))
        default:
            outcome.runErrors.append("timeline entry at \(action.atSeconds) s is not supported by the daemon runner")
        }
    }

    /// The disk fills up: the journal file is capped at its current size and another writer takes the free
    /// space left in it, so the daemon's next write that needs a page fails with SQLITE_FULL.
    private func fillJournalDisk(_ outcome: inout ScenarioOutcome) {
        guard let journal = service.journal else {
            outcome.runErrors.append("the service has no journal")
            return
        }
        do {
            try journal.executeForTesting("PRAGMA max_page_count = 1")
            // Large records first, then the smallest possible ones, until neither fits any more.
            for details in [Data(repeating: UInt8(ascii: "f"), count: 200), Data("{}".utf8)] {
                var filled = false
                for _ in 0..<10_000 {
                    do {
                        try journal.append(JournalEvent(kind: .config, monotonic: now, wall: wall.now(),
                                                        summary: "f", details: details))
                    } catch .diskFull {
                        filled = true
                        break
                    }
                }
                if !filled { outcome.runErrors.append("the capped journal never filled up") }
            }
        } catch {
            outcome.runErrors.append("filling the journal failed with \(error), not diskFull")
        }
    }

    private func finish(_ outcome: ScenarioOutcome, origin: MonotonicInstant, tripPlunger: Int64?) -> ScenarioOutcome {
        var outcome = outcome
        service.recorder?.drain()
        let status = service.scheduler.syncOnControl { service.engine.status() }
        outcome.state = status.state
        outcome.raised = status.alarms.map { ($0.code, ($0.raisedAt - origin).seconds) }.sorted { $0.1 < $1.1 }
        if let plant {
            outcome.deliveredML = plant.displacedML
            outcome.motorEnabled = plant.motorEnabled
            outcome.pulsesWhileDisabled = plant.pulsesWhileDisabled
            outcome.stepsAfterTrip = tripPlunger.map { plant.plungerSteps - $0 }
        }
        if wall.totalJump != 0 { checkJournalWallTime(&outcome) }
        return outcome
    }

    /// The latest journal checkpoint must carry the jumped wall time (the jump reached the journal).
    private func checkJournalWallTime(_ outcome: inout ScenarioOutcome) {
        guard let journal = service.journal, let id = service.activeSession.id,
              let last = try? journal.checkpoints(session: id).last else {
            outcome.runErrors.append("no journal checkpoint to compare wall time with")
            return
        }
        let drift = abs(last.wall.timeIntervalSince(wall.now()))
        if drift > 5 {
            outcome.runErrors.append("the journal's last checkpoint wall time is \(Int(drift)) s from the jumped clock")
        }
    }
}

/// Plant truth of the simulator bay's loaded syringe.
struct SimulatedPumpView {
    let bay: SimulatorBay
    var plungerSteps: Int64 { bay.current.plungerSteps.count }
    var displacedML: Double { bay.current.volumeDisplaced.value }
    var motorEnabled: Bool { bay.current.motorEnabled }
    var pulsesWhileDisabled: Int { bay.current.stepPulsesWhileDisabled }
}
