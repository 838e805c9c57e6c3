// End-to-end: IEC 60601-1-8 alarm signal handling through the real pumpd and pumpctl on the simulator —
// `pumpctl silence` pauses the buzzer (the simulated plant's alarm output record, `sim_buzzer_audible`) while
// the alarm stays listed, the sound returns by itself after alarm_audio_pause_s of pump time (scaled by
// --sim-speed), an unanswered medium alarm escalates to high, and `pumpctl watch` in tmux shows AUDIO PAUSED
// with a countdown and silences on the s key. Every wait is for an outcome under a deadline.
import Foundation
import PumpProtocol
import Testing
#if canImport(Glibc)
import Glibc
#endif

@Suite("Alarm audio pause and escalation end to end", .serialized)
struct AlarmSignalEndToEndTests {
    @Test("silence: buzzer off and alarm still listed; back by itself after 120 s of pump time at 50× (2.4 s); journaled with the peer")
    func silenceAndReturn() throws {
        let daemon = try DaemonHarness(speed: 50, extraConfiguration: "alarm_audio_pause_s = 120\n")
        try daemon.start()
        #expect(daemon.ctl(["estop"]).status == 0)
        let alarmed = try daemon.waitFor(timeout: 10) { $0.alarms.contains { $0.code == "estop" } && $0.simBuzzerAudible == true }
        #expect(alarmed.audioPaused == false)
        #expect(alarmed.alarms.first?.audioPausedUntil == nil && alarmed.alarms.first?.escalated == false)

        let silencedAt = Date()
        let silence = daemon.ctl(["silence"])
        #expect(silence.status == 0, "\(silence.stderr)")
        #expect(silence.stdout.contains("Alarm audio paused until"), "\(silence.stdout)")
        let paused = try daemon.status()
        #expect(paused.simBuzzerAudible == false, "the simulated buzzer is silent")
        #expect(paused.audioPaused == true)
        let estop = try #require(paused.alarms.first { $0.code == "estop" }, "the alarm is still listed")
        let until = try #require(estop.audioPausedUntil)
        // 120 s of pump time at 50× is 2.4 s of wall time.
        #expect(abs(until.timeIntervalSince(silencedAt) - 2.4) < 1.0, "paused until \(until), \(until.timeIntervalSince(silencedAt)) s")
        #expect(paused.state == alarmed.state && !paused.motorEnabled, "silencing changes nothing else")

        // status --json shows the keys as the issue names them.
        let json = daemon.ctl(["status", "--json"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let first = try #require((object["alarms"] as? [[String: Any]])?.first)
        #expect(first["audio_paused_until"] is String && first["escalated"] as? Bool == false)

        let back = try daemon.waitFor(timeout: 15) { $0.simBuzzerAudible == true }
        let returnedAfter = Date().timeIntervalSince(silencedAt)
        #expect(returnedAfter > 1.5, "the sound came back after \(returnedAfter) s, before its time")
        #expect(back.audioPaused == false && back.alarms.first?.audioPausedUntil == nil)
        #expect(back.alarms.contains { $0.code == "estop" })

        // The journal names who silenced it.
        let log = daemon.ctl(["log", "--limit", "20"])
        let user = String(cString: getpwuid(getuid()).pointee.pw_name)
        #expect(log.stdout.contains("\(user) paused the alarm audio of estop"), "\(log.stdout)")

        // Nothing to silence once acknowledged.
        #expect(daemon.ctl(["ack", "estop"]).status == 0)
        let refused = daemon.ctl(["silence"])
        #expect(refused.status != 0 && refused.stderr.contains("nothing to silence"), "\(refused.stderr)")
    }

    @Test("a medium alarm nobody acknowledges escalates to high after alarm_escalation_min (pump time)")
    func escalation() throws {
        let daemon = try DaemonHarness(speed: 100, extraConfiguration: "alarm_escalation_min = 2\n")
        try daemon.start()
        #expect(daemon.ctl(DaemonHarness.referenceStart).status == 0)
        _ = try daemon.waitFor(timeout: 20) { $0.deliveredMl > 0.2 }
        #expect(daemon.ctl(["pause"]).status == 0)
        // paused-too-long (medium) after the profile's 2 min, escalated 2 min later: 2.4 s of wall time at 100×.
        let medium = try daemon.waitFor(timeout: 20) { $0.alarms.contains { $0.code == "paused-too-long" } }
        let reminder = try #require(medium.alarms.first { $0.code == "paused-too-long" })
        if !reminder.escalated { #expect(reminder.priority == .medium) }
        let escalated = try daemon.waitFor(timeout: 20) { $0.alarms.contains { $0.code == "paused-too-long" && $0.escalated } }
        let alarm = try #require(escalated.alarms.first { $0.code == "paused-too-long" })
        #expect(alarm.priority == .high)
        #expect(escalated.simBuzzerAudible == true)
        let log = daemon.ctl(["log", "--limit", "30"])
        #expect(log.stdout.contains("escalated from medium to high"), "\(log.stdout)")
        #expect(daemon.ctl(["stop"]).status == 0)
    }

    @Test("watch in tmux: s silences, the screen shows AUDIO PAUSED with a countdown, and it ends by itself",
          .enabled(if: TmuxSession.available, "tmux is not installed"))
    func watchShowsCountdown() throws {
        let daemon = try DaemonHarness(speed: 1, extraConfiguration: "control_period_ms = 200\nalarm_audio_pause_s = 8\n")
        try daemon.start()
        let environment = ["TERM": "xterm-256color", "TZ": "UTC", "PATH": "/usr/bin:/bin", "NO_COLOR": "1"]
        let tmux = try TmuxSession(command: [Binaries.pumpctl.path, "watch", "--interval-ms", "200", "--socket", daemon.socket],
                                   environment: environment, unset: [])
        defer { tmux.close() }
        _ = tmux.waitForScreen(timeout: 10) { $0.contains("IDLE") }
        #expect(daemon.ctl(["estop"]).status == 0)
        let alarmed = tmux.waitForScreen(timeout: 10) { $0.contains("*** HIGH estop") }
        #expect(alarmed.contains("Press s to pause the alarm audio"), "\(alarmed)")

        tmux.send("s")
        let first = tmux.waitForScreen(timeout: 10) { $0.contains("AUDIO PAUSED 0:0") }
        let shown = try #require(Self.countdown(first), "no countdown on screen: \(first)")
        #expect(shown <= 8 && shown >= 1)
        #expect(first.contains("*** HIGH estop"), "the alarm stays on screen")
        #expect(WatchEndToEndTests.fits(first), "\(first)")
        #expect(try daemon.status().simBuzzerAudible == false)
        // The countdown runs down.
        let later = tmux.waitForScreen(timeout: 10) { Self.countdown($0).map { $0 < shown } ?? false }
        #expect(Self.countdown(later).map { $0 < shown } == true, "\(later)")
        // And ends by itself: the banner goes and the buzzer sounds again.
        let ended = tmux.waitForScreen(timeout: 15) { !$0.contains("AUDIO PAUSED") && $0.contains("*** HIGH estop") }
        #expect(!ended.contains("AUDIO PAUSED"), "\(ended)")
        #expect(try daemon.waitFor(timeout: 5) { $0.simBuzzerAudible == true }.simBuzzerAudible == true)
    }

    /// Seconds left in "AUDIO PAUSED m:ss" on `screen`.
    static func countdown(_ screen: String) -> Int? {
        guard let range = screen.range(of: "AUDIO PAUSED ") else { return nil }
        let text = screen[range.upperBound...].prefix { $0.isNumber || $0 == ":" }
        let parts = text.split(separator: ":")
        guard parts.count == 2, let minutes = Int(parts[0]), let seconds = Int(parts[1]) else { return nil }
        return minutes * 60 + seconds
    }
}
