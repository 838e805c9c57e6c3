// The server's framing without a socket: a byte stream in, the frames a connection would see out.
// It drives the very `LineFrameDecoder` the server installs in every connection's pipeline, so the fuzz
// target (and tests) exercise the shipped framing, not a copy. Invariants are the decoder's (HAZ-009): only
// complete lines come out, a too-long line yields one `.tooLong` frame and everything after it is discarded,
// and a partial line left at the end of the input is dropped.
import NIOCore

/// Splits bytes into `LineFrame`s exactly as one server connection does.
public struct LineFramer {
    private var decoder: LineFrameDecoder
    private var buffer = ByteBuffer()

    /// Creates a framer with the server's line limit (bytes, excluding the newline).
    public init(maxLineBytes: Int) {
        decoder = LineFrameDecoder(maxLineBytes: maxLineBytes)
    }

    /// Feeds one read's worth of bytes; returns the frames they complete, in order.
    public mutating func feed(_ bytes: some Collection<UInt8>) -> [LineFrame] {
        buffer.writeBytes(bytes)
        var frames: [LineFrame] = []
        while let frame = decoder.nextFrame(&buffer) { frames.append(frame) }
        buffer.discardReadBytes()
        return frames
    }

    /// Bytes received but not yet part of a complete frame (dropped if the peer closes now).
    public var pendingBytes: Int { buffer.readableBytes }
}

/// The server's answer to one frame.
public struct FrameReply: Sendable, Equatable {
    /// The reply lines, without their newlines: one, or the parts of one long answer.
    public var lines: [String]
    /// Whether the server closes the connection after sending it (a too-long line).
    public var closesConnection: Bool

    /// The first reply line (the only one unless the answer came in parts).
    public var line: String { lines.first ?? "" }

    /// Creates a one-line reply.
    public init(line: String, closesConnection: Bool) {
        self.init(lines: [line], closesConnection: closesConnection)
    }

    /// Creates a reply of one or more lines.
    public init(lines: [String], closesConnection: Bool) {
        self.lines = lines
        self.closesConnection = closesConnection
    }
}
