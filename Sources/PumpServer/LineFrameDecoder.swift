// Newline framing with a hard length limit. Invariants (HAZ-009):
// - Only complete lines (terminated by "\n") are ever emitted; a trailing "\r" is removed.
// - Bytes after the last newline when the peer closes or half-closes are discarded: a partial line is never
//   handed on, so a client that dies mid-command changes nothing.
// - Buffered bytes never exceed `maxLineBytes` + one read: once a line is known to be too long, one
//   `.tooLong` frame is emitted and all further input is discarded (the connection is then closed).
// - Invalid UTF-8 becomes an `.invalidUTF8` frame, never a lossy string.
import Foundation
import NIOCore

/// One framed unit of client input.
public enum LineFrame: Sendable, Equatable {
    /// A complete line, without its terminator.
    case line(String)
    /// A complete line that is not valid UTF-8.
    case invalidUTF8
    /// A line longer than the limit; nothing more will be read from this connection.
    case tooLong
}

struct LineFrameDecoder: ByteToMessageDecoder {
    typealias InboundOut = LineFrame

    let maxLineBytes: Int
    /// Bytes at the front of the buffer already searched for a newline.
    private var searched = 0
    private var overflowed = false

    init(maxLineBytes: Int) { self.maxLineBytes = maxLineBytes }

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let frame = nextFrame(&buffer) else { return .needMoreData }
        context.fireChannelRead(wrapInboundOut(frame))
        return overflowed ? .needMoreData : .continue
    }

    mutating func decodeLast(
        context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool
    ) throws -> DecodingState {
        while let frame = nextFrame(&buffer) {
            context.fireChannelRead(wrapInboundOut(frame))
        }
        // What is left is an unterminated line: drop it.
        buffer.moveReaderIndex(to: buffer.writerIndex)
        searched = 0
        return .needMoreData
    }

    /// Extracts the next frame, or nil if more data is needed (or input is being discarded).
    mutating func nextFrame(_ buffer: inout ByteBuffer) -> LineFrame? {
        if overflowed {
            buffer.moveReaderIndex(to: buffer.writerIndex)
            return nil
        }
        let view = buffer.readableBytesView
        let searchStart = view.index(view.startIndex, offsetBy: min(searched, view.count))
        guard let newline = view[searchStart...].firstIndex(of: UInt8(ascii: "\n")) else {
            searched = view.count
            if view.count > maxLineBytes { return overflow(&buffer) }
            return nil
        }
        let length = newline - view.startIndex
        searched = 0
        if length > maxLineBytes { return overflow(&buffer) }
        var bytes = Array(view[view.startIndex..<newline])
        buffer.moveReaderIndex(forwardBy: length + 1)
        if bytes.last == UInt8(ascii: "\r") { bytes.removeLast() }
        guard let line = String(bytes: bytes, encoding: .utf8) else { return .invalidUTF8 }
        return .line(line)
    }

    private mutating func overflow(_ buffer: inout ByteBuffer) -> LineFrame {
        overflowed = true
        buffer.moveReaderIndex(to: buffer.writerIndex)
        return .tooLong
    }
}
