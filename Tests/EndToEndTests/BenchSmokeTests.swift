// A 1-second smoke run of the real pump-bench executable (the full 30 s tables are run on demand, never in
// CI): both step-timing modes at 100 steps/s and 20 e-stop trials, JSON output, checked for the properties
// that must hold on any machine however loaded: no step ever ahead of floor(rate·t), steps were emitted,
// every e-stop trial disabled the motor. A second run does one 1-second realtime row with --vs-cyclictest and
// checks that cyclictest ran at the same interval and the pump ÷ cyclictest ratios were computed (no timing
// threshold: CI is a loaded VM).
import Foundation
import Testing

@Suite("pump-bench smoke run")
struct BenchSmokeTests {
    @Test("HAZ-008: pump-bench --seconds 1 runs both step timings; no step runs ahead of floor(rate·t)")
    func smoke() throws {
        let process = Process()
        process.executableURL = Binaries.fresh("pump-bench")
        process.arguments = ["--seconds", "1", "--rates", "100", "--trials", "20", "--skip-daemon", "--json"]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle(forWritingAtPath: "/dev/null")
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let report = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let steps = try #require(report["steps"] as? [[String: Any]])
        #expect(steps.count == 2)
        for row in steps {
            let mode = row["mode"] as? String ?? "?"
            if mode == "realtime", let reason = row["not_run"] as? String, reason.contains("not permitted") { continue }
            let error = try #require(row["cumulative_error"] as? [String: Any])
            #expect(error["ahead"] as? Int == 0, "\(mode) ran ahead of floor(rate·t)")
            #expect((row["steps"] as? Int ?? 0) >= 50, "\(mode) emitted too few steps")
        }
        let estop = try #require(report["estop"] as? [[String: Any]])
        #expect(estop.count == 2)
        for row in estop {
            #expect(row["trials"] as? Int == 20)
            let latency = try #require(row["latency_microseconds"] as? [String: Any])
            #expect((latency["max"] as? Double ?? 0) > 0)
        }
    }

    static let cyclictestInstalled = ["/usr/bin/cyclictest", "/usr/sbin/cyclictest", "/usr/local/bin/cyclictest"]
        .contains { FileManager.default.isExecutableFile(atPath: $0) }

    @Test("HAZ-008: pump-bench --vs-cyclictest runs cyclictest beside a 1-second realtime row and computes the ratios",
          .enabled(if: BenchSmokeTests.cyclictestInstalled, "cyclictest (Debian rt-tests) is not installed; scripts/setup-debian.sh installs it"))
    func versusCyclictest() throws {
        let process = Process()
        process.executableURL = Binaries.directory.appendingPathComponent("pump-bench")
        process.arguments = ["--seconds", "1", "--rates", "2000", "--modes", "realtime", "--vs-cyclictest",
                             "--skip-estop", "--skip-daemon", "--json"]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle(forWritingAtPath: "/dev/null")
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let report = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let steps = try #require(report["steps"] as? [[String: Any]])
        let row = try #require(steps.first)
        #expect(row["not_run"] == nil, "the realtime row did not run: \(row["not_run"] ?? "")")
        let host = try #require(row["cyclictest"] as? [String: Any])
        #expect(host["not_run"] == nil, "cyclictest did not run: \(host["not_run"] ?? "")")
        #expect((host["command"] as? String ?? "").contains("-i500"), "cyclictest not run at the 500 µs step interval")
        #expect((host["samples"] as? Int ?? 0) >= 1000, "cyclictest measured too few cycles for a 1 s row at 500 µs")
        let ratio = try #require(row["vs_cyclictest"] as? [String: Any])
        for key in ["p50", "p99", "p999"] {
            let value = try #require(ratio[key] as? Double, "ratio \(key) was not computed")
            #expect(value > 0 && value.isFinite)
        }
        let error = try #require(row["cumulative_error"] as? [String: Any])
        #expect(error["ahead"] as? Int == 0, "ran ahead of floor(rate·t)")
        let medians = try #require(report["cyclictest_medians"] as? [[String: Any]])
        #expect(medians.count == 1)
    }
}
