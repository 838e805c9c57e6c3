// End-to-end: pumpctl's CLI conventions with the real binaries — global options before or after the
// subcommand, `--json` printing the result object, `--raw` the protocol lines, `--version`, the completion
// script and the man page generated from the same command definitions.
import Foundation
import PumpProtocol
import Testing

@Suite("pumpctl CLI conventions end to end", .serialized)
struct CLIConventionsEndToEndTests {
    /// Runs `script` with /bin/sh (a pipeline as a script author would write it).
    static func shell(_ script: String) -> CommandResult { runProcess("/bin/sh", ["-c", script]) }

    static var pumpctl: String { Binaries.pumpctl.path }

    @Test("pumpctl --socket S --json status | python3 … prints the state; options work on both sides")
    func globalOptionsAndStatusObject() throws {
        let daemon = try DaemonHarness(speed: 100)
        try daemon.start()
        let piped = Self.shell("""
            '\(Self.pumpctl)' --socket '\(daemon.socket)' --json status | python3 -c 'import json,sys; print(json.load(sys.stdin)["state"])'
            """)
        #expect(piped.status == 0, "\(piped.stderr)")
        #expect(piped.stdout == "idle\n")

        let after = Self.shell("'\(Self.pumpctl)' status --json --socket '\(daemon.socket)'")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(after.stdout.utf8)) as? [String: Any])
        #expect(object["state"] as? String == "idle")
        #expect(object["delivered_mg"] != nil && object["alarms"] != nil)

        let fromEnvironment = Self.shell("PUMPD_SOCKET='\(daemon.socket)' '\(Self.pumpctl)' --json status")
        #expect(fromEnvironment.status == 0 && fromEnvironment.stdout.contains("\"state\":\"idle\""))

        // --raw keeps the protocol envelope (one line per request).
        let raw = Self.shell("'\(Self.pumpctl)' --raw --socket '\(daemon.socket)' status")
        guard case .success(let response) = LineCodec.decodeResponse(Data(raw.stdout.utf8.dropLast())),
              case .status(let report)? = response.result else {
            Issue.record("unreadable raw line: \(raw.stdout)")
            return
        }
        #expect(report.state == .idle)

        // Another command's --json is its own result object; a refusal is {"error": …} and a non-zero exit.
        let ack = Self.shell("'\(Self.pumpctl)' --json --socket '\(daemon.socket)' ack")
        #expect(ack.status != 0)
        let refusal = try #require(try JSONSerialization.jsonObject(with: Data(ack.stdout.utf8)) as? [String: Any])
        #expect(refusal["error"] != nil)
        let both = Self.shell("'\(Self.pumpctl)' --json --raw --socket '\(daemon.socket)' status")
        #expect(both.status == Int32(ExitStatus.usage.rawValue), "--json with --raw is a usage error")
    }

    @Test("--version prints the version and the protocol version; the bash completion script is ArgumentParser's")
    func versionAndCompletion() {
        let version = Self.shell("'\(Self.pumpctl)' --version")
        #expect(version.status == 0)
        #expect(version.stdout == versionLine(program: "pumpctl") + "\n")
        for shell in ["bash", "zsh", "fish"] {
            let completion = Self.shell("'\(Self.pumpctl)' --generate-completion-script \(shell)")
            #expect(completion.status == 0)
            #expect(completion.stdout.contains("silence") || completion.stdout.contains("status"))
        }
        let bash = Self.shell("'\(Self.pumpctl)' --generate-completion-script bash | bash -n")
        #expect(bash.status == 0, "\(bash.stderr)")
    }

    @Test("docs/man/pumpctl.1 is generated from the current command definitions (scripts/gen-man.sh)")
    func manPageUpToDate() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let page = try String(contentsOf: root.appendingPathComponent("docs/man/pumpctl.1"), encoding: .utf8)
        let dump = Self.shell("env -u PUMPD_SOCKET '\(Self.pumpctl)' --experimental-dump-help | sha256sum | cut -d' ' -f1")
        let digest = dump.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(digest.count == 64)
        #expect(page.contains("source-sha256: \(digest)"), "docs/man/pumpctl.1 is out of date: run scripts/gen-man.sh")
        // Every subcommand is in the page.
        for name in ["start", "status", "pause", "resume", "titrate", "stop", "estop", "ack", "silence",
                     "resume-interrupted", "log", "watch", "sessions", "report", "sim", "vitals"] {
            #expect(page.contains(name), "man page lacks \(name)")
        }
    }
}
