// Regression for a crash the protocol fuzzer found (scripts/fuzz.sh): InfusionEngine.shutdown (control queue)
// cancelled the watchdog timer while the watchdog (its own queue) was replacing it, so dispatch_source_cancel
// ran on a released source. Real Dispatch queues are needed to race; the test takes about a second.
// What it proves, observed from outside the engine: once shutdown() has returned, the watchdog never re-arms
// (no schedule call reaches the watchdog's scheduler), no watchdog body runs its check, and the hardware sees
// no call at all (no step, no ENABLE), with ENABLE left low. `watchdogArmed` alone proves nothing: shutdown
// sets the stopped flag it reads.
import Foundation
import PumpControl
import PumpCore
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Wraps the watchdog's scheduler, delays each body a little, and counts every re-arm after `seal()`.
private final class SealableScheduler: PumpScheduler, @unchecked Sendable {
    let base: PumpScheduler
    private let lock = NSLock()
    private var sealed = false
    private var schedulesAfterSeal = 0
    private var schedulesBeforeSeal = 0
    init(base: PumpScheduler) { self.base = base }
    func now() -> MonotonicInstant { base.now() }
    func schedule(at deadline: MonotonicInstant, _ action: @escaping () -> Void) -> ScheduledTask {
        lock.withLock { if sealed { schedulesAfterSeal += 1 } else { schedulesBeforeSeal += 1 } }
        // Each watchdog body starts 300 µs late (of its 1 ms period), so a shutdown often lands while a body is
        // in flight: the window the original race needed, widened so 200 rounds reach it.
        return base.schedule(at: deadline) {
            usleep(300)
            action()
        }
    }
    func perform(_ action: @escaping () -> Void) { base.perform(action) }
    func seal() { lock.withLock { sealed = true } }
    var counts: (before: Int, after: Int) { lock.withLock { (schedulesBeforeSeal, schedulesAfterSeal) } }
}

/// A thread-safe hardware that counts every call made after `seal()` and keeps the ENABLE line.
private final class SealableHardware: PumpHardware, @unchecked Sendable {
    private let lock = NSLock()
    private var sealed = false
    private var enabled = false
    private var callsAfterSeal: [String] = []
    var inputEventHandler: (@Sendable (PumpInputEvent) -> Void)?
    private func note(_ call: String) { if sealed { callsAfterSeal.append(call) } }
    func setMotorEnabled(_ value: Bool) throws { lock.withLock { note("enable(\(value))"); enabled = value } }
    func setDirection(_ value: MotorDirection) throws { lock.withLock { note("direction") } }
    func emitStep() throws { lock.withLock { note("step") } }
    func readInputs() throws -> PumpInputs { lock.withLock { note("readInputs"); return PumpInputs() } }
    func setAlarmIndication(_ value: AlarmIndication) throws { lock.withLock { note("indication") } }
    func close() { lock.withLock { note("close"); enabled = false } }
    func seal() { lock.withLock { sealed = true } }
    var observed: (enabled: Bool, calls: [String]) { lock.withLock { (enabled, callsAfterSeal) } }
}

@Suite("Engine shutdown against the watchdog queue")
struct ShutdownRaceTests {
    @Test("HAZ-003: shutdown while the watchdog re-arms on its own queue never crashes, and after it returns the watchdog never re-arms and the hardware is never touched")
    func shutdownRacesWatchdog() {
        var configuration = EngineConfiguration()
        configuration.supervisor.controlPeriod = .milliseconds(1)
        for round in 0..<200 {
            let scheduler = DispatchScheduler(label: "race.control")
            let watchdog = SealableScheduler(base: scheduler.sibling(label: "race.watchdog"))
            let hardware = SealableHardware()
            let engine = scheduler.syncOnControl {
                InfusionEngine(scheduler: scheduler, watchdogScheduler: watchdog, hardware: hardware,
                               configuration: configuration)
            }
            // The race needs a watchdog that is re-arming itself: wait (under a generous deadline) until it has
            // re-armed at least once, then shut down at a varying offset into its period.
            let deadline = DispatchTime.now() + .seconds(10)
            while watchdog.counts.before < 2, DispatchTime.now() < deadline { usleep(100) }
            #expect(watchdog.counts.before >= 2, "round \(round): the watchdog never re-armed before shutdown")
            usleep(useconds_t(round % 5) * 200)
            scheduler.syncOnControl {
                engine.shutdown()
                // Sealed on the control queue right after shutdown returns: the tick cannot run in between,
                // only the watchdog queue can still race.
                watchdog.seal()
                hardware.seal()
            }
            usleep(5_000)  // five watchdog periods: a surviving watchdog chain would re-arm here
            let counts = watchdog.counts
            #expect(counts.after == 0, "round \(round): the watchdog re-armed \(counts.after) times after shutdown")
            let observed = hardware.observed
            #expect(observed.calls.isEmpty, "round \(round): hardware calls after shutdown: \(observed.calls)")
            #expect(!observed.enabled, "round \(round): ENABLE left high after shutdown")
            withExtendedLifetime(engine) {}
        }
    }
}
