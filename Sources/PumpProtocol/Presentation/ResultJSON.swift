// `pumpctl --json`: the result object of one answer, without the protocol envelope, as one JSON document.
// `status --json` prints the status report itself (top-level `state`, `delivered_mg`, …); `log --json` the list
// of entries; `ack --json` `{"message": …}`; a refusal `{"error": {"code": …, "message": …}}`. The raw
// envelope lines are what `--raw` prints.
import Foundation

/// Encodes answers for `--json`.
public enum ResultJSON {
    /// The result object of a successful answer (`{}` when the answer carries none), one line with "\n".
    ///
    /// Throws when a value cannot be represented (a non-finite number).
    public static func encode(_ result: ResultPayload?) throws -> Data {
        switch result {
        case let .status(report): try line(report)
        case let .program(program): try line(program)
        case let .log(entries): try line(entries)
        case let .ack(message): try line(["message": message])
        case let .sessions(list): try line(list)
        case let .report(report): try line(report)
        case let .syringeChange(summary): try line(summary)
        case nil: Data("{}\n".utf8)
        }
    }

    /// A failed answer as `{"error": {...}}`, one line with "\n".
    public static func encode(_ error: ProtocolError) throws -> Data {
        try line(["error": error])
    }

    private static func line(_ value: some Encodable) throws -> Data { try LineCodec.line(for: value) }
}
