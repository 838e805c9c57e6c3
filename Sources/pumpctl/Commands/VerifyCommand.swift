// pumpctl verify: the independent double check of an infusion awaiting it (pumpd.toml double_check).
import ArgumentParser
import Foundation
import PumpProtocol

/// Shows the program another nurse started and, after confirmation, starts it as the second person.
struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Independent double check: show the program another nurse started and (after you type yes) start it.",
        discussion: "Must be run by a different user than the one who ran start (pumpd.toml double_check = \"required\")."
    )
    @OptionGroup var global: GlobalOptions
    @Flag(help: "Verify without asking (you have checked the program).") var yes = false

    func run() throws {
        let session = PumpSession(options: global)
        let status = try session.status(echo: false)
        guard case let .program(program) = try session.send(.verify(confirmed: false), echo: false) else {
            throw CLIFailure(status: .protocolError, message: "pumpd answered verify without a program.")
        }
        if !session.json {
            if let check = status.doubleCheck {
                Output.line("Started by \(check.startedBy) (uid \(check.startedByUid)); verify before \(QuantityFormat.clockWithSeconds(check.expiresAt, timeZone: .current)).")
            }
            Output.line(ProgramText.render(program, timeZone: .current))
        }
        try Output.confirm(
            yes: yes, question: "You checked this program independently: start it? Type yes to confirm:",
            action: "verify and start the infusion", declined: "Not verified: the answer was not yes."
        )
        let result = try session.send(.verify(confirmed: true))
        guard !session.json else { return }
        Output.line("Verified and started: \(QuantityFormat.mg(program.totalMg)) (\(QuantityFormat.ml(program.volumeMl))) over \(QuantityFormat.minutes(program.durationMin)) at \(QuantityFormat.mlPerH(program.rateMlPerH)).")
        if case let .status(report) = result { Output.line(StatusText.render(report, timeZone: .current)) }
    }
}
