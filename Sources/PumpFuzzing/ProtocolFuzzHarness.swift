// The fuzz target's body: one input is one client connection to a real PumpService (simulator backend),
// taken through the server's own framing (`LineFramer`) and per-frame reply (`LineServer.reply`) into
// `PumpService.handle(line:peer:)` — everything a request meets up to, but not including, the hardware.
//
// Invariants checked for every frame (a violation is a finding; the fuzz executable aborts on it):
//  1. framing does not depend on how the stream is cut into reads;
//  2. every reply is exactly one line of a well-formed response (`LineCodec.decodeResponse` reads it), with
//     protocol version 1;
//  3. every line the codec rejects is answered ok:false with the codec's error code and the correlation id;
//     a too-long line is answered `line-too-long` and ends the connection; invalid UTF-8 is answered ok:false;
//  4. a request that decodes re-encodes and decodes to the same request (encode(decode(x)) round trip), and
//     its reply carries its id;
//  5. a control command from a peer outside the control group, or any command from a peer in neither group,
//     is refused with `permission-denied`;
//  6. a refused command, and any read-only command (status, log, validate), leaves the pump exactly as it
//     was: state, session, program, delivered volume, rate, latched alarms, ENABLE never asserted, no STEP.
// A command that is accepted and changes the pump (a valid start, pause, estop …) is legitimate; the slot
// is then rebuilt so the next input meets the same starting state again.
import Foundation
import PumpDaemon
import PumpProtocol
import PumpServer

/// Runs fuzz inputs against real pump services and checks the request-path invariants.
public final class ProtocolFuzzHarness: @unchecked Sendable {
    /// The daemon's line limit (the server's and the codec's are the same).
    public static let maxLineBytes = LineCodec.maxLineBytes
    /// Rebuild a slot after this many frames so its journal stays small.
    static let framesPerBuild = 20_000

    /// Counters over all inputs run so far.
    public struct Statistics: Sendable, Equatable {
        /// Inputs run.
        public var inputs = 0
        /// Frames (lines, invalid-UTF-8 lines, too-long lines) answered.
        public var frames = 0
        /// Lines the codec rejected.
        public var malformed = 0
        /// Well-formed requests refused by the daemon (permission, state, limits).
        public var refused = 0
        /// Requests accepted.
        public var accepted = 0
        /// Accepted requests that moved the pump (the slot was rebuilt after them).
        public var stateChanges = 0
        /// Pump services rebuilt, and the real seconds spent on it.
        public var rebuilds = 0
        public var rebuildSeconds = 0.0
    }

    /// Counters over all inputs run so far.
    public private(set) var statistics = Statistics()
    /// TEST-ONLY: commands (wire names) checked as if they could not change the pump, to show that the state
    /// comparison catches a change (sensitivity test).
    public var commandsTreatedAsReadOnlyForTesting: Set<String> = []
    private let root: URL
    private var slots: [FuzzInput.Scenario: ServiceSlot] = [:]

    /// Creates the harness; the pump services keep their journals under `root` (tmpfs when available).
    public init(root: URL? = nil) throws {
        let base = root ?? Self.defaultRoot()
        let directory = base.appendingPathComponent("pump-fuzz-\(getpid())-\(UUID().uuidString.prefix(8))", isDirectory: true)
        self.root = directory
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        for scenario in FuzzInput.Scenario.allCases {
            let built = blocking(Result<ServiceSlot, any Error>.failure(CancellationError())) {
                do { return .success(try await ServiceSlot(scenario: scenario, root: directory)) } catch { return .failure(error) }
            }
            slots[scenario] = try built.get()
        }
    }

    deinit { shutdown() }

    /// Stops every pump service and removes the journals.
    public func shutdown() {
        for slot in slots.values { slot.retire() }
        slots.removeAll()
        try? FileManager.default.removeItem(at: root)
    }

    private static func defaultRoot() -> URL {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: "/dev/shm", isDirectory: &isDirectory), isDirectory.boolValue,
           access("/dev/shm", W_OK) == 0 {
            return URL(fileURLWithPath: "/dev/shm", isDirectory: true)
        }
        return FileManager.default.temporaryDirectory
    }

    /// Runs one input; returns the first invariant it breaks, or nil.
    public func run(_ bytes: [UInt8]) -> FuzzViolation? {
        guard let input = FuzzInput(bytes, maxLineBytes: Self.maxLineBytes) else { return nil }
        statistics.inputs += 1
        // The whole input runs in one task: a malformed line is then answered without a thread switch.
        return blocking(FuzzViolation?.none) {
            do throws(FuzzViolation) {
                try await self.run(input)
                return nil
            } catch {
                return error
            }
        }
    }

    private func run(_ input: FuzzInput) async throws(FuzzViolation) {
        guard let slot = slots[input.scenario] else { throw FuzzViolation("harness", "no pump for \(input.scenario)") }
        let frames = try Self.frames(of: input)
        let peer = FuzzPeers.credentials(input.peer)
        var before = try await slot.snapshot()
        if before != slot.baseline {
            throw FuzzViolation("slot-drifted", "the pump left its starting state between inputs: \(before) vs \(slot.baseline)")
        }
        // Lines the codec rejects never reach the command queue; the state after a run of them is compared
        // once, before the next request that does (or at the end), which keeps every change attributable.
        var uncheckedRejections: String?
        func compareAfterRejections() async throws(FuzzViolation) {
            guard let last = uncheckedRejections else { return }
            uncheckedRejections = nil
            let now = try await slot.snapshot()
            if now != before {
                throw FuzzViolation("rejected-line-changed-state", "rejected lines (the last: \(last)) changed the pump from \(before) to \(now)")
            }
        }
        for frame in frames {
            statistics.frames += 1
            slot.framesSinceBuild += 1
            let decoded: Result<Request, ProtocolError>? = if case .line(let text) = frame {
                LineCodec.decodeRequest(Data(text.utf8))
            } else {
                nil
            }
            guard case .success(let request)? = decoded else {
                let checked = try await check(frame, decoded: decoded, peer: input.peer, credentials: peer, service: slot.service)
                uncheckedRejections = checked.summary
                if checked.closesConnection { break }
                continue
            }
            try await compareAfterRejections()
            let checked = try await check(frame, decoded: .success(request), peer: input.peer, credentials: peer,
                                          service: slot.service)
            let after = try await slot.snapshot()
            if !checked.mayChangeState && after != before {
                throw FuzzViolation("refused-command-changed-state",
                                    "\(checked.summary) changed the pump from \(before) to \(after)")
            }
            // An accepted command moved the pump: rebuild it at once, so every frame meets the starting state
            // (a running pump's delivered volume moves with the clock and could not be compared).
            if after != slot.baseline || slot.framesSinceBuild >= Self.framesPerBuild {
                if after != slot.baseline { statistics.stateChanges += 1 }
                try await rebuild(slot)
                before = slot.baseline
            } else {
                before = after
            }
        }
        try await compareAfterRejections()
    }

    private func rebuild(_ slot: ServiceSlot) async throws(FuzzViolation) {
        let start = DispatchTime.now().uptimeNanoseconds
        do {
            try await slot.rebuild()
        } catch {
            throw FuzzViolation("harness", "could not rebuild the \(slot.scenario) pump: \(error)")
        }
        statistics.rebuilds += 1
        statistics.rebuildSeconds += Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }

    /// Frames the stream as one read and as two reads cut at `splitAt`; both must agree (invariant 1).
    static func frames(of input: FuzzInput) throws(FuzzViolation) -> [LineFrame] {
        var whole = LineFramer(maxLineBytes: maxLineBytes)
        let once = whole.feed(input.stream)
        var split = LineFramer(maxLineBytes: maxLineBytes)
        let twice = split.feed(input.stream[..<input.splitAt]) + split.feed(input.stream[input.splitAt...])
        guard once == twice else {
            throw FuzzViolation("framing-depends-on-reads", "\(once.count) frames in one read, \(twice.count) when cut at byte \(input.splitAt)")
        }
        return once
    }

    /// What checking one frame established.
    struct FrameOutcome {
        /// True only for an accepted command that may legitimately change the pump.
        var mayChangeState: Bool
        /// The server closes the connection after this frame.
        var closesConnection: Bool
        /// The line and reply, for messages.
        var summary: String
    }

    private func check(_ frame: LineFrame, decoded: Result<Request, ProtocolError>?, peer: FuzzInput.Peer,
                       credentials: PeerCredentials, service: PumpService) async throws(FuzzViolation) -> FrameOutcome {
        let reply = await LineServer.reply(to: frame, peer: credentials, maxLineBytes: Self.maxLineBytes) { request in
            await service.handle(line: request.line, peer: request.peer)
        }
        let line: String
        switch frame {
        case .line(let text): line = text
        case .invalidUTF8: line = "<invalid UTF-8>"
        case .tooLong: line = "<line over \(Self.maxLineBytes) bytes>"
        }
        let summary = "\(peer) sent \(line.prefix(200).debugDescription), reply \(reply.line.prefix(300))"
        // Invariant 2: one line, a well-formed response, version 1.
        guard !reply.line.contains(where: { $0 == "\n" || $0 == "\r" || $0 == "\r\n" }) else {
            throw FuzzViolation("reply-spans-lines", summary)
        }
        let response: Response
        switch LineCodec.decodeResponse(Data(reply.line.utf8)) {
        case .success(let decoded): response = decoded
        case .failure(let error): throw FuzzViolation("reply-unreadable", "\(summary): \(error.message)")
        }
        guard response.v == protocolVersion else { throw FuzzViolation("reply-version", summary) }
        // Invariant 3: transport-level rejections.
        guard case .line(let text) = frame else {
            guard !response.ok else { throw FuzzViolation("bad-frame-accepted", summary) }
            if frame == .tooLong {
                guard response.error?.code == .lineTooLong, reply.closesConnection else {
                    throw FuzzViolation("too-long-not-refused", summary)
                }
            }
            statistics.malformed += 1
            return FrameOutcome(mayChangeState: false, closesConnection: reply.closesConnection, summary: summary)
        }
        let data = Data(text.utf8)
        let request: Request
        switch decoded ?? LineCodec.decodeRequest(data) {
        case .failure(let error):
            statistics.malformed += 1
            guard !response.ok, response.error?.code == error.code else {
                throw FuzzViolation("rejected-line-not-refused", "\(summary); the codec said \(error.code): \(error.message)")
            }
            guard response.id == LineCodec.correlationID(in: data) else {
                throw FuzzViolation("error-id-mismatch", summary)
            }
            return FrameOutcome(mayChangeState: false, closesConnection: false, summary: summary)
        case .success(let decoded):
            request = decoded
        }
        // Invariant 4: round trip and id.
        try Self.checkRoundTrip(request, summary: summary)
        guard response.id == request.id else { throw FuzzViolation("reply-id-mismatch", summary) }
        // Invariant 5: authorisation.
        let readOnly = Self.isReadOnly(request.command)
            || commandsTreatedAsReadOnlyForTesting.contains(request.command.name.rawValue)
        let allowed = peer == .nurse || (Self.isReadOnly(request.command) && peer == .observer)
        if !allowed {
            guard response.error?.code == .permissionDenied else { throw FuzzViolation("permission-bypassed", summary) }
        }
        guard response.ok else {
            statistics.refused += 1
            return FrameOutcome(mayChangeState: false, closesConnection: false, summary: summary)
        }
        statistics.accepted += 1
        // Invariant 6 for read-only commands: even accepted, they change nothing.
        return FrameOutcome(mayChangeState: !readOnly, closesConnection: false, summary: summary)
    }

    /// encode(decode(x)) decodes to the same request.
    static func checkRoundTrip(_ request: Request, summary: String) throws(FuzzViolation) {
        let encoded: Data
        do {
            encoded = try LineCodec.encode(request)
        } catch {
            throw FuzzViolation("round-trip-encode-failed", "\(summary): \(error.message)")
        }
        switch LineCodec.decodeRequest(encoded) {
        case .success(let again):
            guard again == request else {
                throw FuzzViolation("round-trip-changed", "\(summary): re-encoded as \(String(decoding: encoded, as: UTF8.self).prefix(300))")
            }
        case .failure(let error):
            throw FuzzViolation("round-trip-rejected", "\(summary): re-encoded as \(String(decoding: encoded, as: UTF8.self).prefix(300)), rejected: \(error.message)")
        }
    }

    /// Commands any reader may send; they never change the pump.
    static func isReadOnly(_ command: Command) -> Bool {
        switch command {
        case .status, .log, .validate: true
        default: false
        }
    }
}
