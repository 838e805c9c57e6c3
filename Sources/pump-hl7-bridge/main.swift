// pump-hl7-bridge: HL7 v2 ORU^R01 vital signs from a patient monitor (MLLP over TCP) into pumpd's `vitals`
// command for one bed. Flags override the TOML configuration file, which overrides the defaults.
import ArgumentParser
import Foundation
import Logging
import PumpHL7
import PumpHL7Bridge

@main
struct PumpHL7BridgeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pump-hl7-bridge",
        abstract: "Forward a patient monitor's HL7 v2 vital signs (ORU^R01 over MLLP) to pumpd for one bed.",
        discussion: "Answers every message with an ACK: AA when pumpd took the reading, AE or AR with the reason otherwise. Sends pumpd nothing but the vitals command (source monitor).")

    @Option(help: "MLLP listen address HOST:PORT (default 127.0.0.1:2575).") var listen: String?
    @Option(help: "pumpd's socket (default /run/pumpd/pumpd.sock).") var socket: String?
    @Option(help: "The bed this bridge feeds: PV1-3's bed component (or point of care) must equal it.") var bed: String?
    @Option(help: "TOML configuration file with keys listen, socket, bed, max_age_s.") var config: String?
    @Option(help: "Readings observed longer ago than this many seconds are refused (default 300).") var maxAgeS: Double?
    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.") var logLevel = "info"

    func run() async throws {
        var settings = BridgeConfiguration()
        do {
            if let config { try settings.apply(tomlFileAt: config) }
            if let listen { settings.listen = try ListenAddress(parsing: listen) }
            if let socket { settings.socketPath = socket }
            if let bed { settings.bed = bed }
            if let maxAgeS { settings.maximumAgeSeconds = maxAgeS }
            try settings.validate()
        } catch {
            throw ValidationError(error.message)
        }
        var logger = Logger(label: "pump-hl7-bridge")
        logger.logLevel = Logger.Level(rawValue: logLevel) ?? .info
        let bridge = VitalsBridge(bed: settings.bed ?? "", forwarder: PumpdVitalsForwarder(socketPath: settings.socketPath),
                                  gate: VitalsFeedGate(maximumAge: settings.maximumAgeSeconds), logger: logger)
        let server = MLLPServer(bridge: bridge, address: settings.listen, logger: logger)
        let port = try await server.start()
        let ready = "pump-hl7-bridge: bed \(settings.bed ?? "") listening on \(settings.listen.host):\(port), forwarding to \(settings.socketPath)\n"
        FileHandle.standardOutput.write(Data(ready.utf8))
        await Self.waitForTermination()
        logger.info("stopping")
        await server.stop()
    }

    /// Returns when SIGTERM or SIGINT arrives.
    static func waitForTermination() async {
        signal(SIGTERM, SIG_IGN)
        signal(SIGINT, SIG_IGN)
        let queue = DispatchQueue(label: "pump-hl7-bridge.signals")
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let once = OnceFlag()
            var sources: [DispatchSourceSignal] = []
            for number in [SIGTERM, SIGINT] {
                let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
                source.setEventHandler {
                    if once.claim() { continuation.resume() }
                }
                source.resume()
                sources.append(source)
            }
            SignalSources.keep(sources)
        }
    }
}

/// True exactly once.
final class OnceFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var claimed = false
    func claim() -> Bool { lock.withLock { defer { claimed = true }; return !claimed } }
}

/// Keeps the signal sources alive for the life of the process.
enum SignalSources {
    nonisolated(unsafe) static var retained: [DispatchSourceSignal] = []
    static func keep(_ sources: [DispatchSourceSignal]) { retained = sources }
}
