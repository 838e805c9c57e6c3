// Samples delivered volume on a fixed grid for the IEC 60601-2-24 start-up and trumpet analysis.
//
// Samples are taken at t_k = t_start + k·interval, k = 0, 1, 2, … Because the line model is exact between
// events, each sample is computed from the state at the last event before (or at) t_k, so a sample is
// exactly what a perfect balance would read at t_k. At an instant where a step happens the sample is the
// value just before the step (the left limit): delivered volume is continuous, pressure and displaced
// volume may jump there.
import Foundation
import PumpCore

/// One sample of the plant on the recording grid.
public struct DeliverySample: Sendable, Equatable {
    /// Sample instant.
    public var time: MonotonicInstant
    /// Volume delivered to the patient up to `time` (what a balance at the cannula would weigh).
    public var delivered: Milliliters
    /// Net volume displaced by the plunger up to `time`.
    public var displaced: Milliliters
    /// Line pressure at `time`.
    public var pressure: MillimetersOfMercury
}

/// Streams samples on a fixed time grid as the plant advances.
struct DeliveryRecorder: Sendable {
    let interval: MonotonicDuration
    private var next: MonotonicInstant
    private(set) var samples: [DeliverySample] = []

    init(interval: MonotonicDuration, start: MonotonicInstant) {
        self.interval = interval
        self.next = start
    }

    /// Takes every sample due at or before `instant`, from the line state that holds until then.
    mutating func catchUp(to instant: MonotonicInstant, line: LineModel, displacedMicroliters: Double) {
        guard interval > .zero else { return }
        while next <= instant {
            let state = line.state(at: next)
            samples.append(DeliverySample(
                time: next, delivered: Microliters(state.delivered).milliliters,
                displaced: Microliters(displacedMicroliters).milliliters,
                pressure: MillimetersOfMercury(state.pressure)))
            next = next + interval
        }
    }
}
