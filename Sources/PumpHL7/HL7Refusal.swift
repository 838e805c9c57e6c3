// Why the bridge will not forward a message, as it goes into the NAK: the acknowledgement code (AE: the
// content is wrong; AR: the message is rejected as a whole — wrong bed, not for this interface, a repeat, or
// pumpd could not take it), an HL7 table 0357 error code for ERR-3, where in the message (ERR-2), and one
// sentence for MSA-3 and ERR-8.
import Foundation

/// MSA-1 acknowledgement codes (HL7 table 0008, original mode).
public enum HL7AckCode: String, Sendable, Equatable {
    /// Application accept: forwarded and taken by pumpd.
    case accept = "AA"
    /// Application error: the content cannot be used.
    case error = "AE"
    /// Application reject: not processed (wrong bed, unsupported message, repeat, pumpd unavailable).
    case reject = "AR"
}

/// HL7 table 0357 message error condition codes used by the bridge.
public enum HL7ErrorCondition: String, Sendable, Equatable {
    /// Segment sequence error.
    case segmentSequence = "100"
    /// Required field missing.
    case requiredFieldMissing = "101"
    /// Data type error.
    case dataType = "102"
    /// Table value not found.
    case tableValueNotFound = "103"
    /// Unsupported message type.
    case unsupportedMessageType = "200"
    /// Unsupported event code.
    case unsupportedEventCode = "201"
    /// Unsupported processing id.
    case unsupportedProcessingID = "202"
    /// Unknown key identifier (another bed).
    case unknownKey = "204"
    /// Duplicate key identifier (a repeated control id).
    case duplicateKey = "205"
    /// Application record locked (used for an out-of-order reading).
    case recordLocked = "206"
    /// Application internal error (pumpd refused or could not be reached).
    case internalError = "207"

    /// The text HL7 gives the code (ERR-3.2).
    public var text: String {
        switch self {
        case .segmentSequence: "Segment sequence error"
        case .requiredFieldMissing: "Required field missing"
        case .dataType: "Data type error"
        case .tableValueNotFound: "Table value not found"
        case .unsupportedMessageType: "Unsupported message type"
        case .unsupportedEventCode: "Unsupported event code"
        case .unsupportedProcessingID: "Unsupported processing id"
        case .unknownKey: "Unknown key identifier"
        case .duplicateKey: "Duplicate key identifier"
        case .recordLocked: "Application record locked"
        case .internalError: "Application internal error"
        }
    }
}

/// One refusal.
public struct HL7Refusal: Error, Sendable, Equatable, CustomStringConvertible {
    /// AE or AR.
    public var code: HL7AckCode
    /// ERR-3.
    public var condition: HL7ErrorCondition
    /// ERR-2 location, e.g. `PV1^1^3` (segment, sequence, field); empty when not about one field.
    public var location: String
    /// One sentence.
    public var reason: String

    /// Creates a refusal.
    public init(_ code: HL7AckCode, _ condition: HL7ErrorCondition, location: String = "", _ reason: String) {
        self.code = code
        self.condition = condition
        self.location = location
        self.reason = reason
    }

    public var description: String { "\(code.rawValue) \(condition.rawValue): \(reason)" }
}
