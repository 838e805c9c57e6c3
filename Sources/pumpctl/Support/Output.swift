// Writing to stdout and stderr, and asking for confirmation.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import PumpProtocol

/// Terminal input and output for pumpctl.
enum Output {
    /// Prints one line (or several joined by newlines) to stdout.
    static func line(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }

    /// Writes raw text to stdout without a newline. A terminal that went away (SSH hang-up) is not an error
    /// worth crashing over: the write is dropped.
    static func raw(_ text: String) {
        try? FileHandle.standardOutput.write(contentsOf: Data(text.utf8))
    }

    /// Prints one line to stderr.
    static func error(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }

    /// Whether stdout is a terminal.
    static var stdoutIsTerminal: Bool { isatty(STDOUT_FILENO) == 1 }

    /// Asks for confirmation unless `yes`; throws exit status 2 when it is not given.
    ///
    /// - Parameters:
    ///   - question: e.g. "Start this infusion? Type yes to confirm:"
    ///   - action: for the no-terminal refusal, e.g. "start the infusion"
    ///   - declined: the sentence when the answer is not yes, e.g. "Not started: the answer was not yes."
    static func confirm(yes: Bool, question: String, action: String, declined: String) throws(CLIFailure) {
        switch Confirmation.decide(yes: yes, stdinIsTerminal: isatty(STDIN_FILENO) == 1) {
        case .proceed:
            return
        case .refuse:
            throw CLIFailure(status: .usage, message: Confirmation.noTerminalRefusal(action: action))
        case .prompt:
            FileHandle.standardError.write(Data((question + " ").utf8))
            guard Confirmation.isAffirmative(readLine()) else {
                throw CLIFailure(status: .usage, message: declined)
            }
        }
    }
}
