// pumpctl titrate: dry run, show old → new, confirm, apply.
import ArgumentParser
import PumpProtocol

/// Changes dose, duration or rate of the running infusion after showing the change and getting confirmation.
struct TitrateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "titrate",
        abstract: "Change the dose, duration or rate of the running infusion (shown, then confirmed)."
    )

    @OptionGroup var global: GlobalOptions
    @Option(name: .customLong("dose-mg-per-kg"), help: "New total dose in mg/kg.") var doseMgPerKg: Double?
    @Option(name: .customLong("duration-min"), help: "New total duration in minutes.") var durationMin: Double?
    @Option(name: .customLong("rate-mg-per-kg-per-h"), help: "New dose rate in mg/kg/h.") var rateMgPerKgPerH: Double?
    @Option(name: .customLong("override-reason"), help: "Reason for overriding a soft limit (logged).") var overrideReason: String?
    @Flag(help: "Apply without asking (you have checked the change).") var yes = false

    func validate() throws {
        try requireFinite([("--dose-mg-per-kg", doseMgPerKg), ("--duration-min", durationMin), ("--rate-mg-per-kg-per-h", rateMgPerKgPerH)])
        if parameters(dryRun: true).targetCount != 1 {
            throw ValidationError("Give exactly one of --dose-mg-per-kg, --duration-min or --rate-mg-per-kg-per-h")
        }
    }

    /// The request parameters for the dry run or the confirmed change.
    func parameters(dryRun: Bool) -> TitrateParameters {
        TitrateParameters(
            doseMgPerKg: doseMgPerKg, durationMin: durationMin, rateMgPerKgPerH: rateMgPerKgPerH,
            overrideReason: overrideReason, dryRun: dryRun, confirmed: !dryRun
        )
    }

    func run() throws {
        let session = PumpSession(options: global)
        let current = try session.status(echo: false)
        guard case let .program(proposed) = try session.send(.titrate(parameters(dryRun: true)), echo: false) else {
            throw CLIFailure(status: .protocolError, message: "pumpd answered the titration dry run without a program.")
        }
        if !session.json { Output.line(TitrationText.render(current: current, proposed: proposed, timeZone: .current)) }
        if let refusal = ProgramText.refusal(for: proposed, action: "Not changed") {
            try session.printJSON(.program(proposed))
            throw CLIFailure(status: .refused, message: refusal)
        }
        try Output.confirm(
            yes: yes, question: "Apply this change? Type yes to confirm:", action: "change the infusion",
            declined: "Not changed: the answer was not yes."
        )
        let result = try session.send(.titrate(parameters(dryRun: false)))
        guard !session.json else { return }
        Output.line("Changed: now \(QuantityFormat.mlPerH(proposed.rateMlPerH)) (\(QuantityFormat.mgPerKgPerH(proposed.rateMgPerKgPerH))).")
        // A program answer would repeat the dry run just shown; only a fresh status adds anything.
        if case let .status(status) = result { Output.line(StatusText.render(status, timeZone: .current)) }
    }
}
