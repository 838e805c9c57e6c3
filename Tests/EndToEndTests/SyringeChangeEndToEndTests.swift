// End-to-end: a program larger than one syringe through the real pumpd and pumpctl on the simulator (issue 14
// item 2). The 4-hour pain program (0.35 mg/kg/h × 85 kg × 4 h = 119 mg = 59.5 mL at 2 mg/mL) runs across two
// bd-50 syringes: near-empty (low) while running, a syringe-change refused while running, syringe-empty (high)
// pausing delivery before the end-of-travel switch, the accepted change, and the whole total delivered within one
// motor step with cumulative totals; the journal, `sessions` and the report show the change. A mood program over
// capacity is still refused, and a crash in the middle of the second syringe recovers that syringe. Every wait is
// for an outcome under a deadline.
import Foundation
import PumpProtocol
import Testing
#if canImport(Glibc)
import Glibc
#endif

@Suite("Syringe change end to end", .serialized)
struct SyringeChangeEndToEndTests {
    static let painStart = [
        "start", "--drug", "ketamine", "--profile", "pain", "--weight-kg", "85", "--rate-mg-per-kg-per-h", "0.35",
        "--duration-min", "240", "--concentration-mg-per-ml", "2", "--syringe", "bd-50", "--fill-ml", "50",
        "--patient-id", "SC-1", "--yes",
    ]

    @Test("4-hour pain program across two syringes at 120× (2 min of real time): near-empty, refused change while running, syringe-empty, accepted change, total within one step")
    func fourHourPainProgramAcrossTwoSyringes() throws {
        let daemon = try DaemonHarness(speed: 100)
        try daemon.start()
        let started = daemon.ctl(Self.painStart)
        try #require(started.status == 0, "\(started.stderr)")
        #expect(started.stdout.contains("continues in a new syringe"), "the program shows that it needs two syringes: \(started.stdout)")
        let first = try daemon.status()
        #expect(abs(first.targetMl - 59.5) < 0.01 && abs(first.targetMg - 119) < 0.02, "target \(first.targetMl) mL")
        #expect(first.syringeIndex == 1)

        // Near-empty (low) comes while still running, 2 mL (8 min at 14.9 mL/h) before the empty point.
        let near = try daemon.waitFor(timeout: 240) { $0.alarms.contains { $0.code == "near-empty" } || $0.state != .running }
        let nearAlarm = try #require(near.alarms.first { $0.code == "near-empty" }, "no near-empty alarm: \(near.state) \(near.alarms.map(\.message))")
        #expect(nearAlarm.priority == .low)
        #expect(near.state == .running && near.syringeIndex == 1)
        #expect(near.deliveredMl > 49.3 - 2.2 && near.deliveredMl < 49.3, "near-empty at \(near.deliveredMl) mL")

        // A syringe change while running is refused with a sentence and changes nothing.
        let refused = daemon.ctl(["syringe-change", "--syringe", "bd-50", "--fill-ml", "50", "--yes"])
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("running"), "\(refused.stderr)")
        let afterRefusal = try daemon.status()
        #expect(afterRefusal.syringeIndex == 1 && afterRefusal.state == .running)

        // Syringe-empty (high) pauses delivery at fill − dead space − margin = 50 − 0.2 − 0.5 = 49.3 mL, before the
        // end-of-travel switch (no end-of-travel alarm).
        let empty = try daemon.waitFor(timeout: 60) { $0.alarms.contains { $0.code == "syringe-empty" } && $0.state == .paused }
        try #require(empty.state == .paused, "no syringe-empty pause: \(empty.state) \(empty.alarms.map(\.code))")
        #expect(empty.alarms.first { $0.code == "syringe-empty" }?.priority == .high)
        #expect(!empty.alarms.contains { $0.code == "end-of-travel" }, "paused before the end-of-travel switch")
        #expect(!empty.motorEnabled)
        #expect(abs(empty.deliveredMl - 49.3) < 0.01, "paused at \(empty.deliveredMl) mL")
        #expect(abs((empty.syringeVolumeLeftMl ?? 0) - 0.7) < 0.01, "left \(empty.syringeVolumeLeftMl ?? -1) mL")
        // Nothing moves while paused, and resume alone is refused: the syringe is empty.
        let resume = daemon.ctl(["resume"])
        #expect(resume.status != 0 && resume.stderr.contains("syringe-change"), "\(resume.stderr)")

        // The wrong model or concentration is refused; the right one is shown, confirmed and continues.
        let wrongModel = daemon.ctl(["syringe-change", "--syringe", "terumo-50", "--fill-ml", "50", "--yes"])
        #expect(wrongModel.status != 0 && wrongModel.stderr.contains("not the program's bd-50"), "\(wrongModel.stderr)")
        let wrongConcentration = daemon.ctl(["syringe-change", "--syringe", "bd-50", "--fill-ml", "50", "--concentration-mg-per-ml", "1", "--yes"])
        #expect(wrongConcentration.status != 0 && wrongConcentration.stderr.contains("concentration"), "\(wrongConcentration.stderr)")
        #expect(try daemon.status().syringeIndex == 1)
        let changed = daemon.ctl(["syringe-change", "--syringe", "bd-50", "--fill-ml", "50", "--yes"])
        try #require(changed.status == 0, "\(changed.stderr)")
        #expect(changed.stdout.contains("Remaining:") && changed.stdout.contains("Expected end:"), "\(changed.stdout)")
        #expect(changed.stdout.contains("it finishes the program"), "\(changed.stdout)")
        let second = try daemon.status()
        #expect(second.syringeIndex == 2)
        #expect(second.state == .running)
        #expect(!second.alarms.contains { $0.code == "syringe-empty" })
        #expect(second.deliveredMl >= empty.deliveredMl - 1e-9, "cumulative, never reset")
        #expect((second.syringeVolumeLeftMl ?? 0) > 49.0, "a fresh syringe: \(second.syringeVolumeLeftMl ?? -1) mL left")

        // status --json carries the syringe keys.
        let json = daemon.ctl(["status", "--json"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(object["syringe_index"] as? Int == 2)
        #expect(object["syringe_volume_left_ml"] is Double)

        // The whole program: delivered within one motor step of the target, in one session.
        let done = try daemon.waitFor(timeout: 240) { $0.state == .completed }
        try #require(done.state == .completed, "not completed: \(done.state), \(done.deliveredMl) mL")
        let target = try #require(done.targetSteps), delivered = try #require(done.deliveredSteps)
        #expect(abs(target - delivered) <= 1, "delivered \(delivered) of \(target) steps")
        #expect(abs(done.deliveredMl - 59.5) < 0.01 && abs(done.deliveredMg - 119) < 0.02, "\(done.deliveredMl) mL")
        #expect(!done.alarms.contains { $0.code == "end-of-travel" })

        // The journal names the change with its fill and the peer; sessions counts it; the report lists the syringes.
        let user = String(cString: getpwuid(getuid()).pointee.pw_name)
        let log = daemon.ctl(["log", "--limit", "200"])
        #expect(log.stdout.contains("Syringe 2 (bd-50, 50 mL filled) loaded by \(user)"), "\(log.stdout)")
        let sessions = daemon.ctl(["sessions", "--json"])
        let list = try #require(try JSONSerialization.jsonObject(with: Data(sessions.stdout.utf8)) as? [[String: Any]])
        #expect(list.first?["syringe_changes"] as? Int == 1, "\(sessions.stdout)")
        #expect(daemon.ctl(["sessions"]).stdout.contains("1 syringe change"))
        let jsonPath = daemon.directory.appendingPathComponent("report.json").path
        #expect(daemon.ctl(["report", "--format", "json", "--output", jsonPath]).status == 0)
        let report = try ReportJSON.decode(Data(contentsOf: URL(fileURLWithPath: jsonPath)))
        let syringes = try #require(report.syringes)
        #expect(syringes.map(\.index) == [1, 2])
        #expect(syringes.map(\.fillMl) == [50, 50])
        #expect(abs(syringes[1].deliveredBeforeMl - 49.3) < 0.01)
        #expect(syringes[1].actor.uid == getuid())
        #expect(report.events.contains { $0.kind == "syringe-change" })
        let htmlPath = daemon.directory.appendingPathComponent("report.html").path
        #expect(daemon.ctl(["report", "--output", htmlPath]).status == 0)
        let html = try String(contentsOfFile: htmlPath, encoding: .utf8)
        #expect(html.contains("id=\"syringes\"") && html.contains(">S2</text>"), "the chart marks the change")
    }

    @Test("A mood program over one syringe is still refused; a mood session refuses a syringe change; a fill too small is refused")
    func moodStillRefused() throws {
        let daemon = try DaemonHarness(speed: 100)
        try daemon.start()
        // 0.75 mg/kg × 70 kg = 52.5 mg = 52.5 mL at 1 mg/mL: more than the 50 mL syringe.
        let over = daemon.ctl(["start", "--drug", "ketamine", "--profile", "mood", "--weight-kg", "70", "--dose-mg-per-kg", "0.75",
                               "--duration-min", "40", "--concentration-mg-per-ml", "1", "--syringe", "bd-50", "--yes"])
        #expect(over.status != 0)
        #expect(over.stdout.contains("capacity") || over.stderr.contains("capacity"), "\(over.stdout) \(over.stderr)")
        #expect(try daemon.status().state == .idle)
        // 35 mL into a syringe filled with 30 mL: refused (mood does not allow a change).
        let underFilled = daemon.ctl(DaemonHarness.referenceStart + ["--fill-ml", "30"])
        #expect(underFilled.status != 0)
        #expect((underFilled.stdout + underFilled.stderr).contains("filled into syringe bd-50"), "\(underFilled.stdout) \(underFilled.stderr)")
        // More than the syringe holds.
        let overFilled = daemon.ctl(DaemonHarness.referenceStart + ["--fill-ml", "60"])
        #expect(overFilled.status != 0 && (overFilled.stdout + overFilled.stderr).contains("Fill volume 60"))
        #expect(try daemon.status().state == .idle)

        #expect(daemon.ctl(DaemonHarness.referenceStart).status == 0)
        _ = try daemon.waitFor(timeout: 20) { $0.deliveredMl > 0.2 }
        #expect(daemon.ctl(["pause"]).status == 0)
        let refused = daemon.ctl(["syringe-change", "--syringe", "bd-50", "--yes"])
        #expect(refused.status != 0 && refused.stderr.contains("does not allow a syringe change"), "\(refused.stderr)")
        #expect(try daemon.status().syringeIndex == 1)
        #expect(daemon.ctl(["stop"]).status == 0)
        // The completion script and the man page carry the new command and flag.
        let completion = runProcess(Binaries.pumpctl.path, ["--generate-completion-script", "bash"])
        #expect(completion.stdout.contains("syringe-change") && completion.stdout.contains("--fill-ml"))
    }

    @Test("A crash in the middle of the second syringe comes back interrupted with syringe 2 in force, and finishes the program")
    func crashMidSecondSyringe() throws {
        let daemon = try DaemonHarness(speed: 100)
        try daemon.start()
        // 0.35 mg/kg/h × 85 kg × 1 h = 29.75 mg = 14.875 mL at 2 mg/mL, in bd-10 syringes (9.9 mL each, 9.4 before
        // the syringe-empty stop).
        let start = ["start", "--drug", "ketamine", "--profile", "pain", "--weight-kg", "85", "--rate-mg-per-kg-per-h", "0.35",
                     "--duration-min", "60", "--concentration-mg-per-ml", "2", "--syringe", "bd-10", "--yes"]
        let started = daemon.ctl(start)
        try #require(started.status == 0, "\(started.stderr)")
        let empty = try daemon.waitFor(timeout: 120) { $0.state == .paused && $0.alarms.contains { $0.code == "syringe-empty" } }
        try #require(empty.state == .paused)
        #expect(abs(empty.deliveredMl - 9.4) < 0.01, "\(empty.deliveredMl)")
        #expect(daemon.ctl(["syringe-change", "--syringe", "bd-10", "--fill-ml", "10", "--yes"]).status == 0)
        let running = try daemon.waitFor(timeout: 40) { $0.deliveredMl > 11 }
        #expect(running.syringeIndex == 2 && running.state == .running)
        daemon.kill9()
        try daemon.start()
        let recovered = try daemon.status()
        #expect(recovered.state == .interrupted)
        #expect(recovered.syringeIndex == 2, "the journaled syringe change survives the crash")
        let known = recovered.deliveredMl + recovered.deliveredUncertaintyMl
        #expect(known >= running.deliveredMl - 0.001)
        let left = try #require(recovered.syringeVolumeLeftMl)
        #expect(abs(left - (10 - (known - 9.4))) < 0.01, "left \(left) after \(known) mL")
        #expect(daemon.ctl(["resume-interrupted", "--yes"]).status == 0)
        let done = try daemon.waitFor(timeout: 120) { $0.state == .completed }
        try #require(done.state == .completed, "\(done.state) \(done.alarms.map(\.code))")
        #expect(abs((done.deliveredSteps ?? 0) - (done.targetSteps ?? -9)) <= 1)
        #expect(done.syringeIndex == 2)
        #expect(!done.alarms.contains { $0.code == "end-of-travel" })
    }
}
