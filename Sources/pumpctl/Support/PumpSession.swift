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
        let request = Request(id: "pumpctl-\(getpid())-\(counter)", command: command)
        let line: Data
        do {
            line = try LineCodec.encode(request)
        } catch {
            throw CLIFailure(status: .usage, message: error.message)
        }
        let answer: Data
        do {
            answer = try LineSocketClient(path: options.socket, timeoutSeconds: Self.timeoutSeconds).exchange(line)
        } catch {
            throw failure(for: error, command: command)
        }
        if options.mode == .raw { Output.line(String(decoding: answer, as: UTF8.self)) }
        let response: Response
        switch LineCodec.decodeResponse(answer) {
        case let .success(decoded): response = decoded
        case let .failure(error):
            throw CLIFailure(status: .protocolError, message: "pumpd sent an answer pumpctl cannot read: \(lowercasedFirst(Sentence.body(error.message))).")
        }
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

    private func lowercasedFirst(_ text: String) -> String {
        text.prefix(1).lowercased() + text.dropFirst()
    }
}
