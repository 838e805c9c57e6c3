// Shared test fixtures: the bundled libraries (loaded once), request builders and number comparison.
import Foundation
import PumpCore
import PumpLibrary
import Testing

enum Fixtures {
    /// The libraries shipped with the software, loaded once for all tests.
    static let bundled: Result<(DrugLibrary, SyringeLibrary), any Error> = Result {
        (try DrugLibraryLoader.bundled(), try SyringeLibraryLoader.bundled())
    }

    /// A planner over the bundled libraries.
    static func planner() throws -> DosePlanner {
        let (drugs, syringes) = try bundled.get()
        return DosePlanner(drugs: drugs, syringes: syringes)
    }

    /// A planner over the bundled libraries with one profile changed (for sensitivity tests).
    static func planner(editing profileID: String, _ edit: (inout DrugProfile) -> Void) throws -> DosePlanner {
        var (drugs, syringes) = try bundled.get()
        let index = try #require(drugs.drugs[0].profiles.firstIndex { $0.id == profileID })
        edit(&drugs.drugs[0].profiles[index])
        return DosePlanner(drugs: drugs, syringes: syringes)
    }

    /// A mood (total-dose) request for ketamine.
    static func mood(
        weight: Double = 70, dose: Double = 0.5, duration: Double? = 40, concentration: Double = 1,
        syringe: String = "bd-50", reason: String? = nil, patient: PatientInfo? = nil
    ) -> ProgramRequest {
        ProgramRequest(
            drug: "ketamine", profile: "mood", patient: patient ?? PatientInfo(weight: Kilograms(weight)),
            dosePerKg: MilligramsPerKilogram(dose), duration: duration.map(Minutes.init),
            concentration: MilligramsPerMilliliter(concentration), syringeID: syringe, overrideReason: reason)
    }

    /// A pain (continuous-rate) request for ketamine.
    static func pain(
        weight: Double = 70, rate: Double = 0.35, duration: Double? = 240, concentration: Double = 2,
        syringe: String = "bd-50", reason: String? = nil
    ) -> ProgramRequest {
        ProgramRequest(
            drug: "ketamine", profile: "pain", patient: PatientInfo(weight: Kilograms(weight)),
            doseRate: MilligramsPerKilogramPerHour(rate), duration: duration.map(Minutes.init),
            concentration: MilligramsPerMilliliter(concentration), syringeID: syringe, overrideReason: reason)
    }
}

/// True when `a` and `b` agree to one part in 10⁹ (representation error only).
func close(_ a: Double, _ b: Double, relative: Double = 1e-9) -> Bool {
    abs(a - b) <= relative * max(abs(a), abs(b), 1)
}
