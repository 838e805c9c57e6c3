// Answers longer than one protocol line (a whole session report, a long log), sent as numbered part lines.
//
// Protocol: a request may carry `max_parts` (1…256). When the daemon's complete answer line is longer than
// `LineCodec.maxLineBytes` and the request allowed more than one part, the daemon sends the answer's bytes
// split into `count` consecutive lines, each `{"v":1,"id":…,"ok":true,"part":{"index":i,"count":n,"data":…}}`
// with `data` the base64 of one slice. The client concatenates the slices in order and decodes the result as
// the one response line it replaces. Invariants: every part line fits one protocol line (45,000 bytes of
// payload are 60,000 base64 characters, plus an envelope under 1 KiB); parts come in order, 0…count−1, with
// the same id and count; anything else is a malformed answer, never a partial record. Without `max_parts` the
// answer is the single line it always was (a too-long one becomes a `line-too-long` error).
//
// Base64 rather than an escaped JSON string: its size is exactly 4/3 of the slice, so a part's length never
// depends on how many quotes the report holds, and a slice may cut a UTF-8 character anywhere.
import Foundation

/// One numbered piece of a long answer.
public struct AnswerPart: Sendable, Equatable, Codable {
    /// 0-based position of this part.
    public var index: Int
    /// How many parts the answer has.
    public var count: Int
    /// Base64 of this part's slice of the answer line.
    public var data: String

    /// Creates a part.
    public init(index: Int, count: Int, data: String) {
        self.index = index
        self.count = count
        self.data = data
    }
}

/// Splitting long answers into part lines and putting them back together.
public enum AnswerParts {
    /// The most parts any request may allow: 256 × 45,000 bytes ≈ 11 MB, far above the largest session record
    /// (1,000 pause/resume pairs ≈ 1 MB) and small enough for an SBC to hold.
    public static let maxParts = 256
    /// Bytes of the answer per part line.
    public static let bytesPerPart = 45_000
    /// The `max_parts` pumpctl sends: as many as pumpd allows.
    public static let clientMaxParts = maxParts

    /// The lines (each ending in "\n") that carry `line` (one encoded response ending in "\n"), or nil when it
    /// needs more than `maxParts` parts.
    public static func split(_ line: Data, id: String?, maxParts: Int) -> [Data]? {
        var body = line
        if body.last == 0x0A { body.removeLast() }
        let count = (body.count + bytesPerPart - 1) / bytesPerPart
        guard count >= 1, count <= min(maxParts, Self.maxParts) else { return nil }
        var lines: [Data] = []
        lines.reserveCapacity(count)
        for index in 0..<count {
            let start = body.startIndex + index * bytesPerPart
            let slice = body[start..<min(start + bytesPerPart, body.endIndex)]
            let part = AnswerPart(index: index, count: count, data: Data(slice).base64EncodedString())
            guard let encoded = try? LineCodec.line(for: Response(v: protocolVersion, id: id, error: nil, result: nil, part: part))
            else { return nil }
            lines.append(encoded)
        }
        return lines
    }

    /// Collects part lines in order until the whole answer is there.
    public struct Assembler: Sendable {
        private var expectedCount: Int?
        private var id: String?
        private var bytes = Data()
        private var received = 0

        /// An empty assembler.
        public init() {}

        /// Adds the next part (of a response with `id`); returns the complete answer line after the last one.
        /// Throws a sentence when the part is out of order, inconsistent or too many.
        public mutating func add(_ part: AnswerPart, id: String?) throws(ProtocolError) -> Data? {
            if expectedCount == nil {
                guard part.count >= 1, part.count <= AnswerParts.maxParts else {
                    throw Self.malformed("an answer of \(part.count) parts")
                }
                expectedCount = part.count
                self.id = id
            }
            guard part.count == expectedCount, part.index == received, id == self.id else {
                throw Self.malformed("part \(part.index + 1) of \(part.count) where part \(received + 1) of \(expectedCount ?? 0) was due")
            }
            guard let slice = Data(base64Encoded: part.data), slice.count <= AnswerParts.bytesPerPart else {
                throw Self.malformed("a part that is not base64 of at most \(AnswerParts.bytesPerPart) bytes")
            }
            bytes.append(slice)
            received += 1
            return received == part.count ? bytes : nil
        }

        private static func malformed(_ what: String) -> ProtocolError {
            ProtocolError(code: .badRequest, message: "pumpd sent \(what).")
        }
    }
}
