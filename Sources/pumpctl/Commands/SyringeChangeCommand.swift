// pumpctl syringe-change: while paused (for syringe-empty or by the nurse), load a new syringe of the program's
// model and concentration, see what follows, confirm, and continue with cumulative totals.
import ArgumentParser
import PumpProtocol

/// Loads a new syringe into the paused program and continues it.
struct SyringeChangeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "syringe-change",
        abstract: "Load a new syringe into the paused program and continue it with cumulative totals (shown, then confirmed).",
        discussion: "Only while the pump is paused for syringe-empty or paused with pumpctl pause, and only for a drug-library profile with syringe_change_allowed. The syringe model and the concentration are checked against the program."
    )

    @OptionGroup var global: GlobalOptions
    @Option(help: "Syringe model of the new syringe; must be the program's, e.g. bd-50.") var syringe: String
    @Option(name: .customLong("fill-ml"), help: "Volume drawn into the new syringe, dead space included (default: its nominal volume).") var fillMl: Double?
    @Option(name: .customLong("concentration-mg-per-ml"), help: "Concentration on the new syringe's label; refused unless it is the program's.") var concentrationMgPerMl: Double?
    @Flag(help: "Continue without asking (you have checked the new syringe).") var yes = false

    func validate() throws {
        try requireFinite([("--fill-ml", fillMl), ("--concentration-mg-per-ml", concentrationMgPerMl)])
    }

    func parameters(confirmed: Bool) -> SyringeChangeParameters {
        SyringeChangeParameters(syringe: syringe, fillMl: fillMl, concentrationMgPerMl: concentrationMgPerMl, confirmed: confirmed)
    }

    func run() throws {
        let session = PumpSession(options: global)
        guard case let .syringeChange(summary) = try session.send(.syringeChange(parameters(confirmed: false)), echo: false) else {
            throw CLIFailure(status: .protocolError, message: "pumpd answered the syringe-change preview without a summary.")
        }
        if !session.json { Output.line(SyringeChangeText.render(summary, timeZone: .current)) }
        try Output.confirm(
            yes: yes, question: "Continue with this syringe? Type yes to confirm:", action: "change the syringe",
            declined: "Not changed: the answer was not yes."
        )
        let result = try session.send(.syringeChange(parameters(confirmed: true)))
        guard !session.json else { return }
        Output.line("Syringe \(summary.syringeIndex) loaded; delivery continues.")
        if case let .status(status) = result { Output.line(StatusText.render(status, timeZone: .current)) }
    }
}
