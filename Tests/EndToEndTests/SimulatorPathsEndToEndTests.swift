// Issue 11 item 7 with the real binaries: the simulator has no dead ends. Every fault that `sim inject` can
// produce has its clearing injection; after each one the alarm can be acknowledged and the infusion resumed. A
// stopped session can be followed by a new start without restarting pumpd.
import Foundation
import PumpProtocol
import Testing

@Suite("Simulator: every fault has a way back (real binaries)", .serialized)
struct SimulatorPathsEndToEndTests {
    static let paths: [(fault: String, clear: String, alarm: String)] = [
        ("occlusion", "occlusion-release", "occlusion"),
        ("stall", "stall-end", "step-mismatch"),
        ("disengage", "reengage", "plunger-unclamped"),
        ("estop-button", "estop-release", "estop"),
        ("gpio-write-failure", "gpio-recover", "hardware-failure"),
        ("syringe-removed", "syringe-inserted", "syringe-removed"),
    ]

    @Test("HAZ-013: fault → clear → ack → resume for every simulator fault, then stop and a new start without a restart")
    func everyFaultClears() throws {
        let daemon = try DaemonHarness(speed: 50)
        try daemon.start()
        #expect(daemon.ctl(["vitals", "--sbp", "120", "--dbp", "80", "--hr", "70", "--spo2", "97"]).status == 0)
        try #require(daemon.ctl(DaemonHarness.referenceStart + ["--patient-id", "S-1"]).status == 0)
        for path in Self.paths {
            let before = try daemon.waitFor(timeout: 10) { $0.state == .running && $0.motorEnabled }
            try #require(before.state == .running, "\(path.fault): not running before the fault")
            #expect(daemon.ctl(["sim", "inject", path.fault]).status == 0)
            // (ENABLE comes on again only for an occlusion back-off, which then ends by itself.)
            let tripped = try daemon.waitFor(timeout: 10) { $0.alarms.contains { $0.code == path.alarm } && !$0.motorEnabled }
            #expect(tripped.alarms.contains { $0.code == path.alarm } && !tripped.motorEnabled, "\(path.fault): \(tripped.alarms.map(\.code))")
            let cleared = daemon.ctl(["sim", "inject", path.clear])
            #expect(cleared.status == 0, "\(path.clear): \(cleared.stderr)")
            // Acknowledge (retrying while an occlusion back-off still relieves the line), then resume.
            var acknowledged = false
            let deadline = Date().addingTimeInterval(10)
            while !acknowledged, Date() < deadline {
                acknowledged = daemon.ctl(["ack"]).status == 0
                if !acknowledged { usleep(100_000) }
            }
            #expect(acknowledged, "\(path.fault): ack after \(path.clear)")
            var resumed = false
            while !resumed, Date() < deadline {
                resumed = daemon.ctl(["resume"]).status == 0
                if !resumed { usleep(100_000) }
            }
            #expect(resumed, "\(path.fault): resume after \(path.clear)")
        }
        #expect(daemon.ctl(["stop"]).status == 0)
        let again = daemon.ctl(DaemonHarness.referenceStart + ["--patient-id", "S-2"])
        #expect(again.status == 0, "a new start after stop: \(again.stderr)")
        #expect(try daemon.waitFor(timeout: 10) { $0.state == .running }.state == .running)
        _ = daemon.ctl(["stop"])
    }
}

@Suite("Resume during an occlusion back-off (real binaries)", .serialized)
struct BackOffResumeEndToEndTests {
    @Test("HAZ-004: the reviewer's reproduction — ack occlusion and resume as soon as the state is alarm: resume is refused while the back-off retracts, no step-mismatch, never running with the motor off and no alarm")
    func resumeDuringBackOff() throws {
        let daemon = try DaemonHarness(speed: 2)
        try daemon.start()
        #expect(daemon.ctl(["vitals", "--sbp", "120", "--dbp", "80", "--hr", "70", "--spo2", "97"]).status == 0)
        try #require(daemon.ctl(DaemonHarness.referenceStart + ["--patient-id", "B-1"]).status == 0)
        _ = try daemon.waitFor(timeout: 20) { $0.deliveredMl > 0.05 }
        #expect(daemon.ctl(["sim", "inject", "occlusion"]).status == 0)
        let alarmed = try daemon.waitFor(timeout: 30) { $0.state == .alarm }
        try #require(alarmed.state == .alarm, "no occlusion alarm: \(alarmed.alarms.map(\.code))")
        let retracting = alarmed.motorEnabled   // ENABLE on in the alarm state is the back-off
        _ = daemon.ctl(["ack", "occlusion"])
        let resume = daemon.ctl(["resume"])
        let enabledNow = try daemon.status().motorEnabled
        print("back-off running when resume was sent: \(retracting || enabledNow)")
        if retracting || enabledNow {
            #expect(resume.status != 0, "resume accepted during the back-off: \(resume.stdout)")
            #expect(resume.stderr.contains("back-off"), "\(resume.stderr)")
        }
        // For the next seconds: no step-mismatch (the first version's only symptom) and never a silent stop.
        let deadline = Date().addingTimeInterval(5)
        while Date() < deadline {
            let status = try daemon.status()
            #expect(!status.alarms.contains { $0.code == "step-mismatch" }, "step-mismatch: \(status.alarms.map(\.code))")
            let silentStop = status.state == .running && !status.motorEnabled && status.alarms.allSatisfy { $0.priority != .high }
            #expect(!silentStop, "running with the motor off and no alarm")
            usleep(100_000)
        }
        _ = daemon.ctl(["stop"])
    }
}
