// pumpctl vitals: enter one vital-sign reading (the same command a monitor bridge sends over the socket).
import ArgumentParser
import PumpProtocol

/// pumpctl vitals --sbp 150 --dbp 90 --hr 88 --spo2 97
struct VitalsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vitals",
        abstract: "Enter vital signs; a reading past a pause limit pauses the infusion (HAZ-015).",
        discussion: "Limits come from the drug library and are defaults needing clinical sign-off. Before start, BP at or above the pre-start limit needs --override-reason on start.")
    @OptionGroup var global: GlobalOptions
    @Option(parsing: .unconditional, help: "Systolic blood pressure, mmHg.") var sbp: Double
    @Option(parsing: .unconditional, help: "Diastolic blood pressure, mmHg.") var dbp: Double
    @Option(parsing: .unconditional, help: "Heart rate, beats per minute.") var hr: Double
    @Option(parsing: .unconditional, help: "SpO2, percent.") var spo2: Double
    // `.unconditional`: a negative typo (`--hr -5`) is a value pumpd refuses with a sentence, not an unknown option.
    @Flag(help: "Mark the reading as coming from a monitor bridge rather than typed in.") var monitor = false

    func validate() throws {
        for (name, value) in [("--sbp", sbp), ("--dbp", dbp), ("--hr", hr), ("--spo2", spo2)] where !value.isFinite {
            throw ValidationError("\(name) must be a number.")
        }
    }

    func run() throws {
        let session = PumpSession(options: global)
        let parameters = VitalsParameters(sbpMmHg: sbp, dbpMmHg: dbp, hrBpm: hr, spo2Percent: spo2, source: monitor ? .monitor : .manual)
        let result = try session.send(.vitals(parameters))
        var done = "Vital signs recorded."
        if case let .status(status) = result {
            if status.alarms.contains(where: { $0.code == "vitals-out-of-range" }) {
                done = "Vital signs recorded: OUT OF RANGE — the infusion is paused; recheck, enter a new reading, then ack vitals-out-of-range and resume."
            } else if let out = status.vitals?.outOfRange, !out.isEmpty {
                done = "Vital signs recorded: out of range (\(out.joined(separator: ", "))); no infusion is running."
            }
        }
        report(result, session: session, done: done)
    }
}
