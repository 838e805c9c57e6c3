// The bridge's only way to the pump: pumpd's `vitals` socket command with source `monitor`, through the same
// line client and codec as pumpctl (PumpProtocol's LineSocketClient and LineCodec). Nothing else is ever sent.
import Foundation
import PumpHL7
import PumpProtocol

/// What pumpd made of a forwarded reading.
public enum ForwardOutcome: Sendable, Equatable {
    /// pumpd recorded it; `paused` when its interlock paused the infusion on it.
    case accepted(paused: Bool)
    /// pumpd refused it (e.g. implausible values, or this user may not send vitals).
    case refused(code: String, message: String)
    /// pumpd could not be reached or did not answer: unknown whether it took effect.
    case unreachable(String)
}

/// Sends one reading to the pump.
public protocol VitalsForwarding: Sendable {
    /// Forwards `reading`; may block for the client's timeout.
    func forward(_ reading: MonitorReading) -> ForwardOutcome
}

/// Forwards to pumpd over its Unix socket.
public struct PumpdVitalsForwarder: VitalsForwarding {
    /// pumpd's socket.
    public let socketPath: String
    /// Seconds for each step of the exchange.
    public let timeoutSeconds: Int

    /// Creates a forwarder.
    public init(socketPath: String, timeoutSeconds: Int = 5) {
        self.socketPath = socketPath
        self.timeoutSeconds = timeoutSeconds
    }

    /// The request a reading becomes.
    public static func request(_ reading: MonitorReading, id: String) -> Request {
        Request(id: id, command: .vitals(VitalsParameters(
            sbpMmHg: reading.systolic, dbpMmHg: reading.diastolic, hrBpm: reading.heartRate,
            spo2Percent: reading.oxygenSaturation, source: .monitor)))
    }

    public func forward(_ reading: MonitorReading) -> ForwardOutcome {
        let id = "hl7-bridge-\(getpid())-\(UUID().uuidString.prefix(8))"
        let line: Data
        do { line = try LineCodec.encode(Self.request(reading, id: id)) } catch {
            return .refused(code: error.code.rawValue, message: error.message)
        }
        let answer: Data
        do {
            answer = try LineSocketClient(path: socketPath, timeoutSeconds: timeoutSeconds).exchange(line)
        } catch {
            switch error {
            case .unreachable(let reason): return .unreachable("cannot reach pumpd at \(socketPath): \(reason)")
            case .noAnswer(let reason): return .unreachable(reason)
            case .malformed(let reason): return .unreachable(reason)
            case .interrupted: return .unreachable("interrupted")
            }
        }
        switch LineCodec.decodeResponse(answer) {
        case .failure(let error):
            return .unreachable("pumpd's answer could not be read: \(error.message)")
        case .success(let response):
            if let error = response.error { return .refused(code: error.code.rawValue, message: error.message) }
            if case .status(let status)? = response.result {
                return .accepted(paused: status.alarms.contains { $0.code == "vitals-out-of-range" })
            }
            return .accepted(paused: false)
        }
    }
}
