// End-to-end: `pumpctl watch` as a person sees it, in a detached 80×24 tmux terminal, while a session is
// driven with pumpctl. Checks the captured screen (the numbers, the alarm banner, the 80×24 fit), the raw
// terminal stream (redraw in place with cursor-home, one bell for a new high-priority alarm, no colour codes
// under NO_COLOR) and that nothing scrolled into tmux's history.
//
// pumpd runs in real time with a 200 ms control period (heartbeat tolerance 400 ms) so a heavily loaded
// machine does not trip `heartbeat-missed` before the screen has been read; the alarm is a command (estop),
// not a timing-dependent plant fault.
import Foundation
import PumpProtocol
import Testing

@Suite("pumpctl watch under tmux", .serialized, .enabled(if: TmuxSession.available, "tmux is not installed (scripts/setup-debian.sh installs it)"))
struct WatchEndToEndTests {
    static func daemon() throws -> DaemonHarness {
        let daemon = try DaemonHarness(speed: 1)
        daemon.extraConfig = "control_period_ms = 200\n"
        try daemon.start()
        return daemon
    }

    static func watch(_ daemon: DaemonHarness, color: Bool) throws -> (TmuxSession, String) {
        var environment = ["TERM": "xterm-256color", "TZ": "UTC", "PATH": "/usr/bin:/bin"]
        if !color { environment["NO_COLOR"] = "1" }
        let tmux = try TmuxSession(command: [Binaries.pumpctl.path, "watch", "--interval-ms", "200", "--socket", daemon.socket],
                                   environment: environment, unset: color ? ["NO_COLOR"] : [])
        let raw = daemon.directory.appendingPathComponent("terminal.raw").path
        tmux.logOutput(to: raw)
        return (tmux, raw)
    }

    /// Every captured line fits 80 columns and the screen has at most 24 lines.
    static func fits(_ screen: String) -> Bool {
        let lines = screen.components(separatedBy: "\n").dropLast(screen.hasSuffix("\n") ? 1 : 0)
        return lines.count <= 24 && lines.allSatisfy { $0.count <= 80 }
    }

    static func rawBytes(_ path: String) -> [UInt8] { [UInt8](FileManager.default.contents(atPath: path) ?? Data()) }

    /// SGR sequences (ESC [ digits/semicolons m): colours and text attributes.
    static func sgrCount(_ bytes: [UInt8]) -> Int {
        var count = 0
        var index = 0
        while index + 1 < bytes.count {
            if bytes[index] == 0x1B, bytes[index + 1] == UInt8(ascii: "[") {
                var end = index + 2
                while end < bytes.count, (0x30...0x3B).contains(bytes[end]) { end += 1 }
                if end < bytes.count, bytes[end] == UInt8(ascii: "m") { count += 1 }
                index = end
            } else {
                index += 1
            }
        }
        return count
    }

    @Test("the live view shows amounts, rate, time left, plasma estimate and vitals, then a high alarm banner with one bell, in 80×24, in place, without colour under NO_COLOR")
    func liveView() throws {
        let daemon = try Self.daemon()
        let (tmux, raw) = try Self.watch(daemon, color: false)
        defer { tmux.close() }
        let idle = tmux.waitForScreen(timeout: 10) { $0.contains("IDLE") && $0.contains("Updated") }
        #expect(idle.contains("pumpctl watch") && idle.contains("IDLE"), "\(idle)")

        try #require(daemon.ctl(DaemonHarness.referenceStart + ["--patient-id", "W-1"]).status == 0)
        try #require(daemon.ctl(["vitals", "--sbp", "128", "--dbp", "81", "--hr", "72", "--spo2", "98"]).status == 0)
        let running = tmux.waitForScreen(timeout: 15) {
            $0.contains("RUNNING") && !$0.contains("Delivered   0.00 mg") && $0.contains("Vitals") && $0.contains("Plasma")
        }
        #expect(running.contains("RUNNING"), "\(running)")
        #expect(running.contains("Patient W-1 · dosing weight 70.0 kg"))
        #expect(running.contains("ketamine 1.00 mg/mL"))
        #expect(running.contains(" / 35.00 mg") && running.contains(" / 35.00 mL"))
        #expect(running.contains("Rate        52.50 mL/h") && running.contains("0.75 mg/kg/h"))
        #expect(running.contains("Remaining 39:") || running.contains("Remaining 40:00"), "\(running)")
        #expect(running.contains("Motor enabled"))
        #expect(running.contains("[░") && running.contains("]   0 %"))
        #expect(running.contains("No active alarms"))
        // The plasma estimate (labelled as a model estimate) and the last vital signs with their age.
        #expect(running.contains("ng/mL est. (clements-nimmo-1981, population model)"), "\(running)")
        #expect(running.contains("Vitals      128/81 mmHg, HR 72 bpm, SpO2 98 % (manual, 00:"), "\(running)")
        #expect(Self.fits(running), "\(running)")

        // A new high-priority alarm: a banner with its priority marker, code and message, and one bell.
        let bellsBefore = Self.rawBytes(raw).filter { $0 == 0x07 }.count
        #expect(bellsBefore == 0)
        #expect(daemon.ctl(["estop"]).status == 0)
        let alarmed = tmux.waitForScreen(timeout: 10) { $0.contains("*** HIGH estop") }
        #expect(alarmed.contains("*** HIGH estop: Emergency stop"), "\(alarmed)")
        #expect(alarmed.contains("ALARM") && alarmed.contains("Motor disabled") && alarmed.contains("Acknowledge with: pumpctl ack CODE"))
        #expect(Self.fits(alarmed), "\(alarmed)")
        let status = try daemon.status()
        #expect(alarmed.contains(QuantityFormat.mg(status.deliveredMg) + " / 35.00 mg"), "pumpd says \(status.deliveredMg) mg")
        usleep(1_000_000) // several more refreshes with the same alarm
        #expect(Self.rawBytes(raw).filter { $0 == 0x07 }.count == 1, "one bell per new high-priority alarm")
        #expect(tmux.value("#{window_bell_flag}") == "1")

        // In place: every frame starts at cursor-home, nothing scrolled into the history, the pane is 80×24.
        // The count of frames depends on how fast this machine runs: wait for more than ten under a deadline
        // instead of expecting them after a fixed time (a loaded CI counted nine once).
        func frames() -> Int { String(decoding: Self.rawBytes(raw), as: UTF8.self).components(separatedBy: ANSI.home).count }
        let framesDeadline = Date().addingTimeInterval(15)
        while frames() <= 10, Date() < framesDeadline { usleep(100_000) }
        #expect(frames() > 10)
        #expect(tmux.value("#{history_size}") == "0")
        #expect(tmux.value("#{pane_width}x#{pane_height}") == "80x24")
        // NO_COLOR: no colour or attribute code in the stream nor on the screen.
        #expect(Self.sgrCount(Self.rawBytes(raw)) == 0)
        #expect(!tmux.capture(escapes: true).contains("\u{1B}["))

        // Ctrl-C leaves and gives the cursor back.
        tmux.send("C-c")
        let deadline = Date().addingTimeInterval(5)
        while Date() < deadline, !String(decoding: Self.rawBytes(raw), as: UTF8.self).hasSuffix(ANSI.reset + ANSI.showCursor + "\r\n") {
            usleep(100_000)
        }
        #expect(String(decoding: Self.rawBytes(raw), as: UTF8.self).hasSuffix(ANSI.reset + ANSI.showCursor + "\r\n"))
    }

    @Test("without NO_COLOR the banner is coloured by priority: high is white on red")
    func colour() throws {
        let daemon = try Self.daemon()
        let (tmux, raw) = try Self.watch(daemon, color: true)
        defer { tmux.close() }
        try #require(daemon.ctl(DaemonHarness.referenceStart).status == 0)
        _ = tmux.waitForScreen(timeout: 10) { $0.contains("RUNNING") }
        #expect(daemon.ctl(["estop"]).status == 0)
        let screen = tmux.waitForScreen(timeout: 10) { $0.contains("*** HIGH estop") }
        #expect(screen.contains("*** HIGH estop"), "\(screen)")
        #expect(Self.fits(screen))
        let stream = String(decoding: Self.rawBytes(raw), as: UTF8.self)
        #expect(stream.contains("\u{1B}[1;97;41m*** HIGH estop"), "the banner is drawn white on red")
        // tmux re-encodes attributes on capture: red background is SGR 41.
        #expect(tmux.capture(escapes: true).contains("\u{1B}[41m"))
    }
}
