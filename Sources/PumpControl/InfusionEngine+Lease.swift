// The delivery-lease client (HAZ-010): asks the journal for more allowance when less than half a window is left,
// one request at a time, applied only in the arm generation it was asked for and never past the target.
import Foundation
import PumpCore

extension InfusionEngine {
    /// Asks the lease recorder for more allowance when less than half a window is left (one request at a time).
    /// The grant is applied on the executor, and only in the arm generation it was asked for.
    func renewLeaseIfNeeded() {
        guard let leaseRecorder, !leaseRequestOutstanding, supervisor.isArmed, let session,
              let ceiling = supervisor.deliveryLeaseCeiling else { return }
        let policy = DeliveryLeasePolicy(window: configuration.leaseWindow, cappedRate: session.limits.maxStepRate,
                                         burst: configuration.supervisor.rateBurstSteps)
        let delivered = supervisor.deliveredSteps
        // Never lease beyond the programmed target: the supervisor then enforces the target too, and the
        // uncertainty a crash leaves can never reach past it (HAZ-010).
        let cap = min(session.limits.maxTotalSteps, session.targetSteps)
        guard let next = policy.renewal(delivered: delivered, ceiling: ceiling, cap: cap) else {
            return
        }
        let generation = supervisor.deliveryLeaseGeneration
        leaseRequestOutstanding = true
        leaseRecorder.recordLease(delivered: delivered, ceiling: next) { [weak self, scheduler] recorded in
            scheduler.perform {
                guard let self else { return }
                self.leaseRequestOutstanding = false
                if recorded, self.supervisor.grantDeliveryLease(upTo: next, generation: generation) { return }
                // A stale generation (paused or re-armed meanwhile): ask again for the current one.
                if recorded, self.state == .running { self.renewLeaseIfNeeded() }
            }
        }
    }
}
