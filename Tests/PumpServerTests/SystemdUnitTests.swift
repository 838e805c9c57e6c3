// Lints the systemd files in systemd/ with systemd's own tools. Nothing is skipped: if a tool is missing the
// test fails and says which package provides it (Debian 12: systemd).
import Foundation
import Testing

@Suite("systemd unit files")
struct SystemdUnitTests {
    static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let systemdDirectory = repository.appendingPathComponent("systemd")
    /// Measured 0.9 ("SAFE") with systemd 252; the margin absorbs scoring changes between systemd versions.
    static let maximumExposure = 1.5
    /// pump-hl7-bridge.service measured 1.1 ("OK": it has a network listener) with systemd 252; same margin.
    static let maximumBridgeExposure = 1.5

    /// Output of a finished command.
    struct Run: Sendable {
        let status: Int32
        let output: String
    }

    /// Runs `tool` with `arguments` (stdout and stderr merged) on its own thread.
    static func run(_ tool: String, _ arguments: [String]) async throws -> Run {
        let candidates = ["/usr/bin/\(tool)", "/bin/\(tool)", "/usr/sbin/\(tool)"]
        guard let path = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw TestClientError(description: "\(tool) not found in /usr/bin, /bin or /usr/sbin: install the "
                + "'systemd' package (apt-get install systemd); these unit checks must not be skipped")
        }
        return try await onThread {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: path)
            process.arguments = arguments
            let pipe = Pipe()
            process.standardOutput = pipe
            process.standardError = pipe
            try process.run()
            let data = pipe.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return Run(status: process.terminationStatus, output: String(decoding: data, as: UTF8.self))
        }
    }

    /// A copy of pumpd.service whose ExecStart names an existing binary: `verify` rejects a unit whose
    /// executable is missing, and /usr/local/bin/pumpd is not installed on a build machine. Only that line
    /// changes; every other directive is verified as shipped.
    static func verifiableUnit(in directory: SocketDirectory, name: String = "pumpd.service") throws -> String {
        let original = try String(contentsOf: systemdDirectory.appendingPathComponent(name), encoding: .utf8)
        let rewritten = original.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            line.hasPrefix("ExecStart=") ? "ExecStart=/bin/true " + line.split(separator: " ").dropFirst().joined(separator: " ") : String(line)
        }.joined(separator: "\n")
        let path = directory.url.appendingPathComponent(name).path
        try rewritten.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test("HAZ-003: pumpd.service passes systemd-analyze verify without a single warning")
    func verify() async throws {
        let directory = try SocketDirectory()
        let unit = try Self.verifiableUnit(in: directory)
        let result = try await Self.run("systemd-analyze", ["verify", unit])
        #expect(result.status == 0, "systemd-analyze verify failed:\n\(result.output)")
        let lines = result.output.split(separator: "\n").filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
        #expect(lines.isEmpty, "systemd-analyze verify printed:\n\(result.output)")
    }

    @Test("HAZ-009: pumpd.service sandbox exposure stays below the measured threshold")
    func securityExposure() async throws {
        let directory = try SocketDirectory()
        let unit = try Self.verifiableUnit(in: directory)
        let result = try await Self.run("systemd-analyze", ["security", "--offline=true", "--no-pager", unit])
        let marker = "Overall exposure level for pumpd.service:"
        let line = try #require(
            result.output.split(separator: "\n").first { $0.contains(marker) },
            "no exposure line in:\n\(result.output)")
        let score = try #require(
            line.components(separatedBy: marker).last?.split(separator: " ").first.flatMap { Double($0) },
            "cannot parse '\(line)'")
        print("systemd-analyze security --offline=true pumpd.service: exposure \(score) (threshold \(Self.maximumExposure))")
        #expect(score <= Self.maximumExposure)
    }

    @Test("HAZ-010: pumpd.service keeps the safety-relevant directives")
    func safetyDirectives() throws {
        let text = try String(contentsOf: Self.systemdDirectory.appendingPathComponent("pumpd.service"), encoding: .utf8)
        let directives = Set(text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.hasPrefix("#") && $0.contains("=") })
        for required in [
            "Type=notify", "NotifyAccess=main", "WatchdogSec=5s", "Restart=on-failure", "User=pumpd", "Group=pumpd",
            "RuntimeDirectory=pumpd", "RuntimeDirectory=pumpd/metrics", "StateDirectory=pumpd", "ConfigurationDirectory=pumpd", "DevicePolicy=closed",
            "DeviceAllow=char-gpiochip rw", "PrivateNetwork=yes", "RestrictAddressFamilies=AF_UNIX",
            "NoNewPrivileges=yes", "ProtectSystem=strict", "MemoryDenyWriteExecute=yes", "LimitMEMLOCK=infinity",
            "CapabilityBoundingSet=", "ExecStart=/usr/local/bin/pumpd --config /etc/pumpd/pumpd.toml",
        ] {
            #expect(directives.contains(required), "missing \(required)")
        }
        #expect(!directives.contains("Restart=always"))
    }

    @Test("HAZ-008: pumpd.service lets the step thread run SCHED_FIFO at the shipped priority, without capabilities")
    func realtimeGrant() throws {
        let unit = try String(contentsOf: Self.systemdDirectory.appendingPathComponent("pumpd.service"), encoding: .utf8)
        let directives = unit.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.hasPrefix("#") && $0.contains("=") }
        func value(_ key: String) -> String? {
            directives.last { $0.hasPrefix(key + "=") }.map { String($0.dropFirst(key.count + 1)) }
        }
        let toml = try String(contentsOf: Self.systemdDirectory.appendingPathComponent("pumpd.toml"), encoding: .utf8)
        let priorityLine = toml.split(separator: "\n").first { $0.hasPrefix("realtime_priority") }
        let priority = priorityLine.flatMap { Int($0.split(separator: "=").last?.trimmingCharacters(in: .whitespaces) ?? "") }
        let limit = value("LimitRTPRIO").flatMap { Int($0) }
        #expect(priority != nil && limit != nil && priority! <= limit!, "realtime_priority \(String(describing: priority)) above LimitRTPRIO \(String(describing: limit))")
        #expect(value("RestrictRealtime") == "no")
        #expect(value("CapabilityBoundingSet") == "")
        #expect(directives.contains { $0.hasPrefix("SystemCallFilter=") && $0.contains("sched_setscheduler") })
        #expect(toml.contains("step_timing = \"realtime\""))
    }

    @Test("pumpd.sysusers creates the daemon user and the nurse, observer and gpio groups")
    func sysusers() async throws {
        let root = try SocketDirectory()
        try FileManager.default.createDirectory(at: root.url.appendingPathComponent("etc"), withIntermediateDirectories: true)
        let file = Self.systemdDirectory.appendingPathComponent("pumpd.sysusers").path
        let result = try await Self.run("systemd-sysusers", ["--root=\(root.url.path)", file])
        #expect(result.status == 0, "\(result.output)")
        let passwd = try String(contentsOf: root.url.appendingPathComponent("etc/passwd"), encoding: .utf8)
        let groups = try String(contentsOf: root.url.appendingPathComponent("etc/group"), encoding: .utf8)
        #expect(passwd.contains("pumpd:x:"))
        #expect(passwd.contains("/usr/sbin/nologin"))
        for group in ["pumpd", "pumpd-nurse", "pumpd-observer", "pumpd-monitor", "gpio", "pump-hl7-bridge"] {
            #expect(groups.split(separator: "\n").contains { $0.hasPrefix("\(group):x:") }, "missing group \(group)")
        }
        // The bridge's user is in pumpd-monitor and pumpd-observer in the group database, which is what pumpd
        // checks (getgrouplist), and in no control group.
        #expect(passwd.contains("pump-hl7-bridge:x:"))
        func members(_ group: String) -> [Substring] {
            groups.split(separator: "\n").first { $0.hasPrefix("\(group):x:") }?.split(separator: ":").last?.split(separator: ",") ?? []
        }
        #expect(members("pumpd-monitor").contains("pump-hl7-bridge"))
        #expect(members("pumpd-observer").contains("pump-hl7-bridge"))
        #expect(!members("pumpd-nurse").contains("pump-hl7-bridge"))
    }

    @Test("HAZ-009: pump-hl7-bridge.service passes systemd-analyze verify without a single warning")
    func verifyBridge() async throws {
        let directory = try SocketDirectory()
        let unit = try Self.verifiableUnit(in: directory, name: "pump-hl7-bridge.service")
        let result = try await Self.run("systemd-analyze", ["verify", unit])
        #expect(result.status == 0, "systemd-analyze verify failed:\n\(result.output)")
        let lines = result.output.split(separator: "\n").filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
        #expect(lines.isEmpty, "systemd-analyze verify printed:\n\(result.output)")
    }

    @Test("HAZ-009: pump-hl7-bridge.service is sandboxed like pumpd, with network limited to its listen port")
    func bridgeSandbox() async throws {
        let directory = try SocketDirectory()
        let unit = try Self.verifiableUnit(in: directory, name: "pump-hl7-bridge.service")
        let result = try await Self.run("systemd-analyze", ["security", "--offline=true", "--no-pager", unit])
        let marker = "Overall exposure level for pump-hl7-bridge.service:"
        let line = try #require(result.output.split(separator: "\n").first { $0.contains(marker) }, "no exposure line in:\n\(result.output)")
        let score = try #require(line.components(separatedBy: marker).last?.split(separator: " ").first.flatMap { Double($0) })
        print("systemd-analyze security --offline=true pump-hl7-bridge.service: exposure \(score) (threshold \(Self.maximumBridgeExposure))")
        #expect(score <= Self.maximumBridgeExposure)
        let text = try String(contentsOf: Self.systemdDirectory.appendingPathComponent("pump-hl7-bridge.service"), encoding: .utf8)
        let directives = Set(text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.hasPrefix("#") && $0.contains("=") })
        for required in [
            "User=pump-hl7-bridge", "SupplementaryGroups=pumpd-monitor pumpd-observer", "CapabilityBoundingSet=",
            "NoNewPrivileges=yes", "ProtectSystem=strict", "PrivateDevices=yes", "MemoryDenyWriteExecute=yes",
            "IPAddressDeny=any", "IPAddressAllow=localhost", "SocketBindDeny=any", "SocketBindAllow=tcp:2575",
            "RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6",
            "ExecStart=/usr/local/bin/pump-hl7-bridge --config /etc/pumpd/hl7-bridge.toml",
        ] {
            #expect(directives.contains(required), "missing \(required)")
        }
        #expect(!directives.contains { $0.hasPrefix("SupplementaryGroups=") && $0.contains("pumpd-nurse") })
    }

    @Test("HAZ-014: pumpd.tmpfiles is valid and creates a private journal directory")
    func tmpfiles() async throws {
        let root = try SocketDirectory()
        try FileManager.default.createDirectory(at: root.url.appendingPathComponent("etc"), withIntermediateDirectories: true)
        _ = try await Self.run(
            "systemd-sysusers", ["--root=\(root.url.path)", Self.systemdDirectory.appendingPathComponent("pumpd.sysusers").path])
        let file = Self.systemdDirectory.appendingPathComponent("pumpd.tmpfiles").path
        let result = try await Self.run("systemd-tmpfiles", ["--root=\(root.url.path)", "--create", file])
        #expect(result.status == 0, "\(result.output)")
        let attributes = try FileManager.default.attributesOfItem(atPath: root.url.appendingPathComponent("var/lib/pumpd").path)
        #expect((attributes[.posixPermissions] as? Int) == 0o700)
        // Issue 16: the metrics directory node_exporter reads (any user may list and read it; pumpd alone writes).
        let metrics = try FileManager.default.attributesOfItem(atPath: root.url.appendingPathComponent("run/pumpd/metrics").path)
        #expect((metrics[.posixPermissions] as? Int) == 0o755)
    }
}
