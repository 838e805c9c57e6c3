// The simulated patient monitor of the sim backend (`--sim-vitals`): the hw-sim patient model, advanced with
// the delivered dose per kg at every engine checkpoint, read every `interval` of pump time (an automatic
// NIBP cycle) and fed through the same path as `pumpctl vitals`. Bench and demos only.
import Foundation
import PumpCore
import PumpSimulator

final class SimulatedMonitor: @unchecked Sendable {
    private let lock = NSLock()
    private var patient = PatientModel()
    /// Pump time between readings.
    let interval: MonotonicDuration

    init(interval: MonotonicDuration) { self.interval = interval }

    /// Advances the patient model with the cumulative delivered dose per kg of body weight.
    func observe(deliveredDosePerKg: MilligramsPerKilogram, at instant: MonotonicInstant) {
        lock.withLock { patient.advance(to: instant, deliveredDosePerKg: deliveredDosePerKg) }
    }

    /// The monitor's reading now.
    func reading(at instant: MonotonicInstant) -> VitalSigns { lock.withLock { patient.vitals(at: instant) } }

    /// Starts or ends a hypertensive surge.
    func setSurge(_ on: Bool) { lock.withLock { patient.surge = on } }
}
