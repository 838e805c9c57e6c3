// pumpctl entry point: parse, run, and map every outcome to one exit code and at most one sentence on stderr.
import ArgumentParser
import Foundation
import PumpProtocol

do {
    // Global options may come before the subcommand (`pumpctl --socket S --json status`).
    let arguments = GlobalArgumentOrder.hoisted(Array(CommandLine.arguments.dropFirst()), groups: ["sim"])
    var command = try PumpCtl.parseAsRoot(arguments)
    try command.run()
} catch let failure as CLIFailure {
    Output.error(failure.message)
    PumpCtl.exit(withError: ExitCode(failure.status.rawValue))
} catch {
    // Help and --version are "errors" to ArgumentParser with a success exit code.
    if PumpCtl.exitCode(for: error) == .success {
        Output.line(PumpCtl.fullMessage(for: error))
        PumpCtl.exit()
    }
    // ArgumentParser lists allowed values on extra lines ("  - occlusion"); fold them into the one line.
    let parts = PumpCtl.message(for: error).split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
    let head = parts.first ?? "Invalid arguments"
    let choices = parts.dropFirst().map { $0.hasPrefix("- ") ? String($0.dropFirst(2)) : $0 }.joined(separator: ", ")
    let message = choices.isEmpty ? head : "\(head) \(choices)"
    Output.error("\(Sentence.body(message)) (see pumpctl help).")
    PumpCtl.exit(withError: ExitCode(ExitStatus.usage.rawValue))
}
