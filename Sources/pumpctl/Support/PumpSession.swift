// One pumpctl invocation's conversation with pumpd: build the request, exchange it, check the answer.
import Foundation
import PumpProtocol

/// Sends commands to pumpd and turns every failure into a `CLIFailure` with the right exit status.
final class PumpSession {
    private let options: GlobalOptions
    private var counter = 0

    /// Seconds allowed for each step of an exchange.
    static let timeoutSeconds = 5

    /// Creates a session for the socket and output mode in `options`.
    init(options: GlobalOptions) {
        self.options = options
    }

    /// Whether output is for a program (`--json` or `--raw`): commands then print no text of their own.
    var json: Bool { options.mode != .text }

    /// Sends `command` and returns the result payload of a successful answer.
    ///
    /// With `--raw` the answer line is printed to stdout as received, whether it succeeded or not. With
    /// `--json` a successful answer's result object is printed when `echo` is true (preliminary requests such
    /// as the dry run before a change pass false), and a refusal's `{"error": …}` always.
    @discardableResult
    func send(_ command: Command, echo: Bool = true) throws(CLIFailure) -> ResultPayload? {
        counter += 1
        let request = Request(id: "pumpctl-\(getpid())-\(counter)", command: command, maxParts: AnswerParts.clientMaxParts)
        let line: Data
        do {
            line = try LineCodec.encode(request)
        } catch {
            throw CLIFailure(status: .usage, message: error.message)
        }
        let lines: [Data]
        do {
            lines = try LineSocketClient(path: options.socket, timeoutSeconds: Self.timeoutSeconds).exchange(line) { answer in
                guard case let .success(response) = LineCodec.decodeResponse(answer), let part = response.part else { return false }
                return part.index + 1 < part.count
            }
        } catch {
            throw failure(for: error, command: command)
        }
        if options.mode == .raw { for answer in lines { Output.line(String(decoding: answer, as: UTF8.self)) } }
        let response = try Self.response(from: lines)
        if let id = response.id, id != request.id {
            throw CLIFailure(status: .protocolError, message: "pumpd answered request \(id) instead of \(request.id).")
        }
        if let error = response.error {
            if options.mode == .json { try printJSON { try ResultJSON.encode(error) } }
            throw CLIFailure(status: ExitStatus.forDaemonError(error.code), message: RefusalText.sentence(for: error))
        }
        if options.mode == .json, echo { try printJSON { try ResultJSON.encode(response.result) } }
        return response.result
    }

    /// The one response the answer lines carry: the only line, or the reassembled parts of a long answer.
    private static func response(from lines: [Data]) throws(CLIFailure) -> Response {
        var assembler = AnswerParts.Assembler()
        var whole: Data?
        for line in lines {
            let decoded = try decode(line)
            guard let part = decoded.part else {
                if lines.count == 1 { return decoded }
                throw CLIFailure(status: .protocolError, message: "pumpd mixed a whole answer into the parts of another; check with pumpctl status.")
            }
            do {
                whole = try assembler.add(part, id: decoded.id)
            } catch {
                throw CLIFailure(status: .protocolError, message: "\(error.message) Check with pumpctl status.")
            }
        }
        guard let whole else {
            throw CLIFailure(status: .protocolError, message: "pumpd's answer ended before its last part; check with pumpctl status.")
        }
        let response = try decode(whole, assembled: true)
        if response.part != nil {
            throw CLIFailure(status: .protocolError, message: "pumpd sent parts inside parts; check with pumpctl status.")
        }
        return response
    }

    private static func decode(_ line: Data, assembled: Bool = false) throws(CLIFailure) -> Response {
        switch assembled ? LineCodec.decodeAssembledResponse(line) : LineCodec.decodeResponse(line) {
        case let .success(decoded): return decoded
        case let .failure(error):
            throw CLIFailure(status: .protocolError, message: "pumpd sent an answer pumpctl cannot read: \(lowercasedFirst(Sentence.body(error.message))).")
        }
    }

    /// With `--json`, prints `result` (e.g. the refused program before failing); nothing otherwise.
    func printJSON(_ result: ResultPayload) throws(CLIFailure) {
        guard options.mode == .json else { return }
        try printJSON { try ResultJSON.encode(result) }
    }

    private func printJSON(_ encode: () throws -> Data) throws(CLIFailure) {
        do {
            Output.raw(String(decoding: try encode(), as: UTF8.self))
        } catch {
            throw CLIFailure(status: .protocolError, message: "pumpd's answer holds a number that cannot be written as JSON.")
        }
    }

    /// Sends `status` and returns the report (printed with `--json` when `echo`).
    func status(echo: Bool = true) throws(CLIFailure) -> StatusReport {
        guard case let .status(report) = try send(.status, echo: echo) else {
            throw CLIFailure(status: .protocolError, message: "pumpd answered status without a status report.")
        }
        return report
    }

    private func failure(for error: LineClientError, command: Command) -> CLIFailure {
        switch error {
        case let .unreachable(reason):
            return CLIFailure(status: .unreachable, message: "Cannot reach pumpd at \(options.socket): \(reason). Is the pumpd service running?")
        case let .noAnswer(reason):
            return CLIFailure(status: .unreachable, message: "\(reason), so it is unknown whether \(command.name.rawValue) took effect; check with pumpctl status.")
        case let .malformed(reason):
            return CLIFailure(status: .protocolError, message: "\(reason); check with pumpctl status.")
        case .interrupted:
            return CLIFailure(status: .unreachable, message: "Interrupted while waiting for pumpd.")
        }
    }

    private static func lowercasedFirst(_ text: String) -> String {
        text.prefix(1).lowercased() + text.dropFirst()
    }
}
