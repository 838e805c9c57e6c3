// How the fuzz target reads one input. The first byte chooses the setting, the rest is the byte stream a
// client writes to the socket. The layout keeps seed files readable: a digit, then JSON lines.
//
//   byte 0 (selector): peer = b % 3 (0 nurse, 1 observer, 2 outsider); pump = (b / 3) % 2 (0 idle,
//           1 paused mid-session); split = b % 8 (where the stream is cut into two reads); pad = b >= 0xF0
//   byte 1 (only when pad): the first line is left-padded with JSON whitespace to maxLineBytes - 2 + (b % 4)
//           bytes, so the limit is probed at -2, -1, 0 and +1 (whitespace keeps a valid request valid).
//           Padding is kept to 1/16 of the selectors: a 64 KiB line costs far more than a short one.
//   rest:   the stream.
import Foundation

/// One decoded fuzz input.
public struct FuzzInput: Sendable, Equatable {
    /// Who the client is, as SO_PEERCRED would report it.
    public enum Peer: Int, Sendable, CaseIterable {
        /// A member of the control group.
        case nurse
        /// A member of the read-only group only.
        case observer
        /// In neither group.
        case outsider
    }

    /// The pump state the stream meets.
    public enum Scenario: Int, Sendable, CaseIterable {
        /// No session.
        case idle
        /// A reference session started and paused (titrate, resume, stop have something to act on).
        case paused
    }

    /// The client.
    public var peer: Peer
    /// The pump state.
    public var scenario: Scenario
    /// The bytes of the stream.
    public var stream: [UInt8]
    /// Where the stream is cut into two reads (the framing must not depend on it).
    public var splitAt: Int

    /// Decodes raw fuzzer bytes; nil for an empty input.
    public init?(_ bytes: [UInt8], maxLineBytes: Int) {
        guard let selector = bytes.first else { return nil }
        peer = Peer(rawValue: Int(selector) % 3) ?? .nurse
        scenario = Scenario(rawValue: Int(selector / 3) % 2) ?? .idle
        var rest = Array(bytes.dropFirst())
        if selector >= 0xF0, let padByte = rest.first {
            rest.removeFirst()
            let target = maxLineBytes - 2 + Int(padByte % 4)
            let firstLine = rest.firstIndex(of: UInt8(ascii: "\n")) ?? rest.count
            if target > firstLine {
                rest = [UInt8](repeating: UInt8(ascii: " "), count: target - firstLine) + rest
            }
        }
        stream = rest
        splitAt = rest.count * Int(selector % 8) / 8
    }
}
