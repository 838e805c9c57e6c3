// pumpctl resume-interrupted: the explicit, logged decision to continue after a crash or restart.
import ArgumentParser
import PumpProtocol

/// Continues an infusion that a crash, restart or power loss interrupted, after showing what was delivered.
struct ResumeInterruptedCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resume-interrupted",
        abstract: "Continue an infusion interrupted by a restart, after showing what was already delivered."
    )

    @OptionGroup var global: GlobalOptions
    @Flag(help: "Resume without asking (you have checked what was delivered).") var yes = false
    @Option(name: .customLong("override-reason"), help: "Reason for overriding a soft limit (logged).") var overrideReason: String?

    func run() throws {
        let session = PumpSession(options: global)
        let status = try session.status(echo: false)
        // HAZ-010: the nurse sees the delivered amount (and its uncertainty) before deciding.
        if !session.json { Output.line(StatusText.render(status, timeZone: .current)) }
        guard status.state == .interrupted else {
            throw CLIFailure(status: .refused, message: "There is no interrupted infusion to resume: the pump is \(status.state.rawValue).")
        }
        try Output.confirm(
            yes: yes, question: "Resume the interrupted infusion? Type yes to confirm:", action: "resume the interrupted infusion",
            declined: "Not resumed: the answer was not yes."
        )
        report(try session.send(.resumeInterrupted(confirmed: true, overrideReason: overrideReason)), session: session, done: "Resumed the interrupted infusion.")
    }
}
