// Regression for a crash the protocol fuzzer found (scripts/fuzz.sh): InfusionEngine.shutdown (control queue)
// cancelled the watchdog timer while the watchdog (its own queue) was replacing it, so dispatch_source_cancel
// ran on a released source. Real Dispatch queues are needed to race; the test takes about a second.
import Foundation
import PumpControl
import PumpCore
import Testing
#if canImport(Glibc)
import Glibc
#endif

@Suite("Engine shutdown against the watchdog queue")
struct ShutdownRaceTests {
    @Test("HAZ-003: shutdown while the watchdog re-arms on its own queue never crashes and leaves the watchdog off")
    func shutdownRacesWatchdog() {
        var configuration = EngineConfiguration()
        configuration.supervisor.controlPeriod = .milliseconds(1)
        for round in 0..<200 {
            let scheduler = DispatchScheduler(label: "race.control")
            let watchdog = scheduler.sibling(label: "race.watchdog")
            let engine = scheduler.syncOnControl {
                InfusionEngine(scheduler: scheduler, watchdogScheduler: watchdog,
                               hardware: RecordingHardware(clock: scheduler), configuration: configuration)
            }
            usleep(useconds_t(round % 5) * 400)
            scheduler.syncOnControl { engine.shutdown() }
            usleep(2_000)
            #expect(!engine.watchdogArmed, "round \(round): the watchdog re-armed itself after shutdown")
        }
    }
}
