// ORU^R01 samples for the parser and bridge tests, built segment by segment so each test changes one thing.
import Foundation

enum HL7Samples {
    /// An observation time 1 minute before `now`, in HL7 form with a UTC offset.
    static func time(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(secondsFromGMT: 0)
        formatter.dateFormat = "yyyyMMddHHmmss"
        return formatter.string(from: date) + "+0000"
    }

    static func obx(_ index: Int, _ code: String, _ system: String, _ value: String, _ unit: String,
                    type: String = "NM", status: String = "F") -> String {
        "OBX|\(index)|\(type)|\(code)^^\(system)||\(value)|\(unit)|||||\(status)"
    }

    /// The four LOINC observations in UCUM units.
    static func loincSet(sbp: String = "122", dbp: String = "76", hr: String = "70", spo2: String = "98") -> [String] {
        [
            obx(1, "8480-6", "LN", sbp, "mm[Hg]^^UCUM"),
            obx(2, "8462-4", "LN", dbp, "mm[Hg]^^UCUM"),
            obx(3, "8478-0", "LN", "91", "mm[Hg]^^UCUM"),
            obx(4, "8867-4", "LN", hr, "/min^^UCUM"),
            obx(5, "59408-5", "LN", spo2, "%^^UCUM"),
        ]
    }

    /// A full ORU^R01 (segments joined by CR).
    static func oru(control: String = "MSG0001", bed: String = "KETAMINE^^CHAIR2", observed: Date,
                    observations: [String]? = nil, type: String = "ORU^R01^ORU_R01", processing: String = "P") -> String {
        let stamp = time(observed)
        return ([
            "MSH|^~\\&|MONITOR|CLINIC|PUMP|CHAIR2|\(stamp)||\(type)|\(control)|\(processing)|2.5",
            "PID|1||PAT-17^^^CLINIC^MR~998877^^^NATIONAL^NI||Doe^Jane",
            "PV1|1|O|\(bed)",
            "OBR|1|||VITALS^Vital signs|||\(stamp)",
        ] + (observations ?? loincSet())).joined(separator: "\r") + "\r"
    }
}
