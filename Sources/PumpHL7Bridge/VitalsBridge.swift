// One bridge: MLLP frames in, ACK/NAK out, `vitals` to pumpd in between. Invariants:
// - Messages are handled strictly one at a time, in arrival order, across all connections (a serial queue), so
//   the duplicate and order checks can never race and pumpd sees readings in the order they were measured.
// - pumpd is contacted only for a message that parsed, names this bed, carries a complete set in accepted
//   units, and passed the duplicate/order/age checks; every other message gets its NAK without any socket I/O.
// - A reading counts as accepted (its control id and time remembered) only once pumpd has said so; then the
//   answer is AA. A refusal by pumpd is AE (content) or AR (permission); no answer from pumpd is AR, and the
//   same message may be sent again.
import Foundation
import Logging
import PumpHL7

/// The answer to one frame.
public struct BridgeAnswer: Sendable, Equatable {
    /// The acknowledgement code sent (nil: nothing was sent, e.g. for stray bytes between frames).
    public var code: HL7AckCode?
    /// The ACK message (without MLLP framing); empty when nothing is sent.
    public var message: String
    /// The reason (MSA-3).
    public var text: String
}

/// The bridge's message handling (transport-free; MLLPServer feeds it).
public final class VitalsBridge: @unchecked Sendable {
    // Mutable state is touched only on `queue`.
    private let queue = DispatchQueue(label: "pump-hl7-bridge.messages")
    private var gate: VitalsFeedGate
    private var sequence = 0
    private let ackPrefix = "ACK-\(UUID().uuidString.prefix(8))-"
    private let bed: String
    private let forwarder: any VitalsForwarding
    private let clock: @Sendable () -> Date
    private let timeZone: TimeZone
    private let logger: Logger

    /// MSH-3 of every ACK.
    public static let applicationName = "PUMP-HL7-BRIDGE"

    /// Creates a bridge for `bed`.
    public init(bed: String, forwarder: any VitalsForwarding, gate: VitalsFeedGate = VitalsFeedGate(),
                timeZone: TimeZone = .current, logger: Logger,
                clock: @escaping @Sendable () -> Date = { Date() }) { // wall-clock: the ACK's MSH-7 and the reading-age check are calendar times
        self.bed = bed
        self.forwarder = forwarder
        self.gate = gate
        self.timeZone = timeZone
        self.logger = logger
        self.clock = clock
    }

    /// Handles one frame (waits for any earlier one first).
    public func handle(_ frame: MLLPFrame) async -> BridgeAnswer {
        await withCheckedContinuation { continuation in
            queue.async { continuation.resume(returning: self.process(frame)) }
        }
    }

    /// Handles one frame on the calling thread (tests; `handle` runs this on the queue).
    func process(_ frame: MLLPFrame) -> BridgeAnswer {
        switch frame {
        case .garbage:
            logger.warning("bytes outside an MLLP frame were discarded")
            return BridgeAnswer(code: nil, message: "", text: "")
        case .broken:
            return refuse(nil, HL7Refusal(.error, .segmentSequence, "The MLLP frame was broken off or not ended by 0x1C 0x0D; nothing was forwarded."))
        case .tooLong:
            return refuse(nil, HL7Refusal(.error, .segmentSequence, "The message is longer than the bridge accepts; nothing was forwarded."))
        case .message(let bytes):
            let message: HL7Message
            do { message = try HL7Message(bytes: bytes) } catch {
                return refuse(nil, HL7Refusal(.error, .dataType, "\(error.description) Nothing was forwarded."))
            }
            let vitals: ORUVitalsMessage
            do {
                vitals = try ORUVitalsMessage(message, bed: bed, timeZone: timeZone)
                try gate.check(vitals, now: clock())
            } catch {
                return refuse(message, error)
            }
            return forward(vitals, message: message)
        }
    }

    private func forward(_ vitals: ORUVitalsMessage, message: HL7Message) -> BridgeAnswer {
        let reading = vitals.reading
        switch forwarder.forward(reading) {
        case .accepted(let paused):
            gate.commit(vitals)
            let text = paused
                ? "Accepted by pumpd; the vital-sign interlock has the infusion paused."
                : "Accepted by pumpd."
            logger.info("reading forwarded", metadata: ["control_id": "\(vitals.controlID)", "paused": "\(paused)"])
            return answer(message, .accept, nil, text)
        case .refused(let code, let reason):
            let ack: HL7AckCode = code == "permission-denied" ? .reject : .error
            return refuse(message, HL7Refusal(ack, .internalError, "pumpd refused the reading (\(code)): \(reason)"))
        case .unreachable(let reason):
            return refuse(message, HL7Refusal(.reject, .internalError,
                                              "The reading did not reach pumpd (\(reason)); it may be sent again."))
        }
    }

    private func refuse(_ message: HL7Message?, _ refusal: HL7Refusal) -> BridgeAnswer {
        logger.notice("message refused", metadata: [
            "control_id": "\(message?.msh[10].value ?? "")", "ack": "\(refusal.code.rawValue)",
            "condition": "\(refusal.condition.rawValue)", "reason": "\(refusal.reason)",
        ])
        return answer(message, refusal.code, refusal, refusal.reason)
    }

    private func answer(_ message: HL7Message?, _ code: HL7AckCode, _ refusal: HL7Refusal?, _ text: String) -> BridgeAnswer {
        sequence += 1
        let ack = HL7Acknowledgement.make(for: message, code: code, refusal: refusal, text: text,
                                          application: Self.applicationName, facility: bed,
                                          controlID: ackPrefix + String(sequence), now: clock())
        return BridgeAnswer(code: code, message: ack, text: text)
    }
}
