import Foundation
@testable import PumpProtocol

/// Shared sample messages: the typical clinical job from the design notes (70 kg, 0.5 mg/kg over 40 min, 1 mg/mL).
enum Fixtures {
    static let start = Date(timeIntervalSince1970: 1_738_332_000) // 2025-01-31T14:00:00Z
    static let utc = TimeZone(identifier: "UTC") ?? TimeZone(secondsFromGMT: 0) ?? .current

    static let startParameters = StartParameters(
        drug: "ketamine", profile: .mood, weightKg: 70, heightCm: 175, sex: .female, dosingWeight: .actual,
        doseMgPerKg: 0.5, durationMin: 40, concentrationMgPerMl: 1, syringe: "bd-50", patientId: "P-0042",
        overrideReason: nil, confirmed: true
    )

    static let occlusion = AlarmDTO(
        code: "occlusion", priority: .high,
        message: "Downstream occlusion: line pressure 820 mmHg is above the limit of 600 mmHg.",
        raisedAt: start.addingTimeInterval(14 * 60)
    )

    static let nearEnd = AlarmDTO(code: "near-end", priority: .low, message: "Five minutes left.", raisedAt: start.addingTimeInterval(35 * 60))

    static func running(alarms: [AlarmDTO] = [], uncertaintyMl: Double = 0) -> StatusReport {
        StatusReport(
            state: alarms.contains { $0.priority == .high } ? .alarm : .running,
            drug: "ketamine", profile: .mood, patientId: "P-0042", dosingWeightKg: 70, concentrationMgPerMl: 1,
            syringe: "bd-50", sessionId: "s-20250131-1400", backend: .sim,
            deliveredMg: 12.345, deliveredMl: 12.345, deliveredUncertaintyMl: uncertaintyMl,
            targetMg: 35, targetMl: 35, rateMlPerH: 52.5, rateMgPerKgPerH: 0.75,
            elapsedS: 846.7, remainingS: 1553.2, expectedEnd: start.addingTimeInterval(40 * 60),
            motorEnabled: alarms.isEmpty, alarms: alarms
        )
    }

    static let program = ProgramSummary(
        drug: "ketamine", profile: .mood, actualWeightKg: 70, dosingWeightKg: 70, dosingWeightBasis: .actual,
        doseMgPerKg: 0.5, totalMg: 35, volumeMl: 35, rateMlPerH: 52.5, rateMgPerKgPerH: 0.75, durationMin: 40,
        expectedEnd: start.addingTimeInterval(40 * 60), syringe: "bd-50", concentrationMgPerMl: 1, verdict: .accepted,
        findings: [FindingDTO(kind: .warning, limit: "bmi", message: "BMI 31.2 is above 30; consider ideal body weight.")],
        overrides: []
    )

    static let logEntries = [
        LogEntryDTO(seq: 1, at: start, event: "start", message: "Started ketamine 35.00 mg over 40 min.", sessionId: "s-1"),
        LogEntryDTO(seq: 2, at: start.addingTimeInterval(60), event: "pause", message: "Paused by nurse."),
    ]

    /// Every command, with representative parameters.
    static let allCommands: [Command] = [
        .validate(StartParameters(drug: "ketamine", profile: .pain, weightKg: 82.5, rateMgPerKgPerH: 0.35, durationMin: 240,
                                  concentrationMgPerMl: 2, syringe: "bd-50", confirmed: false)),
        .start(startParameters),
        .status, .pause, .resume,
        .titrate(TitrateParameters(rateMgPerKgPerH: 1.0, overrideReason: "Clinician order", dryRun: true, confirmed: false)),
        .titrate(TitrateParameters(durationMin: 60, dryRun: false, confirmed: true)),
        .stop, .estop,
        .ack(code: "occlusion"), .ack(code: nil), .silence(code: "occlusion"), .silence(code: nil),
        .verify(confirmed: false), .verify(confirmed: true),
        .resumeInterrupted(confirmed: true, overrideReason: "Restart after power cut, 12 mg already given"),
        .resumeInterrupted(confirmed: true, overrideReason: nil),
        .log(since: start, limit: 50), .log(since: nil, limit: nil),
        .sessions(patientId: "P-0042", limit: 6), .sessions(patientId: nil, limit: nil),
        .reportData(sessionId: "12"), .reportData(sessionId: nil),
        .vitals(VitalsParameters(sbpMmHg: 150, dbpMmHg: 90, hrBpm: 88, spo2Percent: 97)),
        .vitals(VitalsParameters(sbpMmHg: 128.5, dbpMmHg: 81, hrBpm: 72, spo2Percent: 98, source: .monitor)),
        .syringeChange(SyringeChangeParameters(syringe: "bd-50", fillMl: 50, confirmed: true)),
        .syringeChange(SyringeChangeParameters(syringe: "bd-50", fillMl: 49.5, concentrationMgPerMl: 2, confirmed: false)),
        .syringeChange(SyringeChangeParameters(syringe: "bd-50", confirmed: false)),
    ] + SimFault.allCases.map { Command.simInject(fault: $0) }

    static func line(_ text: String) -> Data { Data(text.utf8) }
}

/// Whether `text` reads as one sentence: non-empty, one line, starting with a capital, ending with a full stop.
func isOneSentence(_ text: String) -> Bool {
    guard let first = text.first, let last = text.last else { return false }
    return !text.contains("\n") && (first.isUppercase || first == "\"") && last == "."
}

/// A small deterministic random generator (SplitMix64), so the property tests are reproducible.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
