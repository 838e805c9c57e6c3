// HAZ-009 / HAZ-015: a peer in the monitor group (pump-hl7-bridge's user) may send `vitals` and nothing else:
// every other command is refused with permission-denied and changes nothing, even status and log; its vitals
// are recorded with source monitor. Membership is exclusive, so the test makes it as hard as it can be: the
// nurse, observer and monitor groups are all this test process's primary group, and the peer (a uid without a
// passwd entry) is in it — a nurse and an observer too, yet it may send only vitals.
import Foundation
import Logging
import PumpCore
import PumpProtocol
import PumpServer
import Testing
@testable import PumpDaemon

@Suite("Monitor group: vitals only")
struct MonitorGroupAccessTests {
    static func service(directory: URL) throws -> PumpService {
        var configuration = DaemonConfiguration()
        configuration.stateDirectory = directory.path
        let group = String(cString: try #require(getgrgid(getgid())?.pointee.gr_name))
        configuration.controlGroup = group
        configuration.readOnlyGroup = group
        configuration.monitorGroup = group
        configuration.allowRoot = getuid() == 0
        configuration.stepTiming = .dispatch
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        return try PumpService(configuration: configuration, hardware: DisableSignallingHardware(), logger: logger)
    }

    /// One request of every command but `vitals`, each valid enough to be executed if it were allowed.
    static let otherCommands: [Command] = {
        let program = StartParameters(drug: "ketamine", profile: .mood, weightKg: 70, doseMgPerKg: 0.5, durationMin: 40,
                                      concentrationMgPerMl: 1, syringe: "bd-50", confirmed: true)
        return [
            .validate(program), .start(program), .status, .pause, .resume,
            .titrate(TitrateParameters(durationMin: 30, dryRun: false, confirmed: true)), .stop, .estop,
            .ack(code: nil), .silence(code: nil), .verify(confirmed: true),
            .resumeInterrupted(confirmed: true, overrideReason: "test"), .log(since: nil, limit: 10),
            .simInject(fault: .occlusion), .sessions(patientId: nil, limit: 10), .reportData(sessionId: nil),
            .syringeChange(SyringeChangeParameters(syringe: "bd-50", fillMl: 50, confirmed: true)),
        ]
    }()

    static func send(_ command: Command, to service: PumpService, peer: PeerCredentials) async throws -> Response {
        let line = try LineCodec.encode(Request(id: "m-\(command.name.rawValue)", command: command))
        let answer = await service.handle(line: String(decoding: line.dropLast(), as: UTF8.self), peer: peer)
        return try LineCodec.decodeResponse(Data(answer.utf8)).get()
    }

    @Test("HAZ-009: a monitor-group peer is refused every command except vitals, and nothing changes")
    func monitorMayOnlySendVitals() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("monitor-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let service = try Self.service(directory: directory)
        defer { service.shutdown() }
        let monitor = PeerCredentials(pid: 1, uid: 54_321, gid: getgid())
        #expect(service.access.isMonitor(monitor) && !service.access.canControl(monitor) && !service.access.canRead(monitor))
        #expect(Set(Self.otherCommands.map(\.name)).union([.vitals]) == Set(CommandName.allCases), "every command is covered")
        let before = service.currentStatus()
        for command in Self.otherCommands {
            let response = try await Self.send(command, to: service, peer: monitor)
            #expect(response.error?.code == .permissionDenied, "\(command.name.rawValue): \(String(describing: response.error))")
            #expect(response.error?.message.contains("may send only vitals") == true)
        }
        let after = service.currentStatus()
        #expect(after.state == before.state && after.motorEnabled == before.motorEnabled && after.alarms == before.alarms)
        #expect(!service.engine.supervisor.isTripped, "the monitor's estop did not trip the supervisor")
        let reading = VitalsParameters(sbpMmHg: 122, dbpMmHg: 76, hrBpm: 70, spo2Percent: 98, source: .monitor)
        let accepted = try await Self.send(.vitals(reading), to: service, peer: monitor)
        #expect(accepted.error == nil, "\(String(describing: accepted.error))")
        guard case .status(let status)? = accepted.result else {
            Issue.record("vitals answered without a status")
            return
        }
        #expect(status.vitals?.source == .monitor && status.vitals?.sbpMmHg == 122)
    }

    @Test("monitor_group is read from pumpd.toml")
    func configurationKey() throws {
        var configuration = DaemonConfiguration()
        #expect(configuration.monitorGroup == nil)
        try configuration.apply(toml: #"monitor_group = "pumpd-monitor""#)
        #expect(configuration.monitorGroup == "pumpd-monitor")
    }
}
