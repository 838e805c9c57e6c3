// Issue 11 item 9 with the real binaries: a wall clock behind the journal (an SBC without RTC booting at its last
// shutdown, or 1970) is `clock-invalid` (medium) in status, and the 12 h repeat-dose guard fails closed.
import Foundation
import PumpProtocol
import Testing

@Suite("Clock sanity across restarts (real binaries)", .serialized)
struct ClockSanityEndToEndTests {
    @Test("HAZ-012: a clock behind the journal raises clock-invalid and the repeat-dose guard fails closed although the clock says 14 h passed")
    func clockBehindJournal() throws {
        let daemon = try DaemonHarness(speed: 100)
        try daemon.start()
        #expect(daemon.ctl(["vitals", "--sbp", "120", "--dbp", "80", "--hr", "70", "--spo2", "97"]).status == 0)
        try #require(daemon.ctl(DaemonHarness.referenceStart + ["--patient-id", "C-1"]).status == 0)
        _ = try daemon.waitFor(timeout: 10) { $0.deliveredMl > 0.5 }
        #expect(daemon.ctl(["stop"]).status == 0)
        daemon.stop()
        // 20 h later the pump is used again (a reading is journaled), then powered off.
        daemon.environment = ["PUMPD_SIM_WALL_CLOCK_OFFSET_S": String(20 * 3600)]
        try daemon.start()
        #expect(try daemon.status().alarms.contains { $0.code == "clock-invalid" } == false)
        #expect(daemon.ctl(["vitals", "--sbp", "121", "--dbp", "80", "--hr", "70", "--spo2", "97"]).status == 0)
        daemon.stop()
        // It comes back with its clock at "14 h after the session": behind the journal's newest record (no RTC).
        daemon.environment = ["PUMPD_SIM_WALL_CLOCK_OFFSET_S": String(14 * 3600)]
        try daemon.start()
        let status = try daemon.status()
        let alarm = status.alarms.first { $0.code == "clock-invalid" }
        #expect(alarm?.priority == .medium, "alarms: \(status.alarms.map(\.code))")
        // By that clock 14 h > 12 h have passed, yet the guard fails closed: an override reason is needed.
        let repeated = daemon.ctl(DaemonHarness.referenceStart + ["--patient-id", "C-1"])
        #expect(repeated.status != 0, "the repeat-dose guard must fail closed with an untrusted clock")
        #expect(try daemon.status().state != .running)
        let overridden = daemon.ctl(DaemonHarness.referenceStart + ["--patient-id", "C-1", "--override-reason", "Clock checked against the ward clock"])
        #expect(overridden.status == 0, "\(overridden.stderr)")
        _ = daemon.ctl(["stop"])
    }

    @Test("HAZ-012: a clock before the build date (an SBC at 1970) is clock-invalid")
    func clockBeforeBuild() throws {
        let daemon = try DaemonHarness(speed: 100)
        daemon.environment = ["PUMPD_SIM_WALL_CLOCK_OFFSET_S": String(-56.0 * 365 * 86_400)]
        try daemon.start()
        #expect(try daemon.status().alarms.contains { $0.code == "clock-invalid" })
    }
}
