// HAZ-012: the simulator takes time only from its injected clock; and it is safe to use from two threads.
import Foundation
import PumpCore
import Testing
@testable import PumpSimulator

@Suite("Simulator time and threading")
struct TimeAndThreadingTests {
    @Test("HAZ-012: with the injected clock standing still nothing relaxes, however much real time passes")
    func onlyTheInjectedClockMovesTime() throws {
        let clock = ManualClock(start: MonotonicInstant(nanoseconds: 3_600_000_000_000))
        let pump = SimulatedPump(clock: clock, geometry: bd50, fill: Milliliters(50))
        try pump.setMotorEnabled(true)
        try emit(500, on: pump)
        let pressure = pump.linePressure
        for _ in 0..<20_000 { _ = try pump.readInputs() }  // real time passes; the clock does not
        #expect(pump.linePressure == pressure)
        #expect(pump.volumeDeliveredToPatient == .zero)
        clock.advance(by: seconds(60))
        #expect(pump.linePressure < pressure)
        #expect(pump.volumeDeliveredToPatient > .zero)
    }

    @Test("HAZ-012: the simulator sources never read the wall clock")
    func noWallClockInSources() throws {
        let sources = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("hw-sim/Sources/PumpSimulator")
        let files = try FileManager.default.contentsOfDirectory(at: sources, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "swift" }
        #expect(files.count >= 8)
        let forbidden = ["Date(", "Date.now", "DispatchTime", "clock_gettime", "ProcessInfo", "CFAbsoluteTime", "sleep("]
        for file in files {
            let text = try String(contentsOf: file, encoding: .utf8)
            for word in forbidden {
                #expect(!text.contains(word), "\(file.lastPathComponent) uses \(word)")
            }
        }
    }

    @Test("HAZ-011: disabling from another thread while steps are emitted is safe and takes effect")
    func concurrentDisable() throws {
        // The claim is judged on the plant, not on the flag the test wrote: from the instant setMotorEnabled(false)
        // returns on the other thread, no STEP pulse moves the plunger any more, while pulses keep arriving.
        let clock = ManualClock()
        let pump = SimulatedPump(clock: clock, geometry: bd50, fill: Milliliters(50))
        try pump.setMotorEnabled(true)
        let state = DisableRace()
        // Real threads (not concurrentPerform, which may run the workers one after another): the step thread
        // waits on the disabling thread.
        let done = DispatchGroup()
        for worker in 0..<4 {
            done.enter()
            Thread {
            defer { done.leave() }
            switch worker {
            case 0:  // the step thread: emits until it has sent 500 pulses after the disable returned
                var afterDisable = 0
                while afterDisable < 500 {
                    let disabled = state.disabledAt != nil
                    try? pump.emitStep()
                    if disabled { afterDisable += 1 }
                }
            case 1:  // the other thread: disables once the plunger has visibly moved
                while pump.plungerSteps.count < 500 { _ = try? pump.readInputs() }
                try? pump.setMotorEnabled(false)
                state.disabledAt = pump.plungerSteps.count  // read after the write returned
            case 2: for _ in 0..<2_000 { clock.advance(by: .microseconds(100)) }
            default: for _ in 0..<2_000 { _ = pump.volumeDeliveredToPatient }
            }
            }.start()
        }
        #expect(done.wait(timeout: .now() + 120) == .success, "the threads did not finish")
        let disabledAt = try #require(state.disabledAt)
        #expect(disabledAt >= 500)
        #expect(pump.plungerSteps.count == disabledAt, "the plunger moved after the disable returned")
        #expect(pump.stepPulsesWhileDisabled >= 500)
        #expect(Int(pump.plungerSteps.count) + pump.stepPulsesWhileDisabled == pump.stepPulsesReceived)
        let displaced = pump.volumeDisplaced.microliters.value
        let accounted = pump.volumeDeliveredToPatient.microliters.value + pump.storedVolume.microliters.value
        #expect(displaced > 0)
        #expect(isClose(accounted, displaced, within: 1e-9 * max(1, displaced)))
    }
}

/// The plunger position seen right after the cross-thread disable returned (nil before).
private final class DisableRace: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Int64?
    var disabledAt: Int64? {
        get { lock.withLock { value } }
        set { lock.withLock { value = newValue } }
    }
}
