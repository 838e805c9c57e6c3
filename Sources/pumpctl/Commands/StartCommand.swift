// pumpctl start: validate, show the program, confirm, start.
import ArgumentParser
import Foundation
import PumpProtocol

extension Profile: ExpressibleByArgument {}
extension Sex: ExpressibleByArgument {}
extension DosingWeightBasis: ExpressibleByArgument {}

/// Programs and starts an infusion after showing the computed program and getting confirmation.
struct StartCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "start",
        abstract: "Compute, show and (after you type yes) start an infusion.",
        discussion: "Mood profile: give --dose-mg-per-kg. Pain profile: give --rate-mg-per-kg-per-h."
    )

    @OptionGroup var global: GlobalOptions
    @Option(help: "Drug from the drug library, e.g. ketamine.") var drug: String
    @Option(help: "Clinical profile: mood or pain.") var profile: Profile
    @Option(name: .customLong("weight-kg"), help: "Body weight in kg.") var weightKg: Double
    @Option(name: .customLong("height-cm"), help: "Height in cm (for ideal or adjusted dosing weight).") var heightCm: Double?
    @Option(help: "female or male (for ideal or adjusted dosing weight).") var sex: Sex?
    @Option(name: .customLong("dosing-weight"), help: "actual, ideal or adjusted.") var dosingWeight: DosingWeightBasis?
    @Option(name: .customLong("dose-mg-per-kg"), help: "Total dose in mg/kg (mood profile).") var doseMgPerKg: Double?
    @Option(name: .customLong("rate-mg-per-kg-per-h"), help: "Dose rate in mg/kg/h (pain profile).") var rateMgPerKgPerH: Double?
    @Option(name: .customLong("duration-min"), help: "Duration in minutes.") var durationMin: Double?
    @Option(name: .customLong("concentration-mg-per-ml"), help: "Concentration in the syringe, mg/mL.") var concentrationMgPerMl: Double
    @Option(help: "Syringe model, e.g. bd-50.") var syringe: String
    @Option(name: .customLong("fill-ml"), help: "Volume drawn into the syringe, dead space included (default: its nominal volume, so nominal less dead space is deliverable).") var fillMl: Double?
    @Option(name: .customLong("patient-id"), help: "Patient identifier.") var patientId: String?
    @Option(name: .customLong("override-reason"), help: "Reason for overriding a soft limit (logged).") var overrideReason: String?
    @Flag(help: "Start without asking (you have checked the program).") var yes = false

    func validate() throws {
        try requireFinite([
            ("--weight-kg", weightKg), ("--height-cm", heightCm), ("--dose-mg-per-kg", doseMgPerKg),
            ("--rate-mg-per-kg-per-h", rateMgPerKgPerH), ("--duration-min", durationMin),
            ("--concentration-mg-per-ml", concentrationMgPerMl), ("--fill-ml", fillMl),
        ])
        if doseMgPerKg != nil, rateMgPerKgPerH != nil {
            throw ValidationError("Give either --dose-mg-per-kg or --rate-mg-per-kg-per-h, not both")
        }
        if profile == .mood, doseMgPerKg == nil {
            throw ValidationError("The mood profile needs --dose-mg-per-kg")
        }
        if profile == .pain, rateMgPerKgPerH == nil {
            throw ValidationError("The pain profile needs --rate-mg-per-kg-per-h")
        }
    }

    /// The request parameters these arguments stand for (`confirmed` false).
    var parameters: StartParameters {
        StartParameters(
            drug: drug, profile: profile, weightKg: weightKg, heightCm: heightCm, sex: sex, dosingWeight: dosingWeight,
            doseMgPerKg: doseMgPerKg, rateMgPerKgPerH: rateMgPerKgPerH, durationMin: durationMin,
            concentrationMgPerMl: concentrationMgPerMl, syringe: syringe, patientId: patientId,
            overrideReason: overrideReason, confirmed: false, fillMl: fillMl
        )
    }

    func run() throws {
        let session = PumpSession(options: global)
        var parameters = parameters
        guard case let .program(program) = try session.send(.validate(parameters), echo: false) else {
            throw CLIFailure(status: .protocolError, message: "pumpd answered validate without a program.")
        }
        if !session.json { Output.line(ProgramText.render(program, timeZone: .current)) }
        if let refusal = ProgramText.refusal(for: program, action: "Not started") {
            try session.printJSON(.program(program))
            throw CLIFailure(status: .refused, message: refusal)
        }
        try Output.confirm(
            yes: yes, question: "Start this infusion? Type yes to confirm:", action: "start the infusion",
            declined: "Not started: the answer was not yes."
        )
        parameters.confirmed = true
        let result = try session.send(.start(parameters))
        guard !session.json else { return }
        if case let .status(report) = result, report.state == .awaitingCheck {
            let until = report.doubleCheck.map { " before \(QuantityFormat.clockWithSeconds($0.expiresAt, timeZone: .current))" } ?? ""
            Output.line("Awaiting an independent double check (motor off): a second nurse must run pumpctl verify\(until).")
            return
        }
        Output.line("Started: \(QuantityFormat.mg(program.totalMg)) (\(QuantityFormat.ml(program.volumeMl))) over \(QuantityFormat.minutes(program.durationMin)) at \(QuantityFormat.mlPerH(program.rateMlPerH)).")
        if case let .status(report) = result { Output.line(StatusText.render(report, timeZone: .current)) }
    }
}
