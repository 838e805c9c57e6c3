// Safety kernel v2 item 2/4 with the real binaries: a number can no longer kill the daemon mid-infusion. On the
// first version `start --concentration-mg-per-ml 0.00000000000001` and a read-only `validate` with
// dose_mg_per_kg 1e14 crashed pumpd ("Double value cannot be converted to Int64").
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import PumpProtocol
import Testing

@Suite("Extreme numbers are refused, pumpd stays up (real binaries)", .serialized)
struct NumberBoundsEndToEndTests {
    /// Sends one raw request line over the socket and returns the response line.
    private func send(_ line: String, to socket: String) throws -> String {
        let fd = socket_fd()
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (index, byte) in socket.utf8.prefix(raw.count - 1).enumerated() { raw[index] = byte }
        }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard connected == 0 else { throw HarnessError("connect failed") }
        let bytes = Array((line + "\n").utf8)
        _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        var answer = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 4096)
        while !answer.contains(0x0A) {
            let count = read(fd, &buffer, buffer.count)
            if count <= 0 { break }
            answer += buffer[0..<count]
        }
        return String(decoding: answer, as: UTF8.self)
    }

    private func socket_fd() -> Int32 { socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0) }

    @Test("HAZ-009: start with 1e-14 mg/mL mid-infusion, validate with 1e14 mg/kg, and 1e308 / 1e-300 in every field are refused naming the field; the infusion keeps running")
    func extremeNumbersRefused() throws {
        let daemon = try DaemonHarness(speed: 20)
        try daemon.start()
        #expect(daemon.ctl(["vitals", "--sbp", "120", "--dbp", "80", "--hr", "70", "--spo2", "97"]).status == 0)
        try #require(daemon.ctl(DaemonHarness.referenceStart + ["--patient-id", "N-1"]).status == 0)
        let before = try daemon.waitFor(timeout: 10) { $0.deliveredMl > 0.05 }

        let tiny = daemon.ctl(["start", "--drug", "ketamine", "--profile", "mood", "--weight-kg", "70", "--dose-mg-per-kg", "0.5",
                               "--duration-min", "40", "--concentration-mg-per-ml", "0.00000000000001", "--syringe", "bd-50", "--yes"])
        #expect(tiny.status != 0)
        #expect(tiny.stderr.contains("concentration_mg_per_ml"), "\(tiny.stderr)")
        let validate = try send(#"{"v":1,"id":"a","command":"validate","params":{"drug":"ketamine","profile":"mood","weight_kg":70,"dose_mg_per_kg":1e14,"duration_min":40,"concentration_mg_per_ml":1,"syringe":"bd-50","confirmed":false}}"#, to: daemon.socket)
        #expect(validate.contains("\"ok\":false") && validate.contains("dose_mg_per_kg"), "\(validate)" as Comment)
        for (field, value) in [("weight_kg", "1e308"), ("weight_kg", "1e-300"), ("duration_min", "1e308"), ("duration_min", "1e-300"),
                               ("concentration_mg_per_ml", "1e308"), ("dose_mg_per_kg", "1e-300")] {
            var params = ["\"drug\":\"ketamine\"", "\"profile\":\"mood\"", "\"weight_kg\":70", "\"dose_mg_per_kg\":0.5",
                          "\"duration_min\":40", "\"concentration_mg_per_ml\":1", "\"syringe\":\"bd-50\"", "\"confirmed\":false"]
            params = params.map { $0.hasPrefix("\"\(field)\"") ? "\"\(field)\":\(value)" : $0 }
            let answer = try send("{\"v\":1,\"id\":\"b\",\"command\":\"validate\",\"params\":{\(params.joined(separator: ","))}}", to: daemon.socket)
            #expect(answer.contains("\"ok\":false") && answer.contains(field), "\(field)=\(value): \(answer)" as Comment)
        }
        let titrate = daemon.ctl(["titrate", "--duration-min", "1e300", "--yes"])
        #expect(titrate.status != 0 && titrate.stderr.contains("duration_min"), "\(titrate.stderr)")
        #expect(daemon.isRunning, "pumpd is still running: \(daemon.daemonLog())")
        let after = try daemon.waitFor(timeout: 10) { $0.deliveredMl > before.deliveredMl + 0.05 }
        #expect(after.state == .running && after.motorEnabled, "the infusion kept running")
        _ = daemon.ctl(["stop"])
    }
}

@Suite("Vital-sign typos are refused with a readable sentence (real binaries)", .serialized)
struct VitalsTypoEndToEndTests {
    @Test("HAZ-015: --sbp 1e300 is echoed as 1e+300 (not 300 digits); --hr -5 is a value pumpd refuses, not an unknown option")
    func typos() throws {
        let daemon = try DaemonHarness(speed: 20)
        try daemon.start()
        let huge = daemon.ctl(["vitals", "--sbp", "1e300", "--dbp", "80", "--hr", "70", "--spo2", "97"])
        #expect(huge.status != 0)
        #expect(huge.stderr.contains("1e+300") && huge.stderr.count < 400, "\(huge.stderr)")
        let negative = daemon.ctl(["vitals", "--sbp", "120", "--dbp", "80", "--hr", "-5", "--spo2", "97"])
        #expect(negative.status != 0)
        #expect(negative.stderr.contains("Heart rate -5"), "\(negative.stderr)")
        #expect(!negative.stderr.contains("Unknown option"))
        #expect(try daemon.status().vitals == nil, "nothing was recorded")
    }
}
