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
        let clock = ManualClock()
        let pump = SimulatedPump(clock: clock, geometry: bd50, fill: Milliliters(50))
        try pump.setMotorEnabled(true)
        DispatchQueue.concurrentPerform(iterations: 4) { worker in
            for i in 0..<2_000 {
                switch worker {
                case 0: try? pump.emitStep()
                case 1: if i == 1_000 { try? pump.setMotorEnabled(false) } else { _ = try? pump.readInputs() }
                case 2: clock.advance(by: .microseconds(100))
                default: _ = pump.volumeDeliveredToPatient
                }
            }
        }
        #expect(pump.motorEnabled == false)
        #expect(pump.stepPulsesReceived == 2_000)
        #expect(Int(pump.plungerSteps.count) + pump.stepPulsesWhileDisabled == 2_000)
        let displaced = pump.volumeDisplaced.microliters.value
        let accounted = pump.volumeDeliveredToPatient.microliters.value + pump.storedVolume.microliters.value
        #expect(isClose(accounted, displaced, within: 1e-9 * max(1, displaced)))
    }
}
