// The one way a pumpctl command fails: an exit status and one sentence for stderr.
import PumpProtocol

/// A failure to report: `message` goes to stderr as one sentence, `status` becomes the exit code.
struct CLIFailure: Error {
    /// The process exit status.
    let status: ExitStatus
    /// One sentence for the nurse.
    let message: String
}
