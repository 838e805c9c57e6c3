// E-stop latency: from the moment the daemon's command handler receives an `estop` request line to the
// moment the ENABLE-off call reaches the hardware (simulator backend), over many trials.
//
// The real `PumpService` (the code pumpd runs: JSON decoding, peer authorisation, command queue, supervisor,
// engine, journal with fsync) runs in-process on a temporary state directory, with the simulator bay behind an
// `EnableProbe`. One 52.5 mL/h infusion is started; each trial then lets it run for a few milliseconds,
// stamps CLOCK_MONOTONIC, hands `{"command":"estop"}` to `PumpService.handle(line:peer:)` (what the socket
// server calls for each line), reads the probe's ENABLE-off stamp, and re-arms with `ack` + `resume`.
// The handler decodes and authorises the line and drops ENABLE through the supervisor on its own thread before
// queueing the command (journal etc.), so the figure is decode + authorisation + supervisor + backend call.
// The socket hop itself (client write → NIO read) is not included.
import Foundation
import Logging
import PumpControl
import PumpCore
import PumpDaemon
import PumpLibrary
import PumpProtocol
import PumpServer
import PumpSimulator

/// The e-stop latency result.
public struct EStopBenchResult: Sendable, Codable {
    /// Step timing the service ran with (as granted).
    public var stepTiming: String
    /// Trials completed.
    public var trials: Int
    /// Command receipt → ENABLE off, µs.
    public var latencyMicroseconds: Percentiles
    /// STEP calls that reached the hardware while ENABLE was off (a step already past the gate when another
    /// thread dropped ENABLE; the disabled driver ignores it, and the supervisor has counted it as delivered).
    public var stepsWhileDisabled: Int
}

/// Why the e-stop benchmark could not run.
public struct BenchFailure: Error, CustomStringConvertible {
    /// One sentence.
    public var description: String
    init(_ description: String) { self.description = description }
}

/// Runs e-stop trials against an in-process `PumpService` on the simulator.
public enum EStopBench {
    /// Runs `trials` e-stops with `stepTiming` requested.
    public static func run(trials: Int, stepTiming: StepTimingMode, priority: Int32 = 50) async throws -> EStopBenchResult {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pump-bench-estop-\(getpid())-\(stepTiming.rawValue)")
        try? FileManager.default.removeItem(at: directory)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }

        var configuration = DaemonConfiguration()
        configuration.metricsFile = nil  // no Prometheus textfile (README "Clinic") from this in-process service
        configuration.backend = .sim
        configuration.stateDirectory = directory.path
        configuration.socketPath = directory.appendingPathComponent("unused.sock").path
        let group = DaemonResourceBench.primaryGroupName()
        configuration.controlGroup = group
        configuration.readOnlyGroup = group
        // Authorised through the control group (getgrouplist), as a nurse would be, not through allow_root.
        configuration.allowRoot = false
        configuration.stepTiming = stepTiming
        configuration.realtimePriority = priority
        var logger = Logger(label: "pump-bench")
        logger.logLevel = .warning
        guard let syringe = try SyringeLibraryLoader.bundled().syringe(id: "bd-50") else {
            throw BenchFailure("The bundled syringe library has no bd-50.")
        }
        let probe = EnableProbe(SimulatorBay(clock: DispatchScheduler(label: "bench.sim"), syringe: syringe))
        let service = try PumpService(configuration: configuration, hardware: probe, logger: logger)
        defer { service.shutdown() }
        let peer = PeerCredentials(pid: getpid(), uid: getuid(), gid: getgid())

        func line(_ command: Command, _ id: String) throws -> String {
            String(decoding: try LineCodec.encode(Request(id: id, command: command)), as: UTF8.self)
                .trimmingCharacters(in: .newlines)
        }
        func send(_ command: Command, _ id: String, encoded: String? = nil) async throws -> Response {
            let answer = await service.handle(line: try encoded ?? line(command, id), peer: peer)
            switch LineCodec.decodeResponse(Data(answer.utf8)) {
            case .success(let response): return response
            case .failure(let error): throw BenchFailure("Undecodable answer to \(id): \(error.message)")
            }
        }
        func require(_ command: Command, _ id: String) async throws {
            let response = try await send(command, id)
            if let error = response.error { throw BenchFailure("\(id) was refused: \(error.message)") }
        }

        try await require(.start(StartParameters(
            drug: "ketamine", profile: .mood, weightKg: 70, doseMgPerKg: 0.5, durationMin: 40,
            concentrationMgPerMl: 1, syringe: "bd-50", patientId: "BENCH", confirmed: true)), "start")
        var latencies: [Double] = []
        latencies.reserveCapacity(trials)
        for trial in 0..<trials {
            // Let the infusion run for 2–6 ms so the e-stop lands at varying phases of the step train.
            _ = DispatchSemaphore(value: 0).wait(timeout: .now() + .microseconds(2_000 + (trial % 5) * 1_000))
            let encoded = try line(.estop, "estop-\(trial)")
            probe.reset()
            let received = MonotonicTimeBase.monotonicNanoseconds()
            let response = try await send(.estop, "estop-\(trial)", encoded: encoded)
            guard response.ok, let disabled = probe.disabledAt else {
                throw BenchFailure("Trial \(trial): the e-stop did not disable the motor (\(response.error?.message ?? "no ENABLE-off call")).")
            }
            latencies.append(Double(disabled - received) / 1000)
            try await require(.ack(code: nil), "ack-\(trial)")
            try await require(.resume, "resume-\(trial)")
        }
        let granted = service.stepTimingReport
        try await require(.stop, "stop")
        return EStopBenchResult(stepTiming: granted.description, trials: latencies.count,
                                latencyMicroseconds: Percentiles(latencies), stepsWhileDisabled: probe.stepsWhileDisabled)
    }
}
