// MLLP framing (HL7 v2 Minimal Lower Layer Protocol, release 2): a message travels as <VT> message <FS><CR>,
// that is 0x0B … 0x1C 0x0D. The framer is fed bytes as they arrive and returns whole frames.
// - Bytes outside a frame (before a 0x0B) are discarded and reported once as `.garbage`.
// - A 0x0B inside an open frame abandons that frame (`.broken`) and starts a new one: a sender that restarted
//   mid-message must not have two halves glued together.
// - 0x1C not followed by 0x0D ends the frame as `.broken`.
// - A frame longer than `maximumBytes` is `.tooLong` and the framer discards until the next 0x0B.
import Foundation

/// One framing result.
public enum MLLPFrame: Sendable, Equatable {
    /// A complete message body (without the framing bytes).
    case message([UInt8])
    /// A frame that was cut off or badly terminated.
    case broken
    /// A frame over the size limit.
    case tooLong
    /// Bytes outside any frame.
    case garbage
}

/// Incremental MLLP de-framer.
public struct MLLPFramer: Sendable {
    /// MLLP start block.
    public static let startBlock: UInt8 = 0x0B
    /// MLLP end block.
    public static let endBlock: UInt8 = 0x1C
    /// Carriage return after the end block.
    public static let carriageReturn: UInt8 = 0x0D

    /// Largest message accepted, bytes.
    public let maximumBytes: Int
    private enum State: Sendable { case outside(reported: Bool), inside, afterEnd, skipping }
    private var state: State = .outside(reported: false)
    private var body: [UInt8] = []

    /// Creates a framer.
    public init(maximumBytes: Int = 65_536) { self.maximumBytes = maximumBytes }

    /// Wraps `message` in MLLP framing.
    public static func frame(_ message: some Sequence<UInt8>) -> [UInt8] {
        [startBlock] + Array(message) + [endBlock, carriageReturn]
    }

    /// Feeds `bytes`; returns the frames they complete, in order.
    public mutating func feed(_ bytes: some Sequence<UInt8>) -> [MLLPFrame] {
        var frames: [MLLPFrame] = []
        for byte in bytes {
            switch state {
            case .outside(let reported):
                if byte == Self.startBlock {
                    state = .inside
                    body.removeAll(keepingCapacity: true)
                } else if !reported && !(byte == 0x0A || byte == 0x0D) {
                    frames.append(.garbage)
                    state = .outside(reported: true)
                }
            case .inside:
                if byte == Self.endBlock {
                    state = .afterEnd
                } else if byte == Self.startBlock {
                    frames.append(.broken)
                    body.removeAll(keepingCapacity: true)
                } else if body.count >= maximumBytes {
                    frames.append(.tooLong)
                    body.removeAll()
                    state = .skipping
                } else {
                    body.append(byte)
                }
            case .afterEnd:
                if byte == Self.carriageReturn {
                    frames.append(.message(body))
                    state = .outside(reported: false)
                } else if byte == Self.startBlock {
                    frames.append(.broken)
                    state = .inside
                } else {
                    frames.append(.broken)
                    state = .outside(reported: true)
                }
                body.removeAll(keepingCapacity: true)
            case .skipping:
                if byte == Self.startBlock {
                    state = .inside
                    body.removeAll(keepingCapacity: true)
                }
            }
        }
        return frames
    }
}
