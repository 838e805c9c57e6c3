// The control tick (every control period, on absolute instants) and the independent watchdog, arming, completion
// and the reaction to a supervisor trip.
import Foundation
import PumpCore

extension InfusionEngine {
    func scheduleTick() {
        tickIndex += 1
        let deadline = tickOrigin + configuration.supervisor.controlPeriod * tickIndex
        tickTask = scheduler.schedule(at: deadline) { [weak self] in self?.tick() }
    }

    func scheduleWatchdog() {
        let next = watchdogScheduler.now() + configuration.supervisor.controlPeriod
        watchdogLock.withLock {
            guard !watchdogStopped else { return }
            watchdogTask = watchdogScheduler.schedule(at: next) { [weak self] in
                guard let self, !self.watchdogLock.withLock({ self.watchdogStopped }) else { return }
                self.supervisor.checkWatchdog(now: self.watchdogScheduler.now())
                self.scheduleWatchdog()
            }
        }
    }

    func tick() {
        let now = scheduler.now()
        // Re-align if the executor fell behind by more than a period (never a burst of catch-up ticks).
        let due = tickOrigin + configuration.supervisor.controlPeriod * tickIndex
        if now - due > configuration.supervisor.controlPeriod {
            tickIndex += (now - due).nanoseconds / configuration.supervisor.controlPeriod.nanoseconds
        }
        defer { scheduleTick() }
        if let until = suppressTicksUntilForTesting, now < until { return }
        supervisor.sampleInputs(now: now)
        supervisor.heartbeat(now: now, commandedSteps: emitter.commanded, commandedRate: emitter.rate)
        switch state {
        case .running: controlStep(now: now)
        case .paused: pausedReminder(now: now)
        default: break
        }
        if state == .running || state == .paused { vitalsReminder(now: now) }
        refreshAlarmSignals(now: now)
    }

    /// Ends audio pauses whose time is up and escalates medium alarms nobody answered (IEC 60601-1-8).
    func refreshAlarmSignals(now: MonotonicInstant) {
        let changes = signals.update(active: activeAlarms, now: now)
        guard !changes.isEmpty else { return }
        updateIndication()
        for alarm in changes.escalated { onEvent?(.alarmEscalated(alarm)) }
    }

    /// HAZ-015: a medium reminder when the newest vital signs are older than the drug's staleness interval.
    func vitalsReminder(now: MonotonicInstant) {
        guard let thresholds = session?.vitalThresholds, let startedAt,
              let age = vitalsWatch.staleReminderDue(now: now, sessionStart: startedAt) else { return }
        clearAdvisory(.vitalsStale)
        let what = vitalsWatch.latest == nil || vitalsWatch.latest.map({ $0.measuredAt < startedAt }) == true
            ? "No vital signs were entered since the infusion started \(CheckedConversion.int(age.seconds / 60)) min ago"
            : "The last vital signs are \(CheckedConversion.int(age.seconds / 60)) min old"
        raiseAdvisory(.vitalsStale, "\(what) (limit \(thresholds.staleAfter.formatted(maxFractionDigits: 1))); take and enter new ones.", now)
    }

    func controlStep(now: MonotonicInstant) {
        guard state == .running, var target, let session else { return }
        target.targetSteps = Steps(target.targetSteps.count + extraTargetStepsForTesting)
        let delivered = supervisor.deliveredSteps
        if delivered >= target.targetSteps {
            complete()
            return
        }
        renewLeaseIfNeeded()
        var decision = RateController.decide(target, delivered: delivered, now: now)
        decision.rate = StepsPerSecond(decision.rate.value * rateMultiplierForTesting)
        lastDecision = decision
        if syringeStep(delivered: delivered, rate: decision.rate, now: now) { return }
        if emitter.isRunning {
            emitter.retarget(rate: decision.rate, limit: deliveryLimit(target), at: now)
        }
        if !nearEndRaised, decision.expectedEnd - now <= MonotonicDuration(session.nearEndWarning) {
            nearEndRaised = true
            raiseAdvisory(.nearEnd, "The infusion ends in about \(CheckedConversion.int((decision.expectedEnd - now).seconds / 60, .toNearestOrAwayFromZero)) min.", now)
        }
        if let last = lastCheckpoint, now - last < configuration.checkpointInterval { return }
        lastCheckpoint = now
        emit(.checkpoint(status()))
    }

    func pausedReminder(now: MonotonicInstant) {
        guard let session, let since = pausedSince else { return }
        let interval = MonotonicDuration(session.pausedReminder)
        let reference = lastPausedReminder ?? since
        guard now - reference >= interval else { return }
        lastPausedReminder = now
        clearAdvisory(.pausedTooLong)
        raiseAdvisory(.pausedTooLong, "The infusion has been paused for \(CheckedConversion.int((now - since).seconds / 60)) min; resume or stop it.", now)
    }

    func arm(now: MonotonicInstant) throws(EngineRefusal) {
        guard let target else { throw EngineRefusal("No infusion is programmed.") }
        do {
            try supervisor.arm(now: now)
        } catch {
            throw EngineRefusal(error.message)
        }
        renewLeaseIfNeeded()
        let decision = RateController.decide(target, delivered: supervisor.deliveredSteps, now: now)
        lastDecision = decision
        // HAZ-008 / driver timing: the first step comes no sooner than the driver's enable settle time.
        emitter.start(at: now + configuration.enableSettleTime, rate: decision.rate, limit: deliveryLimit(target))
    }

    func complete() {
        emitter.stop()
        supervisor.disarm()
        supervisor.endSession()
        clearAdvisory(.nearEnd)
        clearAdvisory(.nearEmpty)
        raiseAdvisory(.infusionComplete, "The programmed dose was delivered.", scheduler.now())
        transition(.complete, to: .completed)
    }

    func handleTrip(_ alarm: Alarm) {
        emitter.stop()
        emit(.alarmRaised(alarm))
        if state.hasOpenSession, state != .interrupted { transition(.trip, to: .alarm) }
        if alarm.code == .occlusion { backOff() }
    }
}
