// The occlusion back-off (anti-bolus, HAZ-004): retracts in the gate's retracting mode until the line pressure
// is relieved or the maximum volume is reached; no resume until it has ended.
import Foundation
import PumpCore

extension InfusionEngine {
    /// Anti-bolus: retract until the line pressure is relieved, bounded in volume (HAZ-004).
    func backOff() {
        guard let session else { return }
        let maxSteps = session.geometry.steps(forVolume: configuration.backOffMaximumVolume)
        guard supervisor.beginBackOff(maxSteps: maxSteps) else { return }
        backOffInProgress = true
        func next() {
            let now = scheduler.now()
            let pressure = supervisor.sampleInputs(now: now)?.linePressure
            let relieved = pressure.map { $0 <= configuration.backOffTargetPressure } ?? false
            if relieved || !supervisor.backOffStep() {
                finishBackOff()
                return
            }
            emitter.noteRetracted(Steps(1))
            scheduler.schedule(at: now + configuration.backOffStepInterval) { next() }
        }
        // The driver needs its enable settle time before the first step (the GPIO backend refuses earlier ones).
        scheduler.schedule(at: scheduler.now() + configuration.enableSettleTime) { next() }
    }

    func finishBackOff() {
        let steps = supervisor.lastBackOffSteps
        supervisor.endBackOff()
        backOffInProgress = false
        lastBackOff = session?.geometry.volume(for: steps) ?? .zero
        emit(.backOffCompleted(lastBackOff))
    }
}
