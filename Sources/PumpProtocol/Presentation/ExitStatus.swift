// The exit codes of pumpctl, shared so tests and scripts agree on them.

/// pumpctl's process exit codes. Scripts depend on these values; never renumber them.
public enum ExitStatus: Int32, Sendable, CaseIterable {
    /// The command succeeded.
    case ok = 0
    /// pumpd refused the command (a limit, a cap, the current state, permissions), or the program was rejected.
    case refused = 1
    /// Bad arguments, or confirmation needed but not given (declined, or no terminal and no --yes).
    case usage = 2
    /// pumpd could not be reached or did not answer in time.
    case unreachable = 3
    /// pumpd's answer was malformed or in another protocol version, or it did not understand the request.
    case protocolError = 4

    /// The exit status for a failed response from pumpd.
    public static func forDaemonError(_ code: ErrorCode) -> ExitStatus {
        switch code {
        case .badRequest, .unsupportedVersion, .lineTooLong: .protocolError
        default: .refused
        }
    }

    /// The text for `pumpctl --help`.
    public static let helpText = """
        Exit codes:
          0  success
          1  refused by pumpd (the message names the limit and the value)
          2  bad arguments, or confirmation needed and not given
          3  pumpd unreachable or not answering
          4  protocol error (malformed answer, version mismatch)
        """
}
