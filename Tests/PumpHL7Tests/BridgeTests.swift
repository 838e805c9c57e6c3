// The bridge end to end without pumpd: MLLP framing, the ACK/NAK it builds, that only good messages reach the
// forwarder (exactly once), what pumpd's answers turn into, and the MLLP server over real TCP.
import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
#if canImport(Glibc)
import Glibc
#endif
import PumpProtocol
import Testing
@testable import PumpHL7
@testable import PumpHL7Bridge

/// Records forwarded readings and answers with a scripted outcome.
final class RecordingForwarder: VitalsForwarding, @unchecked Sendable {
    private let lock = NSLock()
    private var readings: [MonitorReading] = []
    private var outcomes: [ForwardOutcome]
    init(_ outcomes: [ForwardOutcome] = []) { self.outcomes = outcomes }
    var forwarded: [MonitorReading] { lock.withLock { readings } }
    func forward(_ reading: MonitorReading) -> ForwardOutcome {
        lock.withLock {
            readings.append(reading)
            return outcomes.isEmpty ? .accepted(paused: false) : outcomes.removeFirst()
        }
    }
}

@Suite("HL7 bridge")
struct BridgeTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)
    static let observed = now.addingTimeInterval(-60)

    static func bridge(_ forwarder: RecordingForwarder) -> VitalsBridge {
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        return VitalsBridge(bed: "CHAIR2", forwarder: forwarder, logger: logger, clock: { BridgeTests.now })
    }

    static func frame(_ text: String) -> MLLPFrame { .message(Array(text.utf8)) }

    static func msa(_ answer: BridgeAnswer) throws -> HL7Segment {
        try #require(try HL7Message(text: answer.message).first("MSA"))
    }

    @Test("MLLP framing: split frames, several per read, stray bytes, broken and oversized frames")
    func framing() {
        var framer = MLLPFramer(maximumBytes: 16)
        let one = MLLPFramer.frame(Array("MSH|A".utf8)), two = MLLPFramer.frame(Array("MSH|B".utf8))
        #expect(framer.feed(one.prefix(3)).isEmpty)
        #expect(framer.feed(one.dropFirst(3) + two) == [.message(Array("MSH|A".utf8)), .message(Array("MSH|B".utf8))])
        #expect(framer.feed(Array("junk".utf8)) == [.garbage])
        #expect(framer.feed([0x0B] + Array("MSH".utf8) + [0x1C, 0x41]) == [.broken], "FS must be followed by CR")
        #expect(framer.feed([0x0B, 0x41, 0x0B, 0x42, 0x1C, 0x0D]) == [.broken, .message([0x42])], "a new start block abandons the open frame")
        #expect(framer.feed([0x0B] + [UInt8](repeating: 0x41, count: 17) + [0x1C, 0x0D]) == [.tooLong])
        #expect(framer.feed(one) == [.message(Array("MSH|A".utf8))], "the framer recovers after an oversized frame")
    }

    @Test("an in-range reading is forwarded once with its values and answered AA with MSA-2 = the control id")
    func accepted() throws {
        let forwarder = RecordingForwarder()
        let bridge = Self.bridge(forwarder)
        let answer = bridge.process(Self.frame(HL7Samples.oru(observed: Self.observed)))
        #expect(answer.code == .accept)
        let ack = try HL7Message(text: answer.message)
        #expect(ack.msh[9].component(1) == "ACK" && ack.msh[3].value == VitalsBridge.applicationName && ack.msh[5].value == "MONITOR")
        let msa = try Self.msa(answer)
        #expect(msa[1].value == "AA" && msa[2].value == "MSG0001")
        #expect(ack.first("ERR") == nil)
        #expect(forwarder.forwarded == [MonitorReading(systolic: 122, diastolic: 76, heartRate: 70, oxygenSaturation: 98, observedAt: Self.observed)])
    }

    @Test("the vitals request the bridge sends is pumpd's vitals command with source monitor")
    func request() throws {
        let reading = MonitorReading(systolic: 186, diastolic: 104, heartRate: 90, oxygenSaturation: 97, observedAt: Self.observed)
        let line = try LineCodec.encode(PumpdVitalsForwarder.request(reading, id: "x"))
        let decoded = try LineCodec.decodeRequest(line.dropLast()).get()
        #expect(decoded.command == .vitals(VitalsParameters(sbpMmHg: 186, dbpMmHg: 104, hrBpm: 90, spo2Percent: 97, source: .monitor)))
    }

    @Test("a duplicate control id, an out-of-order, malformed, wrong-bed or wrong-unit message never reaches pumpd")
    func refusalsDoNotForward() throws {
        let forwarder = RecordingForwarder()
        let bridge = Self.bridge(forwarder)
        #expect(bridge.process(Self.frame(HL7Samples.oru(control: "A", observed: Self.observed))).code == .accept)
        let duplicate = bridge.process(Self.frame(HL7Samples.oru(control: "A", observed: Self.observed.addingTimeInterval(10))))
        #expect(duplicate.code == .reject && duplicate.text.contains("already accepted"))
        let err = try #require(try HL7Message(text: duplicate.message).first("ERR"))
        #expect(err[3].component(1) == "205" && err[4].value == "E" && err[8].value == duplicate.text)
        #expect(try Self.msa(duplicate)[3].value == duplicate.text, "the reason is in MSA-3 too")
        #expect(bridge.process(Self.frame(HL7Samples.oru(control: "B", observed: Self.observed.addingTimeInterval(-5)))).code == .reject)
        #expect(bridge.process(Self.frame("garbage that is not HL7")).code == .error)
        #expect(bridge.process(Self.frame(HL7Samples.oru(control: "C", bed: "X^^CHAIR9", observed: Self.observed))).code == .reject)
        var set = HL7Samples.loincSet()
        set[1] = HL7Samples.obx(2, "8462-4", "LN", "10", "kPa")
        #expect(bridge.process(Self.frame(HL7Samples.oru(control: "D", observed: Self.observed, observations: set))).code == .error)
        #expect(bridge.process(.broken).code == .error)
        #expect(bridge.process(.garbage).code == nil, "stray bytes get no answer")
        #expect(forwarder.forwarded.count == 1, "only the first message reached pumpd")
    }

    @Test("a reason containing delimiters is escaped in the NAK and reads back unchanged")
    func escapedReason() throws {
        let forwarder = RecordingForwarder([.refused(code: "refused", message: "Systolic 400|x^y is implausible.")])
        let answer = Self.bridge(forwarder).process(Self.frame(HL7Samples.oru(observed: Self.observed)))
        #expect(answer.code == .error)
        #expect(try Self.msa(answer)[3].value == answer.text && answer.text.contains("400|x^y"))
    }

    @Test("pumpd's refusal is AE (AR for a permission refusal) and not remembered; unreachable pumpd is AR and the same message may be resent")
    func pumpdAnswers() throws {
        let forwarder = RecordingForwarder([
            .refused(code: "refused", message: "implausible"), .refused(code: "permission-denied", message: "no"),
            .unreachable("cannot reach pumpd"), .accepted(paused: true),
        ])
        let bridge = Self.bridge(forwarder)
        let message = Self.frame(HL7Samples.oru(control: "R", observed: Self.observed))
        #expect(bridge.process(message).code == .error)
        #expect(bridge.process(message).code == .reject)
        let lost = bridge.process(message)
        #expect(lost.code == .reject && lost.text.contains("may be sent again"))
        let paused = bridge.process(message)
        #expect(paused.code == .accept && paused.text.contains("paused"))
        #expect(bridge.process(message).code == .reject, "accepted once: now a duplicate")
        #expect(forwarder.forwarded.count == 4)
    }

    @Test("configuration: flags' TOML keys, unknown keys, the bed is required, listen parsing")
    func configuration() throws {
        var settings = BridgeConfiguration()
        #expect(settings.listen == ListenAddress(host: "127.0.0.1", port: 2575))
        #expect(throws: BridgeConfigurationError.self) { try settings.validate() }
        try settings.apply(toml: "listen = \"0.0.0.0:6661\"\nsocket = \"/tmp/p.sock\"\nbed = \"CHAIR2\"\nmax_age_s = 120\n")
        #expect(settings.listen == ListenAddress(host: "0.0.0.0", port: 6661) && settings.socketPath == "/tmp/p.sock"
                && settings.bed == "CHAIR2" && settings.maximumAgeSeconds == 120)
        try settings.validate()
        #expect(throws: BridgeConfigurationError.self) { try settings.apply(toml: "bedd = \"CHAIR2\"") }
        #expect(try ListenAddress(parsing: "[::1]:2575") == ListenAddress(host: "::1", port: 2575))
        #expect(throws: BridgeConfigurationError.self) { try ListenAddress(parsing: "127.0.0.1") }
        #expect(throws: BridgeConfigurationError.self) { try ListenAddress(parsing: "127.0.0.1:70000") }
        settings.bed = "CHAIR|2"
        #expect(throws: BridgeConfigurationError.self) { try settings.validate() }
    }

    @Test("the shipped systemd/hl7-bridge.toml is valid")
    func shippedConfiguration() throws {
        let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("systemd/hl7-bridge.toml")
        var settings = BridgeConfiguration()
        try settings.apply(tomlFileAt: file.path)
        try settings.validate()
        #expect(settings.listen == ListenAddress(host: "127.0.0.1", port: 2575) && settings.socketPath == "/run/pumpd/pumpd.sock")
    }

    @Test("over TCP: each framed message gets its framed ACK on the same connection, in order")
    func server() async throws {
        let forwarder = RecordingForwarder()
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let bridge = VitalsBridge(bed: "CHAIR2", forwarder: forwarder, logger: logger)
        let server = MLLPServer(bridge: bridge, address: ListenAddress(host: "127.0.0.1", port: 0), logger: logger)
        let port = try await server.start()
        let observed = Date().addingTimeInterval(-30) // wall-clock: the bridge checks readings against its real clock
        let payload = MLLPFramer.frame(Array(HL7Samples.oru(control: "T1", observed: observed).utf8))
            + MLLPFramer.frame(Array(HL7Samples.oru(control: "T2", bed: "X^^CHAIR7", observed: observed).utf8))
        let answers = try await onThread { try TCPTestClient.exchange(port: port, payload, expectFrames: 2) }
        await server.stop()
        #expect(answers.count == 2)
        let codes = try answers.map { try HL7Message(bytes: $0).first("MSA").map { [$0[1].value, $0[2].value] } }
        #expect(codes == [["AA", "T1"], ["AR", "T2"]])
        #expect(forwarder.forwarded.count == 1)
    }
}

@Suite("MLLP server limits")
struct MLLPServerLimitTests {
    static func server(maxConnections: Int, idle: TimeAmount) async throws -> (MLLPServer, Int) {
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let bridge = VitalsBridge(bed: "CHAIR2", forwarder: RecordingForwarder(), logger: logger)
        let server = MLLPServer(bridge: bridge, address: ListenAddress(host: "127.0.0.1", port: 0), logger: logger,
                                maxConnections: maxConnections, idleTimeout: idle)
        return (server, try await server.start())
    }

    @Test("a connection beyond the limit is closed at once; the admitted one is still served")
    func connectionLimit() async throws {
        let (server, port) = try await Self.server(maxConnections: 1, idle: .minutes(1))
        let first = try TCPTestClient.connect(port: port)
        defer { close(first) }
        let second = try TCPTestClient.connect(port: port)
        defer { close(second) }
        // Which of the two the server admits depends on its event loops; exactly one must be served.
        let observed = Date().addingTimeInterval(-30) // wall-clock: the bridge checks readings against its real clock
        let message = MLLPFramer.frame(Array(HL7Samples.oru(observed: observed).utf8))
        async let a = onThread { TCPTestClient.outcome(first, message) }
        async let b = onThread { TCPTestClient.outcome(second, message) }
        let outcomes = try await [a, b]
        #expect(outcomes.sorted() == ["answered", "closed"], "\(outcomes)")
        await server.stop()
    }

    @Test("an idle connection is closed after the idle timeout")
    func idleTimeout() async throws {
        let (server, port) = try await Self.server(maxConnections: 4, idle: .milliseconds(300))
        let fd = try TCPTestClient.connect(port: port)
        defer { close(fd) }
        #expect(try await onThread { TCPTestClient.readUntilClosed(fd, seconds: 10) })
        await server.stop()
    }
}

/// Runs a blocking client on its own thread: blocking the cooperative pool (two threads on CI) would starve the
/// server's own tasks.
func onThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Result { try body() }) }.start()
    }
}

/// A blocking TCP client for the server test.
enum TCPTestClient {
    struct Failure: Error { var what: String }

    /// "answered" when `message` on `fd` gets an MLLP frame back, "closed" when the server closes the connection
    /// instead, "timeout" when neither happens within 10 s.
    static func outcome(_ fd: Int32, _ message: [UInt8]) -> String {
        _ = send(fd, message, message.count, Int32(MSG_NOSIGNAL))
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var framer = MLLPFramer()
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = read(fd, &buffer, buffer.count)
            if count == 0 { return "closed" }
            if count < 0 { return errno == EAGAIN || errno == EWOULDBLOCK ? "timeout" : "closed" }
            if framer.feed(buffer.prefix(count)).contains(where: { if case .message = $0 { true } else { false } }) { return "answered" }
        }
    }

    /// True when the server closes `fd` within `seconds` (read returns 0 or an error other than a timeout).
    static func readUntilClosed(_ fd: Int32, seconds: Int) -> Bool {
        var timeout = timeval(tv_sec: seconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var buffer = [UInt8](repeating: 0, count: 256)
        while true {
            let count = read(fd, &buffer, buffer.count)
            if count == 0 { return true }
            if count < 0 { return !(errno == EAGAIN || errno == EWOULDBLOCK) }
        }
    }

    static func exchange(port: Int, _ bytes: [UInt8], expectFrames: Int) throws -> [[UInt8]] {
        let fd = try connect(port: port)
        defer { close(fd) }
        return try exchange(fd: fd, bytes, expectFrames: expectFrames)
    }

    static func connect(port: Int) throws -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(what: "socket") }
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            close(fd)
            throw Failure(what: "connect")
        }
        return fd
    }

    static func exchange(fd: Int32, _ bytes: [UInt8], expectFrames: Int) throws -> [[UInt8]] {
        guard send(fd, bytes, bytes.count, Int32(MSG_NOSIGNAL)) == bytes.count else { throw Failure(what: "send") }
        var framer = MLLPFramer()
        var frames: [[UInt8]] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while frames.count < expectFrames {
            let count = read(fd, &buffer, buffer.count)
            guard count > 0 else { throw Failure(what: "read \(count) after \(frames.count) frames") }
            for case .message(let body) in framer.feed(buffer.prefix(count)) { frames.append(body) }
        }
        return frames
    }
}

/// Deterministic pseudo-random numbers (SplitMix64) for the mutation test.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

@Suite("HL7 bridge under mutated input")
struct BridgeMutationTests {
    @Test("2,000 byte-mutated messages: every one gets an ACK or NAK, no crash, and only AA ones reached pumpd")
    func mutations() throws {
        let forwarder = RecordingForwarder()
        let bridge = BridgeTests.bridge(forwarder)
        let original = Array(HL7Samples.oru(observed: BridgeTests.observed).utf8)
        let alphabet = Array("|^~\\&\r\nMSHOBXPV1 0123456789.-+FSTREX".utf8) + [0x00, 0xFF, 0x0B, 0x1C]
        var random = SplitMix64(state: 16)
        var accepted = 0
        for index in 0..<2_000 {
            var bytes = original
            for _ in 0..<Int.random(in: 1...4, using: &random) {
                let position = Int.random(in: 0..<bytes.count, using: &random)
                switch Int.random(in: 0..<3, using: &random) {
                case 0: bytes[position] = alphabet.randomElement(using: &random) ?? 0
                case 1: bytes.remove(at: position)
                default: bytes.insert(alphabet.randomElement(using: &random) ?? 0, at: position)
                }
            }
            // A fresh control id each time, so the duplicate check does not hide what the parser does.
            let text = String(decoding: bytes, as: UTF8.self).replacingOccurrences(of: "MSG0001", with: "M\(index)")
            let answer = bridge.process(.message(Array(text.utf8)))
            #expect(answer.code != nil && !answer.message.isEmpty)
            #expect(throws: Never.self) { try HL7Message(text: answer.message) }
            if answer.code == .accept { accepted += 1 }
        }
        #expect(forwarder.forwarded.count == accepted, "only accepted messages were forwarded")
        #expect(accepted > 0 && accepted < 2_000, "the mutations hit both outcomes (accepted \(accepted))")
    }
}
