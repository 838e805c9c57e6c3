// Reads one vital-sign set out of an ORU^R01 message for one bed.
//
// Rules (each refusal is an HL7Refusal for the NAK; nothing here talks to the pump):
// - MSH-9 must be ORU^R01 (AR 200/201); MSH-10, the control id, must be present (AE 101); MSH-11, when given,
//   must be P: a training (T) or debugging (D) message never reaches a pump (AR 202).
// - PV1-3 must be present (AE 101) and name the bridge's bed: its bed component (PL.3), or, when that is empty,
//   its point of care (PL.1), equals `bed` exactly; another bed is AR 204.
// - Every OBX whose OBX-3 is a known code (VitalSignCodes) must be numeric (OBX-2 NM, a plain decimal OBX-5), in
//   an accepted unit (OBX-6), with a usable result status (OBX-11 F, C, R, P or empty) — else AE. Unknown
//   codes (temperature, respiration...) and mean pressure are ignored. A kind reported twice is AE (which one
//   would be meant?).
// - All four of systolic, diastolic, heart rate and SpO2 are required: pumpd's `vitals` takes a complete set,
//   and forwarding half a set with made-up values would feed the interlock fiction. A partial set is AE 101
//   naming what is missing; a message with no OBX at all is AE 100.
// - The reading's time is OBR-7, else the newest OBX-14 used, else MSH-7; with none of them it is AE 101.
import Foundation

/// One complete vital-sign set from the monitor.
public struct MonitorReading: Sendable, Equatable {
    /// Systolic blood pressure, mmHg.
    public var systolic: Double
    /// Diastolic blood pressure, mmHg.
    public var diastolic: Double
    /// Heart or pulse rate, per minute.
    public var heartRate: Double
    /// SpO2, percent.
    public var oxygenSaturation: Double
    /// When the monitor says it was measured.
    public var observedAt: Date
}

/// The parts of an ORU^R01 the bridge uses.
public struct ORUVitalsMessage: Sendable, Equatable {
    /// MSH-10.
    public var controlID: String
    /// The vital-sign set.
    public var reading: MonitorReading

    /// Reads `message` for `bed`.
    /// - Throws: `HL7Refusal` with the NAK's code and reason.
    public init(_ message: HL7Message, bed: String, timeZone: TimeZone = .current) throws(HL7Refusal) {
        let msh = message.msh
        guard msh[9].component(1) == "ORU" else {
            throw HL7Refusal(.reject, .unsupportedMessageType, location: "MSH^1^9",
                             "Only ORU^R01 messages are accepted, not '\(msh[9].component(1))^\(msh[9].component(2))'.")
        }
        guard msh[9].component(2) == "R01" else {
            throw HL7Refusal(.reject, .unsupportedEventCode, location: "MSH^1^9",
                             "Only ORU^R01 messages are accepted, not ORU^\(msh[9].component(2)).")
        }
        let control = msh[10].value.trimmingCharacters(in: .whitespaces)
        guard !control.isEmpty else {
            throw HL7Refusal(.error, .requiredFieldMissing, location: "MSH^1^10", "MSH-10 (message control id) is empty.")
        }
        let processing = msh[11].value
        guard processing.isEmpty || processing == "P" else {
            throw HL7Refusal(.reject, .unsupportedProcessingID, location: "MSH^1^11",
                             "MSH-11 processing id is '\(processing)'; only production (P) messages reach the pump.")
        }
        try Self.checkBed(message, bed: bed)
        let observations = message.segments("OBX")
        guard !observations.isEmpty else {
            throw HL7Refusal(.error, .segmentSequence, location: "OBX", "The message has no OBX observation segment.")
        }
        var values: [VitalSignKind: Double] = [:]
        var newestOBXTime: Date?
        for (index, obx) in observations.enumerated() {
            guard let kind = VitalSignCodes.kind(of: obx[3]), kind != .mean else { continue }
            let place = "OBX^\(index + 1)"
            let name = "\(obx[3].component(1)) (\(kind.rawValue))"
            guard values[kind] == nil else {
                throw HL7Refusal(.error, .dataType, location: "\(place)^3", "\(kind.rawValue) is reported twice in one message.")
            }
            let type = obx[2].value
            guard type == "NM" else {
                throw HL7Refusal(.error, .dataType, location: "\(place)^2", "OBX-2 of \(name) is '\(type)'; a numeric (NM) value is required.")
            }
            guard VitalSignCodes.accepts(unit: obx[6], for: kind) else {
                let written = obx[6].component(1).isEmpty ? "no unit" : "unit '\(obx[6].component(1))'"
                throw HL7Refusal(.error, .tableValueNotFound, location: "\(place)^6",
                                 "\(name) has \(written); only \(VitalSignCodes.expectedUnit(kind)) is accepted.")
            }
            let status = obx[11].value
            guard ["", "F", "C", "R", "P"].contains(status) else {
                throw HL7Refusal(.error, .tableValueNotFound, location: "\(place)^11",
                                 "\(name) has result status '\(status)' (OBX-11); only F, C, R or P results are used.")
            }
            guard let number = Self.decimal(obx[5].value) else {
                throw HL7Refusal(.error, .dataType, location: "\(place)^5", "\(name) value '\(obx[5].value)' is not a number.")
            }
            values[kind] = number
            if let time = HL7Timestamp.parse(obx[14].value, timeZone: timeZone) {
                newestOBXTime = max(newestOBXTime ?? time, time)
            } else if !obx[14].isEmpty {
                throw HL7Refusal(.error, .dataType, location: "\(place)^14", "OBX-14 '\(obx[14].value)' is not an HL7 timestamp.")
            }
        }
        let required: [VitalSignKind] = [.systolic, .diastolic, .heartRate, .oxygenSaturation]
        let missing = required.filter { values[$0] == nil }
        guard missing.isEmpty, let sbp = values[.systolic], let dbp = values[.diastolic], let hr = values[.heartRate],
              let spo2 = values[.oxygenSaturation] else {
            throw HL7Refusal(.error, .requiredFieldMissing, location: "OBX",
                             "The reading lacks \(missing.map(\.rawValue).joined(separator: ", ")); pumpd needs systolic, diastolic, heart rate and SpO2 together.")
        }
        let obrTime = message.first("OBR").flatMap { HL7Timestamp.parse($0[7].value, timeZone: timeZone) }
        let mshTime = HL7Timestamp.parse(msh[7].value, timeZone: timeZone)
        guard let observedAt = obrTime ?? newestOBXTime ?? mshTime else {
            throw HL7Refusal(.error, .requiredFieldMissing, location: "OBR^1^7",
                             "The reading has no observation time (OBR-7, OBX-14 or MSH-7).")
        }
        controlID = control
        reading = MonitorReading(systolic: sbp, diastolic: dbp, heartRate: hr, oxygenSaturation: spo2, observedAt: observedAt)
    }

    private static func checkBed(_ message: HL7Message, bed: String) throws(HL7Refusal) {
        guard let pv1 = message.first("PV1"), !pv1[3].isEmpty else {
            throw HL7Refusal(.error, .requiredFieldMissing, location: "PV1^1^3",
                             "PV1-3 (assigned patient location) is missing; the bridge only accepts readings for bed \(bed).")
        }
        let location = pv1[3]
        let named = location.component(3).isEmpty ? location.component(1) : location.component(3)
        guard named == bed else {
            let written = (1...3).map { location.component($0) }.joined(separator: "^")
            throw HL7Refusal(.reject, .unknownKey, location: "PV1^1^3",
                             "PV1-3 names location '\(written)', not this bridge's bed \(bed).")
        }
    }

    /// A plain HL7 NM value: optional sign, digits, optional decimal point (no exponent, no inf or nan).
    static func decimal(_ text: String) -> Double? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        var body = Substring(trimmed)
        if body.first == "+" || body.first == "-" { body = body.dropFirst() }
        let digits = body.filter { $0 != "." }
        guard !digits.isEmpty, body.filter({ $0 == "." }).count <= 1,
              digits.allSatisfy({ $0.isASCII && $0.isNumber }), let value = Double(trimmed), value.isFinite else { return nil }
        return value
    }
}
