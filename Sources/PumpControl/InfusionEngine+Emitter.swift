// Building the step emitter: every step through the supervisor's gate, never more per fire than its budget.
import Foundation
import PumpCore

extension InfusionEngine {
    func makeEmitter(commanded: Steps) -> StepEmitter {
        emitter.stop()
        let replacement = Self.buildEmitter(scheduler: stepScheduler, supervisor: supervisor, commanded: commanded,
                                            leadScale: configuration.stepLeadScale)
        emitter = replacement
        wireEmitter()
        return replacement
    }

    /// The one way an emitter is built: every step through the supervisor's gate, never more per fire than its
    /// budget. The burst per fire equals the supervisor's token-bucket allowance, so a merged (late) fire catches
    /// up as far as the supervisor allows and no further.
    static func buildEmitter(scheduler: PumpScheduler, supervisor: SafetySupervisor, commanded: Steps,
                             leadScale: Double = 1) -> StepEmitter {
        StepEmitter(scheduler: scheduler, commanded: commanded,
                    maxBurst: CheckedConversion.saturating(supervisor.configuration.rateBurstSteps, .down), catchUpSpacing: .milliseconds(10),
                    leadScale: leadScale,
                    budget: { supervisor.availableSteps(now: $0) }, gate: { supervisor.step(now: $0) })
    }

    func wireEmitter() {
        if keepsLatenessSamples { emitter.keepLatenessSamples(capacity: Self.latenessCapacity) }
        let current = emitter
        let completeIfCurrent: () -> Void = { [weak self, weak current] in
            guard let self, let current, self.emitter === current, self.state == .running else { return }
            self.limitReached()
        }
        if stepScheduler === scheduler {
            emitter.onLimitReached = completeIfCurrent
        } else {
            // The emitter fired on the step thread: the engine's state lives on the control executor.
            emitter.onLimitReached = { [scheduler] in scheduler.perform(completeIfCurrent) }
        }
        // The emitter has already stopped itself; the supervisor's trip (if any) reaches the engine via onTrip.
        emitter.onRefused = { [weak current] in current?.stop() }
    }

    func makeTarget(_ session: InfusionSession, plannedEnd: MonotonicInstant) -> InfusionTarget {
        let nominal = session.geometry.stepRate(for: session.nominalRate)
        let cap = session.limits.maxStepRate
        if cap.value > 0 {
            emitter.catchUpSpacing = .seconds(1 / cap.value)
        }
        return InfusionTarget(targetSteps: session.targetSteps, plannedEnd: plannedEnd, nominalRate: nominal,
                              catchUpFactor: session.catchUpFactor, rateCap: cap)
    }
}
