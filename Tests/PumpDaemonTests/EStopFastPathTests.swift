// HAZ-011: an authorised `estop` line drops ENABLE on the thread that decoded it, even while the command queue
// is busy with another command (here: deliberately blocked), so an e-stop never waits behind a slow start,
// a journal fsync or a long log query. An unauthorised peer's estop changes nothing.
import Foundation
import Logging
import PumpCore
import PumpServer
import Testing
@testable import PumpDaemon

/// Counts ENABLE-off calls after `watch()`; inputs are "loaded, no fault".
final class DisableSignallingHardware: PumpHardware, @unchecked Sendable {
    private let lock = NSLock()
    private var armed = false
    private var count = 0
    var inputEventHandler: (@Sendable (PumpInputEvent) -> Void)?
    /// From now on, ENABLE-off calls are counted.
    func watch() { lock.withLock { armed = true } }
    /// ENABLE-off calls since `watch()`.
    var disableCalls: Int { lock.withLock { count } }
    func setMotorEnabled(_ enabled: Bool) throws {
        lock.withLock { if !enabled, armed { count += 1 } }
    }
    func setDirection(_ direction: MotorDirection) throws {}
    func emitStep() throws {}
    func readInputs() throws -> PumpInputs { PumpInputs() }
    func setAlarmIndication(_ indication: AlarmIndication) throws {}
    func close() {}
}

@Suite("E-stop fast path")
struct EStopFastPathTests {
    static func service(_ hardware: PumpHardware, directory: URL) throws -> PumpService {
        var configuration = DaemonConfiguration()
        configuration.metricsFile = nil  // no Prometheus textfile (README "Clinic") from this in-process service
        configuration.stateDirectory = directory.path
        configuration.controlGroup = nil
        configuration.readOnlyGroup = nil
        configuration.allowRoot = getuid() == 0
        configuration.stepTiming = .dispatch
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        return try PumpService(configuration: configuration, hardware: hardware, logger: logger)
    }

    @Test("HAZ-011: an authorised estop disables the motor while the command queue is still blocked")
    func estopDoesNotQueue() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("estop-fast-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let hardware = DisableSignallingHardware()
        let service = try Self.service(hardware, directory: directory)
        defer { service.shutdown() }
        // A peer the policy lets control: root with allow_root, or the daemon's own user.
        let me = PeerCredentials(pid: getpid(), uid: getuid(), gid: getgid())
        guard service.access.canControl(me) else {
            Issue.record("the test peer must be allowed to control (uid \(getuid()))")
            return
        }
        let release = DispatchSemaphore(value: 0)
        service.commandQueue.async { release.wait() }
        hardware.watch()
        // The receiving step (what `handle(line:)` does before it queues) disables the motor synchronously.
        let line = Data(#"{"v":1,"id":"e","command":"estop"}"#.utf8)
        guard case .success = service.receive(line, peer: me) else {
            Issue.record("the estop line did not decode")
            release.signal()
            return
        }
        #expect(hardware.disableCalls >= 1, "ENABLE off waited for the blocked command queue")
        #expect(service.engine.supervisor.latchedAlarms.contains { $0.code == .emergencyStop })
        release.signal()
        let answer = await service.handle(line: String(decoding: line, as: UTF8.self), peer: me)
        #expect(answer.contains("\"id\":\"e\""), "\(answer)")
        #expect(!answer.contains("\"error\""), "\(answer)")
    }

    @Test("HAZ-009: an estop from a peer that may not control the pump changes nothing")
    func unauthorisedEstopIgnored() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("estop-deny-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let hardware = DisableSignallingHardware()
        let service = try Self.service(hardware, directory: directory)
        defer { service.shutdown() }
        let stranger = PeerCredentials(pid: 1, uid: 54_321, gid: 54_321)
        #expect(!service.access.canControl(stranger))
        _ = await service.handle(line: #"{"v":1,"id":"x","command":"estop"}"#, peer: stranger)
        #expect(!service.engine.supervisor.isTripped)
    }
}
