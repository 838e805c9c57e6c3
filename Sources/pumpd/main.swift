// pumpd: the syringe-pump daemon. Flags override the TOML configuration file, which overrides defaults.
import ArgumentParser
import Foundation
import Logging
import PumpControl
import PumpDaemon

@main
struct Pumpd: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pumpd",
        abstract: "Syringe-pump controller daemon (research/bench software, not a medical device).",
        discussion: "Starts stopped. Never resumes an infusion by itself. Control it with pumpctl.")

    @Option(help: "Hardware backend: sim or gpiod.") var backend: String?
    @Option(help: "Unix socket path (default /run/pumpd/pumpd.sock).") var socket: String?
    @Option(help: "Journal directory (default /var/lib/pumpd).") var stateDir: String?
    @Option(help: "TOML configuration file (default /etc/pumpd/pumpd.toml when it exists).") var config: String?
    @Option(help: "Simulator only: virtual time runs N× real time.") var simSpeed: Double?
    @Option(help: "Group allowed to control the pump.") var controlGroup: String?
    @Option(help: "Group allowed to read status.") var readOnlyGroup: String?
    @Option(help: "Group of patient-monitor bridges: may send only vitals.") var monitorGroup: String?
    @Option(help: "Group owning the socket file.") var socketGroup: String?
    @Flag(help: "Let root control the pump (bench and tests only).") var allowRoot = false
    @Option(help: "Step timing: realtime (SCHED_FIFO step thread when permitted, else dispatch) or dispatch.")
    var stepTiming: String?
    @Flag(help: "Simulator only: a simulated patient monitor feeds vital signs.") var simVitals = false
    @Option(help: "Plasma-estimate model: clements-nimmo-1981 (default) or domino-1982.") var plasmaModel: String?
    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.") var logLevel = "info"
    @Option(help: "Prometheus textfile for node_exporter, rewritten every 5 s and at every state change (default /run/pumpd/metrics/pumpd.prom; \"\" for none).")
    var metricsFile: String?
    @Option(help: "Diagnostics: at shutdown, write the step emitter's lateness percentiles (JSON) to this file.")
    var stepTimingReport: String?

    func run() async throws {
        var settings = DaemonConfiguration()
        let file = config ?? "/etc/pumpd/pumpd.toml"
        if config != nil || FileManager.default.fileExists(atPath: file) {
            try settings.apply(tomlFileAt: file)
        }
        if let backend {
            guard let kind = BackendKind(rawValue: backend) else { throw ValidationError("--backend must be sim or gpiod, not '\(backend)'.") }
            settings.backend = kind
        }
        if let socket { settings.socketPath = socket }
        if let stateDir { settings.stateDirectory = stateDir }
        if let simSpeed { settings.simSpeed = simSpeed }
        if let controlGroup { settings.controlGroup = controlGroup }
        if let readOnlyGroup { settings.readOnlyGroup = readOnlyGroup }
        if let monitorGroup { settings.monitorGroup = monitorGroup }
        if let socketGroup { settings.socketGroup = socketGroup }
        if allowRoot { settings.allowRoot = true }
        if let metricsFile { settings.metricsFile = metricsFile.isEmpty ? nil : metricsFile }
        if let stepTimingReport { settings.stepTimingReportPath = stepTimingReport }
        if let stepTiming {
            guard let mode = StepTimingMode(rawValue: stepTiming) else {
                throw ValidationError("--step-timing must be realtime or dispatch, not '\(stepTiming)'.")
            }
            settings.stepTiming = mode
        }
        if simVitals { settings.simVitals = true }
        if let plasmaModel { settings.plasmaModel = plasmaModel }
        do { try settings.validate() } catch { throw ValidationError(error.message) }

        var logger = Logger(label: "pumpd")
        logger.logLevel = Logger.Level(rawValue: logLevel) ?? .info
        try await DaemonRunner.run(configuration: settings, logger: logger)
    }
}
