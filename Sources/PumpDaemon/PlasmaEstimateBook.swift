// The daemon's running plasma-concentration estimate for the current (or last) session, fed with the
// delivered dose the engine actually counted (checkpoints, state changes and every status request), never
// with the plan. Display only: nothing in control or safety reads it. Thread-safe (lock).
import Foundation
import PumpCore

final class PlasmaEstimateBook: @unchecked Sendable {
    private let lock = NSLock()
    private var tracker: PlasmaConcentrationTracker?

    /// Starts a new estimate (a new session) with nothing delivered at `instant`.
    func begin(model: PlasmaConcentrationModel, bodyWeight: Kilograms, at instant: MonotonicInstant,
               history: [CumulativeDoseSample] = []) {
        var fresh = PlasmaConcentrationTracker(model: model, bodyWeight: bodyWeight)
        for sample in history { fresh?.record(cumulative: sample.cumulative, at: sample.at) }
        if history.isEmpty { fresh?.record(cumulative: .zero, at: instant) }
        lock.withLock { tracker = fresh }
    }

    /// Records the cumulative delivered dose at `instant`.
    func record(_ delivered: Milligrams, at instant: MonotonicInstant) {
        lock.withLock { tracker?.record(cumulative: delivered, at: instant) }
    }

    /// The estimate at `instant` and its model, or nil when there is no session or nothing was delivered.
    func estimate(at instant: MonotonicInstant) -> (NanogramsPerMilliliter, PlasmaConcentrationModel)? {
        lock.withLock {
            guard let tracker, let last = tracker.lastSample, last.cumulative.value > 0 else { return nil }
            return (tracker.concentration(at: instant), tracker.model)
        }
    }
}
