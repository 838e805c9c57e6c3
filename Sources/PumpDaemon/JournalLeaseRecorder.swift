// The daemon's side of the delivery lease: each lease the engine asks for is written to the journal (one
// durable checkpoint row with a ceiling) on the journal queue, in order with the engine's other events, and only
// then reported as granted. A failed write is a journal failure, which stops delivery (HAZ-014).
import Foundation
import PumpControl
import PumpCore
import PumpJournal

/// The open session a lease is written for, with the uncertainty its count carries from a recovery.
struct LeasedSession: Sendable {
    var id: SessionID
    var geometry: SyringeGeometry
    var concentration: MilligramsPerMilliliter
    var uncertain: Steps
}

final class JournalLeaseRecorder: DeliveryLeaseRecorder, @unchecked Sendable {
    private let recorder: JournalRecorder
    private let session: @Sendable () -> LeasedSession?
    private let monotonicNow: @Sendable () -> MonotonicInstant

    init(recorder: JournalRecorder,
         session: @escaping @Sendable () -> LeasedSession?,
         monotonicNow: @escaping @Sendable () -> MonotonicInstant) {
        self.recorder = recorder
        self.session = session
        self.monotonicNow = monotonicNow
    }

    func recordLease(delivered: Steps, ceiling: Steps, completion: @escaping @Sendable (Bool) -> Void) {
        guard let open = session() else {
            completion(false)
            return
        }
        let volume = open.geometry.volume(for: delivered)
        let amount = DeliveredAmount(steps: delivered, volume: volume, dose: volume * open.concentration)
        recorder.recordLease(session: open.id, delivered: amount, ceiling: ceiling,
                             uncertain: JournalRecorder.carried(open.uncertain, of: delivered),
                             monotonic: monotonicNow(), completion: completion)
    }
}
