// The syringe of a running session: near-empty and syringe-empty, and the syringe change (issue 14 item 2).
//
// - The emitter's limit is min(programmed target, the syringe's empty point), so no step passes the empty point
//   even between control ticks; reaching it pauses delivery (the `pause` edge of the transition table: disarm,
//   then running → paused) with the high `syringe-empty` alarm, before the end-of-travel switch.
// - Only a session whose profile allows a syringe change has an empty point (any other program fits its syringe).
// - `near-empty` (low) comes once per syringe, when the time to the empty point at the commanded rate or the
//   volume to it falls under the settings (default 3 min or 2 mL, whichever first).
// - A syringe change is accepted only while paused (for syringe-empty or by the nurse), with a profile that
//   allows it and nothing that would refuse a resume; it loads the new syringe at the current delivered count
//   (totals stay cumulative, the supervisor's count and caps are per program and never reset) and resumes
//   through the `resume` edge. Catch-up rule: the planned end does not move; the time the change took is made
//   up at most at the profile's catch-up factor × nominal rate, and only what that cannot make up moves the
//   expected end later (RateController).
import Foundation
import PumpCore

extension InfusionEngine {
    /// The delivered count at which the loaded syringe is treated as empty, or nil when it finishes the program.
    /// Only for a session whose profile allows a syringe change: any other program was accepted because it fits
    /// its syringe, and there the end-of-travel switch and the supervisor's per-syringe volume cap stay the guards.
    var syringeEmptyPoint: Steps? {
        guard let session, session.syringeChangeAllowed, let target else { return nil }
        return session.syringe.emptyPoint(session.geometry, target: target.targetSteps, margin: configuration.syringeAlarms.emptyMargin)
    }

    /// What the emitter may reach: the programmed target, or the syringe's empty point when that comes first.
    func deliveryLimit(_ target: InfusionTarget) -> Steps {
        guard let empty = syringeEmptyPoint else { return target.targetSteps }
        return min(target.targetSteps, empty)
    }

    /// The emitter reached its limit: the programmed end, or the syringe's empty point.
    func limitReached() {
        guard state == .running, let target else { return }
        if supervisor.deliveredSteps >= target.targetSteps {
            complete()
        } else if let empty = syringeEmptyPoint, supervisor.deliveredSteps >= empty {
            syringeRanOut()
        }
    }

    /// Syringe checks of one control tick; true when the syringe-empty pause was taken.
    func syringeStep(delivered: Steps, rate: StepsPerSecond, now: MonotonicInstant) -> Bool {
        guard let session, let empty = syringeEmptyPoint else { return false }
        if delivered >= empty {
            syringeRanOut()
            return true
        }
        guard !nearEmptyRaised else { return false }
        let left = session.geometry.volume(for: empty - delivered)
        let seconds = rate.value > 0 ? Double((empty - delivered).count) / rate.value : .infinity
        let settings = configuration.syringeAlarms
        if left <= settings.nearEmptyVolume || seconds <= MonotonicDuration(settings.nearEmptyTime).seconds {
            nearEmptyRaised = true
            let minutes = seconds.isFinite ? " (about \(CheckedConversion.int(seconds / 60, .toNearestOrAwayFromZero)) min)" : ""
            raiseAdvisory(.nearEmpty, "Syringe \(session.syringe.index) is nearly empty: \(left.formatted(maxFractionDigits: 2)) left to deliver before the syringe-empty stop\(minutes); prepare the next syringe.", now)
        }
        return false
    }

    /// Pauses delivery at the syringe's empty point with the high `syringe-empty` alarm.
    func syringeRanOut() {
        guard state == .running, let session else { return }
        let now = scheduler.now()
        emitter.stop()
        supervisor.disarm()
        pausedSince = now
        lastPausedReminder = nil
        clearAdvisory(.nearEmpty)
        let delivered = session.geometry.volume(for: session.syringe.deliveredSteps(total: supervisor.deliveredSteps))
        raiseAdvisory(.syringeEmpty, "Syringe \(session.syringe.index) is empty (\(delivered.formatted(maxFractionDigits: 2)) delivered from it); delivery is paused. Load a new syringe and run syringe-change.", now)
        transition(.pause, to: .paused)
    }

    /// Why a syringe change would be refused now, or nil when it would be accepted.
    public func syringeChangeRefusal() -> EngineRefusal? {
        guard let session, state.hasOpenSession else { return EngineRefusal("No infusion is open; there is no syringe to change.") }
        guard state == .paused else {
            if state == .running {
                return EngineRefusal("The pump is running; change the syringe only while it is paused for syringe-empty or paused with pumpctl pause.")
            }
            return EngineRefusal("The pump is \(state.phrase); change the syringe only while it is paused for syringe-empty or paused with pumpctl pause.")
        }
        guard session.syringeChangeAllowed else {
            return EngineRefusal("The \(session.drug) (\(session.profile)) profile does not allow a syringe change; the program must fit one syringe.")
        }
        if let first = supervisor.latchedAlarms.first {
            return EngineRefusal("Alarm \(first.code.rawValue) is active; acknowledge it before changing the syringe.")
        }
        do throws(EngineRefusal) {
            try refuseWhileBackingOff()
            try refuseWhileVitalsOutOfRange()
        } catch {
            return error
        }
        return nil
    }

    /// Loads a new syringe holding `fill` at the current delivered count and resumes delivery. Totals stay
    /// cumulative. When arming fails after the syringe was loaded, the pump stays paused with the new syringe
    /// and the refusal says so (a later `resume` continues).
    @discardableResult
    public func changeSyringe(fill: Milliliters, expectedLoadedAt: Steps? = nil) throws(EngineRefusal) -> SyringeLoad {
        if let refusal = syringeChangeRefusal() { throw refusal }
        if let expectedLoadedAt, expectedLoadedAt != supervisor.deliveredSteps {
            throw EngineRefusal("The delivered count changed while the syringe change was being recorded; nothing was changed.")
        }
        guard var updated = session else { throw EngineRefusal("No infusion is open; there is no syringe to change.") }
        guard fill > updated.geometry.syringe.deadSpace + configuration.syringeAlarms.emptyMargin else {
            throw EngineRefusal("Fill volume \(fill.formatted(maxFractionDigits: 2)) is not more than the dead space and the syringe-empty margin (\((updated.geometry.syringe.deadSpace + configuration.syringeAlarms.emptyMargin).formatted(maxFractionDigits: 2))); nothing could be delivered.")
        }
        let load = SyringeLoad(index: updated.syringe.index + 1, fill: fill, loadedAtSteps: supervisor.deliveredSteps)
        updated.syringe = load
        session = updated
        nearEmptyRaised = false
        clearAdvisory(.syringeEmpty)
        clearAdvisory(.nearEmpty)
        emit(.syringeChanged(load))
        do throws(EngineRefusal) {
            try arm(now: scheduler.now())
        } catch {
            throw EngineRefusal("Syringe \(load.index) is loaded but delivery did not resume: \(error.message) Resume when ready.")
        }
        clearAdvisory(.pausedTooLong)
        pausedSince = nil
        transition(.resume, to: .running)
        return load
    }

    /// Puts a restored session's syringe in place (recovery: the journal's last syringe change).
    func restoreSyringe(_ load: SyringeLoad) {
        session?.syringe = load
    }
}
