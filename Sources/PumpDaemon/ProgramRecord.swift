// What the journal keeps about a program: the nurse's request exactly as entered (to RE-VALIDATE it against
// today's library before resume-interrupted) and the current plan revision WHOLE (`plan`), written at every start
// and titration and recovered exactly as written (safety kernel v2 item 3: the first version re-derived the plan
// from the original request and copied back three fields, so a titration vanished after a crash). The flat
// revision fields below are derived from `plan` in one place (`init`) for older readers and reports.
import Foundation
import PumpCore
import PumpProtocol

/// The durable description of a programmed infusion (JSON in the journal).
public struct ProgramRecord: Codable, Sendable, Equatable {
    /// The request as entered.
    public var drug: String
    public var profile: String
    public var weightKg: Double
    public var heightCm: Double?
    public var sex: String?
    public var dosingWeightBasis: String
    public var patientID: String?
    public var dosePerKg: Double?
    public var doseRatePerKgPerHour: Double?
    public var durationMin: Double?
    public var concentrationMgPerML: Double
    public var syringeID: String
    public var overrideReason: String?
    /// The first syringe's stated fill, mL (`--fill-ml`; absent: the nominal volume, and in older records).
    public var fillML: Double?
    /// The current revision (1 = as started; titrations increment it).
    public var revision: Int
    /// The current revision's target in steps, total planned duration and remaining-part nominal rate.
    public var targetSteps: Int64
    public var plannedDurationMin: Double
    public var nominalRateMLPerHour: Double
    /// The weight the dose was computed on, kg (absent in records written before reports existed).
    public var dosingWeightKg: Double?
    /// The current revision's total dose, mg, and volume, mL (absent in older records).
    public var totalMg: Double?
    public var volumeML: Double?
    /// The current plan revision, whole (absent in records written before plan revisions were journaled).
    public var plan: DosePlan?
    /// The library files the program was validated against (versions, hashes, signers) and the signature policy;
    /// written at session open (absent in titration records and in records written before libraries were named).
    public var libraries: LibrarySetDTO?

    /// Records a validated request and its current plan revision.
    public init(request: ProgramRequest, plan: DosePlan) {
        self.plan = plan
        drug = request.drug
        profile = request.profile
        weightKg = request.patient.weight.value
        heightCm = request.patient.height?.value
        sex = request.patient.sex?.rawValue
        dosingWeightBasis = request.patient.basis.rawValue
        patientID = request.patient.patientID
        dosePerKg = request.dosePerKg?.value
        doseRatePerKgPerHour = request.doseRate?.value
        durationMin = request.duration?.value
        concentrationMgPerML = request.concentration.value
        syringeID = request.syringeID
        overrideReason = request.overrideReason
        fillML = request.fillVolume?.value
        revision = plan.revision
        targetSteps = plan.targetSteps.count
        plannedDurationMin = plan.duration.value
        nominalRateMLPerHour = plan.nominalRate.value
        dosingWeightKg = plan.dosingWeight.value
        totalMg = plan.totalDose.value
        volumeML = plan.volume.value
    }

    /// The original request, for re-validation.
    public var request: ProgramRequest {
        ProgramRequest(
            drug: drug, profile: profile,
            patient: PatientInfo(weight: Kilograms(weightKg), height: heightCm.map(Centimeters.init),
                                 sex: sex.flatMap(PumpCore.Sex.init(rawValue:)),
                                 basis: PumpCore.DosingWeightBasis(rawValue: dosingWeightBasis) ?? .actual,
                                 patientID: patientID),
            dosePerKg: dosePerKg.map(MilligramsPerKilogram.init), doseRate: doseRatePerKgPerHour.map(MilligramsPerKilogramPerHour.init),
            duration: durationMin.map(Minutes.init), concentration: MilligramsPerMilliliter(concentrationMgPerML),
            syringeID: syringeID, overrideReason: overrideReason, fillVolume: fillML.map(Milliliters.init))
    }

    /// JSON bytes for the journal.
    public func encoded() -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return (try? encoder.encode(self)) ?? Data("{}".utf8)
    }

    /// Decodes a record from the journal.
    public static func decode(_ data: Data) -> ProgramRecord? { try? JSONDecoder().decode(ProgramRecord.self, from: data) }
}
