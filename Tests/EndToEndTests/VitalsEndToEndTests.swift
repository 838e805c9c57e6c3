// End to end through the real pumpd and pumpctl on the simulator: the pre-start blood-pressure check, the
// vital-sign interlock driven by the simulated patient monitor with an injected hypertensive surge, and the
// plasma-concentration estimate in status (HAZ-015).
import Foundation
import PumpProtocol
import Testing

@Suite("Vital signs and plasma estimate end to end", .serialized)
struct VitalsEndToEndTests {
    @Test("HAZ-015: BP 150/90 before start needs an override reason; with one the infusion runs, and status shows a labelled plasma estimate that continues after the end")
    func preStartOverrideAndPlasma() throws {
        let daemon = try DaemonHarness(speed: 100)
        try daemon.start()
        let entered = daemon.ctl(["vitals", "--sbp", "150", "--dbp", "90", "--hr", "88", "--spo2", "97"])
        #expect(entered.status == 0, "\(entered.stderr)")
        let refused = daemon.ctl(DaemonHarness.referenceStart + ["--patient-id", "V-1"])
        #expect(refused.status == 1, "\(refused.stdout) \(refused.stderr)")
        #expect(refused.stderr.contains("150/90") && refused.stderr.contains("140/90"), "\(refused.stderr)")
        #expect(try daemon.status().state == .idle)
        let started = daemon.ctl(DaemonHarness.referenceStart + ["--patient-id", "V-1", "--override-reason", "Known hypertension, cleared by the anaesthetist"])
        #expect(started.status == 0, "\(started.stderr)")
        let status = try daemon.status()
        #expect(status.vitals?.sbpMmHg == 150 && status.vitals?.source == .manual)
        let done = try daemon.waitFor(timeout: 60) { $0.state == .completed }
        #expect(done.state == .completed, "alarms \(done.alarms.map(\.code)) log \(daemon.daemonLog())")
        // C(40 min) = 177.3 ng/mL for this program (Clements & Nimmo); the status just after completion is
        // a little later, so a little lower, never higher. How much lower depends on how late the poll saw the
        // completion (at 200x, one loaded second is 3 virtual minutes), so the lower figure is reported, not
        // judged; the model's decay itself is checked below and in PlasmaConcentrationTests.
        let plasma = try #require(done.plasmaNgPerMl)
        #expect(plasma > 100 && plasma <= 177.5, "plasma \(plasma)")
        print("vitals-e2e plasma at first completed status: \(plasma) ng/mL (model at 40:00: 177.3)")
        #expect(done.plasmaModel == "clements-nimmo-1981")
        #expect(done.plasmaLabel?.contains("population-model estimate") == true)
        // After the end the estimate decays: wait for a lower value under a deadline (no fixed sleep).
        let decayed = try daemon.waitFor(timeout: 30) { ($0.plasmaNgPerMl ?? .infinity) < plasma }
        let later = try #require(decayed.plasmaNgPerMl)
        #expect(later < plasma && later > 100, "after the end: \(later) vs \(plasma)")
        let text = daemon.ctl(["status"])
        #expect(text.stdout.contains("Plasma") && text.stdout.contains("population-model estimate"))
        let log = daemon.ctl(["log", "--limit", "100"])
        #expect(log.stdout.contains("vitals-decision") && log.stdout.contains("Known hypertension"), "\(log.stdout)")
    }

    @Test("HAZ-015: a simulated hypertensive surge pauses the infusion with a high alarm; it stays paused until a reading is in range, ack and resume")
    func surgePausesUntilAckAndResume() throws {
        let daemon = try DaemonHarness(speed: 100)
        daemon.extraConfig = "sim_vitals = true\nsim_vitals_interval_s = 60\n"
        try daemon.start()
        #expect(daemon.ctl(["vitals", "--sbp", "124", "--dbp", "78", "--hr", "70", "--spo2", "98"]).status == 0)
        let started = daemon.ctl(DaemonHarness.referenceStart)
        #expect(started.status == 0, "\(started.stderr)")
        let monitored = try daemon.waitFor(timeout: 10) { $0.vitals?.source == .simulator }
        #expect(monitored.vitals?.source == .simulator && monitored.state == .running)
        #expect(daemon.ctl(["sim", "inject", "hypertensive-surge"]).status == 0)
        let tripped = try daemon.waitFor(timeout: 10) { $0.state == .alarm }
        #expect(tripped.state == .alarm && !tripped.motorEnabled, "\(tripped.alarms.map(\.code)) \(daemon.daemonLog())")
        #expect(tripped.alarms.contains { $0.code == "vitals-out-of-range" && $0.priority == .high })
        #expect(tripped.vitals.map { $0.sbpMmHg >= 180 } == true)
        usleep(1_500_000)   // 5 virtual minutes: still stopped
        let held = try daemon.status()
        #expect(held.state == .alarm && !held.motorEnabled && held.deliveredMl == tripped.deliveredMl)
        // The newest reading is still high: acknowledging is refused, and so is resuming.
        let earlyAck = daemon.ctl(["ack", "vitals-out-of-range"])
        #expect(earlyAck.status == 1 && earlyAck.stderr.contains("still out of range"), "\(earlyAck.stderr)")
        #expect(daemon.ctl(["resume"]).status == 1)
        #expect(daemon.ctl(["sim", "inject", "hypertensive-surge-release"]).status == 0)
        let settled = try daemon.waitFor(timeout: 10) { $0.vitals?.outOfRange.isEmpty == true }
        #expect(settled.vitals?.outOfRange.isEmpty == true && settled.state == .alarm)
        let ack = daemon.ctl(["ack", "vitals-out-of-range"])
        #expect(ack.status == 0, "\(ack.stderr)")
        let paused = try daemon.status()
        #expect(paused.state == .paused && !paused.motorEnabled && paused.deliveredMl == tripped.deliveredMl)
        #expect(daemon.ctl(["resume"]).status == 0)
        let done = try daemon.waitFor(timeout: 60) { $0.state == .completed }
        #expect(done.state == .completed && abs(done.deliveredMg - 35) < 0.001, "\(done.alarms.map(\.code))")
        let log = daemon.ctl(["log", "--limit", "300"])
        #expect(log.stdout.contains("simulated-monitor") && log.stdout.contains("vitals-out-of-range"), "\(log.stdout)")
    }

    @Test("HAZ-015: implausible vital signs are refused with a sentence and change nothing; sim surge needs --sim-vitals")
    func refusals() throws {
        let daemon = try DaemonHarness(speed: 100)
        try daemon.start()
        let typo = daemon.ctl(["vitals", "--sbp", "1500", "--dbp", "90", "--hr", "88", "--spo2", "97"])
        #expect(typo.status == 1 && typo.stderr.contains("1500"), "\(typo.stderr)")
        #expect(try daemon.status().vitals == nil)
        let surge = daemon.ctl(["sim", "inject", "hypertensive-surge"])
        #expect(surge.status == 1 && surge.stderr.contains("--sim-vitals"), "\(surge.stderr)")
    }
}
