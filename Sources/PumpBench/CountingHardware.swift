// A `PumpHardware` sink for the step benchmark: counts steps and stamps each with CLOCK_MONOTONIC at the
// moment the STEP call reaches the hardware. Storage is reserved up front so the step path never allocates.
// Calls arrive under the supervisor's lock (one at a time); the stamps are read after the run has stopped.
import Foundation
import PumpControl
import PumpCore

/// Counts and time-stamps steps; ENABLE and DIR are remembered; inputs are always "loaded, no fault".
final class CountingHardware: PumpHardware, @unchecked Sendable {
    private(set) var stamps: [Int64] = []
    private(set) var enabled = false
    var inputEventHandler: (@Sendable (PumpInputEvent) -> Void)?

    init(capacity: Int) { stamps.reserveCapacity(capacity) }

    func setMotorEnabled(_ enabled: Bool) throws { self.enabled = enabled }
    func setDirection(_ direction: MotorDirection) throws {}
    func emitStep() throws { stamps.append(MonotonicTimeBase.monotonicNanoseconds()) }
    func readInputs() throws -> PumpInputs { PumpInputs() }
    func setAlarmIndication(_ indication: AlarmIndication) throws {}
    func close() { enabled = false }
}
