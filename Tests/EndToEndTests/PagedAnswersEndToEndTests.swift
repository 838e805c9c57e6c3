// Issue 11 item 5, end to end: a clinical record too long for one protocol line still comes out whole. A
// session with 1,000 pause/resume pairs (sent on one raw connection, as a script would, so the test does not
// spend two thousand pumpctl start-ups) renders in HTML, CSV and JSON with every event listed, and `log` returns
// thousands of entries; the daemon sends the answers as part lines (`max_parts`) that pumpctl reassembles.
import Foundation
import PumpProtocol
import Testing

@Suite("Long answers in parts, end to end", .serialized)
struct PagedAnswersEndToEndTests {
    /// Sends `pairs` pause/resume pairs over one connection and prints how many of each were answered ok.
    static let pauseResumeScript = """
        import socket, sys
        path, pairs = sys.argv[1], int(sys.argv[2])
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.connect(path)
        f = s.makefile('rb')
        ok = 0
        for i in range(pairs):
            for command in ("pause", "resume"):
                s.sendall(b'{"v":1,"id":"%s%d","command":"%s"}\\n' % (command.encode(), i, command.encode()))
                if b'"ok":true' in f.readline(): ok += 1
        print(ok, flush=True)
        """

    @Test("A session with 1,000 pause/resume pairs renders whole in HTML, CSV and JSON; log returns 3,000 entries")
    func thousandPauseResumePairs() throws {
        let pairs = 1_000
        // A slow pump clock: the program cannot end while the pairs are sent.
        let daemon = try DaemonHarness(speed: 2)
        try daemon.start()
        let started = daemon.ctl(DaemonHarness.referenceStart + ["--patient-id", "PAGED-1"])
        try #require(started.status == 0, "\(started.stderr)")
        _ = try daemon.waitFor(timeout: 10) { $0.state == .running }
        let sent = runProcess("/usr/bin/python3", ["-c", Self.pauseResumeScript, daemon.socket, String(pairs)])
        #expect(sent.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == String(2 * pairs), "\(sent.stdout) \(sent.stderr)")
        #expect(daemon.ctl(["stop"]).status == 0)
        let stopped = try daemon.waitFor(timeout: 10) { $0.state == .stopped }
        try #require(stopped.state == .stopped)

        // The session's close record is journaled off the control path: wait for it in the report itself.
        let jsonPath = daemon.directory.appendingPathComponent("report.json").path
        var report: SessionReportDTO?
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline {
            let run = daemon.ctl(["report", "--format", "json", "--output", jsonPath])
            try #require(run.status == 0, "report failed: \(run.stderr)")
            let decoded = try ReportJSON.decode(Data(contentsOf: URL(fileURLWithPath: jsonPath)))
            report = decoded
            if decoded.session.outcome == "stopped" { break }
            usleep(100_000)
        }
        let whole = try #require(report)
        #expect(whole.session.outcome == "stopped")
        #expect(whole.eventsOmitted == 0, "\(whole.eventsOmitted) events left out")
        // The nurse's commands (the engine's own state-change records of the same kind name pumpd, uid nil).
        let pauses = whole.events.filter { $0.kind == "pause" && $0.actor.uid != nil }
        let resumes = whole.events.filter { $0.kind == "resume" && $0.actor.uid != nil }
        #expect(pauses.count == pairs)
        #expect(resumes.count == pairs)
        #expect(whole.events.contains { $0.kind == "stop" })
        // The answer really was longer than one line: the same report as one line could not be sent.
        let oneLine = LineCodec.unlimitedLength(of: .success(id: "x", .report(whole))) ?? 0
        #expect(oneLine > LineCodec.maxLineBytes, "only \(oneLine) bytes; the test does not exercise parts")

        let html = daemon.ctl(["report", "--format", "html"])
        try #require(html.status == 0, "\(html.stderr)")
        // Every pause command is a row of the HTML record (later state-change records may have joined it).
        #expect(html.stdout.components(separatedBy: pauses.first?.summary ?? "Paused by").count - 1 == pairs)
        #expect(!html.stdout.contains("routine events are not listed"))
        #expect(html.stdout.hasSuffix("</html>\n") || html.stdout.hasSuffix("</html>"))
        let csv = daemon.ctl(["report", "--format", "csv"])
        try #require(csv.status == 0, "\(csv.stderr)")
        // The header row follows the "# library" comment lines that name the libraries in force.
        #expect(csv.stdout.components(separatedBy: "\r\n").contains(ReportCSV.columns.joined(separator: ",")))
        #expect(csv.stdout.contains("delivery"))

        // log: more entries than one line holds, each one there, newest last.
        let log = daemon.ctl(["log", "--limit", "3000", "--json"])
        try #require(log.status == 0, "\(log.stderr)")
        let entries = try #require(try JSONSerialization.jsonObject(with: Data(log.stdout.utf8)) as? [[String: Any]])
        let sequence = entries.compactMap { $0["seq"] as? Int }
        #expect(sequence.count == 3_000)
        #expect(Set(sequence).count == 3_000)
        #expect(sequence == sequence.sorted(by: >), "log lists newest first")
    }

    @Test("A client that does not allow parts gets the one-line answer or a line-too-long refusal, never a part")
    func clientWithoutParts() throws {
        let daemon = try DaemonHarness(speed: 2)
        try daemon.start()
        try #require(daemon.ctl(DaemonHarness.referenceStart + ["--patient-id", "PAGED-2"]).status == 0)
        _ = try daemon.waitFor(timeout: 10) { $0.state == .running }
        _ = runProcess("/usr/bin/python3", ["-c", Self.pauseResumeScript, daemon.socket, "400"])
        let script = """
            import socket, sys
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.connect(sys.argv[1])
            s.sendall(b'{"v":1,"id":"old","command":"log","params":{"limit":500}}\\n')
            s.sendall(b'{"v":1,"id":"bad","command":"log","params":{"limit":5},"max_parts":0}\\n')
            f = s.makefile('rb')
            print(f.readline().decode().strip())
            print(f.readline().decode().strip())
            """
        let answers = runProcess("/usr/bin/python3", ["-c", script, daemon.socket]).stdout.split(separator: "\n").map(String.init)
        try #require(answers.count == 2, "\(answers)")
        guard case .success(let old) = LineCodec.decodeResponse(Data(answers[0].utf8)) else { throw HarnessError("unreadable: \(answers[0])") }
        #expect(old.part == nil)
        #expect(old.error?.code == .lineTooLong || { if case .log(let entries)? = old.result { entries.count == 500 } else { false } }())
        guard case .success(let bad) = LineCodec.decodeResponse(Data(answers[1].utf8)) else { throw HarnessError("unreadable: \(answers[1])") }
        #expect(bad.error?.code == .badRequest)
    }
}
