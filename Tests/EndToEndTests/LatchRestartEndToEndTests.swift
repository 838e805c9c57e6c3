// Safety kernel v2 item 0, end to end with the real pumpd and pumpctl on the simulator: a latch is a fact on
// disk. For each latch kind: raise it during the reference infusion, kill -9 pumpd while it is latched, restart on
// the same state directory. The latch is listed (from before the restart), `resume-interrupted` is refused until it
// is acknowledged (and, for vital signs, until an in-range reading), then it is accepted and the motor runs.
// On the first version the restart came back with `alarms: []` and resume-interrupted ran the motor at once.
import Foundation
import PumpProtocol
import Testing

@Suite("Latched alarms survive kill -9 (real binaries)", .serialized)
struct LatchRestartEndToEndTests {
    enum Latch: String, CaseIterable, CustomStringConvertible {
        case vitals, estopCommand, estopButton, occlusion, stepMismatch, hardwareFailure
        var description: String { rawValue }
        var code: String {
            switch self {
            case .vitals: "vitals-out-of-range"
            case .estopCommand, .estopButton: "estop"
            case .occlusion: "occlusion"
            case .stepMismatch: "step-mismatch"
            case .hardwareFailure: "hardware-failure"
            }
        }
        /// pumpctl commands that raise the latch (and, for the e-stop button, release the button again, so only
        /// the latch itself still blocks).
        var trigger: [[String]] {
            switch self {
            case .vitals: [["vitals", "--sbp", "200", "--dbp", "120", "--hr", "130", "--spo2", "85"]]
            case .estopCommand: [["estop"]]
            case .estopButton: [["sim", "inject", "estop-button"], ["sim", "inject", "estop-release"]]
            case .occlusion: [["sim", "inject", "occlusion"]]
            case .stepMismatch: [["sim", "inject", "stall"]]
            case .hardwareFailure: [["sim", "inject", "gpio-write-failure"]]
            }
        }
    }

    @Test("HAZ-010: a latch raised before kill -9 is restored and blocks resume-interrupted until acknowledged", arguments: Latch.allCases)
    func latchSurvivesKill(_ latch: Latch) throws {
        let daemon = try DaemonHarness(speed: 50)
        try daemon.start()
        #expect(daemon.ctl(["vitals", "--sbp", "120", "--dbp", "80", "--hr", "70", "--spo2", "97"]).status == 0)
        let started = daemon.ctl(DaemonHarness.referenceStart + ["--patient-id", "L-\(latch.rawValue)"])
        try #require(started.status == 0, "\(started.stderr)")
        _ = try daemon.waitFor(timeout: 10) { $0.deliveredMl > 0.2 }
        for command in latch.trigger {
            let result = daemon.ctl(command)
            #expect(result.status == 0, "\(command): \(result.stderr)")
        }
        let tripped = try daemon.waitFor(timeout: 15) { status in
            status.alarms.contains { $0.code == latch.code } && !status.motorEnabled
        }
        try #require(tripped.alarms.contains { $0.code == latch.code }, "\(tripped.alarms.map(\.code)) \(daemon.daemonLog())")
        // Let an occlusion back-off finish, so the latch (not a running back-off) is what the restart finds.
        _ = try daemon.waitFor(timeout: 10) { !$0.motorEnabled }
        daemon.kill9()
        try daemon.start()

        let restored = try daemon.status()
        #expect(restored.state == .interrupted)
        #expect(!restored.motorEnabled)
        let alarm = restored.alarms.first { $0.code == latch.code }
        #expect(alarm != nil, "restored alarms: \(restored.alarms.map(\.code))")
        #expect(alarm?.fromBeforeRestart == true)
        if latch == .vitals {
            #expect(restored.vitals?.sbpMmHg == 200, "the newest reading is restored")
        }
        let early = daemon.ctl(["resume-interrupted", "--yes"])
        #expect(early.status != 0, "resume-interrupted must be refused while \(latch.code) is latched")
        #expect(try daemon.status().motorEnabled == false)

        if latch == .vitals {
            let refusedAck = daemon.ctl(["ack", latch.code])
            #expect(refusedAck.status != 0, "ack refused while the newest reading is out of range")
            #expect(daemon.ctl(["vitals", "--sbp", "122", "--dbp", "79", "--hr", "72", "--spo2", "97"]).status == 0)
        }
        let ack = daemon.ctl(["ack", latch.code])
        #expect(ack.status == 0, "\(ack.stderr)")
        #expect(try daemon.status().alarms.contains { $0.code == latch.code } == false)
        let resumed = daemon.ctl(["resume-interrupted", "--yes"])
        #expect(resumed.status == 0, "\(resumed.stderr) \(daemon.daemonLog())")
        let running = try daemon.waitFor(timeout: 5) { $0.state == .running && $0.motorEnabled }
        #expect(running.state == .running && running.motorEnabled)
        _ = daemon.ctl(["stop"])
    }

    @Test("HAZ-015: an out-of-range reading that was not latched (interlock off while interrupted) still blocks resume-interrupted after a restart")
    func outOfRangeVitalsBlockResumeInterrupted() throws {
        let daemon = try DaemonHarness(speed: 50)
        try daemon.start()
        #expect(daemon.ctl(["vitals", "--sbp", "120", "--dbp", "80", "--hr", "70", "--spo2", "97"]).status == 0)
        try #require(daemon.ctl(DaemonHarness.referenceStart + ["--patient-id", "L-vit2"]).status == 0)
        _ = try daemon.waitFor(timeout: 10) { $0.deliveredMl > 0.2 }
        daemon.kill9()
        try daemon.start()
        #expect(try daemon.status().state == .interrupted)
        // While interrupted nothing infuses, so the interlock does not latch; the reading is still the newest.
        #expect(daemon.ctl(["vitals", "--sbp", "200", "--dbp", "120", "--hr", "130", "--spo2", "85"]).status == 0)
        daemon.kill9()
        try daemon.start()
        #expect(daemon.ctl(["resume-interrupted", "--yes"]).status != 0)
        #expect(try daemon.status().motorEnabled == false)
        #expect(daemon.ctl(["vitals", "--sbp", "122", "--dbp", "79", "--hr", "72", "--spo2", "97"]).status == 0)
        _ = daemon.ctl(["ack"])
        let resumed = daemon.ctl(["resume-interrupted", "--yes"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        _ = daemon.ctl(["stop"])
    }
}

@Suite("A titration survives kill -9 (real binaries)", .serialized)
struct TitrationRestartEndToEndTests {
    @Test("HAZ-010: start 0.5 mg/kg, titrate to 0.3, kill -9, resume-interrupted, titrate --duration-min 60: the target stays 0.3 mg/kg (21 mg)")
    func titrationSurvivesKill() throws {
        let daemon = try DaemonHarness(speed: 50)
        try daemon.start()
        #expect(daemon.ctl(["vitals", "--sbp", "120", "--dbp", "80", "--hr", "70", "--spo2", "97"]).status == 0)
        try #require(daemon.ctl(DaemonHarness.referenceStart + ["--patient-id", "T-1"]).status == 0)
        _ = try daemon.waitFor(timeout: 10) { $0.deliveredMl > 0.5 }
        let titrated = daemon.ctl(["titrate", "--dose-mg-per-kg", "0.3", "--yes"])
        try #require(titrated.status == 0, "\(titrated.stderr)")
        #expect(abs(try daemon.status().targetMg - 21) < 0.01)
        _ = try daemon.waitFor(timeout: 10) { $0.deliveredMl > 1.0 }
        daemon.kill9()
        try daemon.start()
        let restored = try daemon.status()
        #expect(restored.state == .interrupted)
        #expect(abs(restored.targetMg - 21) < 0.01, "target after the restart: \(restored.targetMg) mg")
        #expect(restored.elapsedS > 0, "infusing elapsed restored from the journal")
        try #require(daemon.ctl(["resume-interrupted", "--yes"]).status == 0)
        let longer = daemon.ctl(["titrate", "--duration-min", "60", "--yes"])
        #expect(longer.status == 0, "\(longer.stderr)")
        let after = try daemon.status()
        #expect(abs(after.targetMg - 21) < 0.01, "a duration titration keeps the titrated dose: \(after.targetMg) mg")
        _ = daemon.ctl(["stop"])
    }
}
