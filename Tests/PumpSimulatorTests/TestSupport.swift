// Shared fixtures for the simulator tests: a BD 50 mL syringe on the default drive, a manual clock, an
// event recorder, and a step train that emits steps at absolute virtual instants (no sleeping anywhere).
import Foundation
import PumpCore
@testable import PumpSimulator

/// BD Plastipak 50 mL (ID 26.70 mm, dead space 0.20 mL) on M8 / 200 / 16: 0.2187 µL per step.
let bd50 = SyringeGeometry(syringe: SyringeSpec(
    id: "bd-50", brand: "BD Plastipak", nominalVolume: Milliliters(50), innerDiameter: Millimeters(26.70),
    deadSpace: Milliliters(0.20)))

/// |a − b| ≤ tolerance.
func isClose(_ a: Double, _ b: Double, within tolerance: Double) -> Bool { abs(a - b) <= tolerance }

/// A clock that moves only when told; thread-safe so concurrency tests can share it.
final class ManualClock: MonotonicClock, @unchecked Sendable {
    private let lock = NSLock()
    private var current: MonotonicInstant
    init(start: MonotonicInstant = .origin) { current = start }
    func now() -> MonotonicInstant {
        lock.lock()
        defer { lock.unlock() }
        return current
    }
    func advance(by duration: MonotonicDuration) {
        lock.lock()
        defer { lock.unlock() }
        current = current + duration
    }
}

/// Records input events from any thread.
final class EventRecorder: @unchecked Sendable {
    private let lock = NSLock()
    private var recorded: [PumpInputEvent] = []
    var events: [PumpInputEvent] {
        lock.lock()
        defer { lock.unlock() }
        return recorded
    }
    func record(_ event: PumpInputEvent) {
        lock.lock()
        defer { lock.unlock() }
        recorded.append(event)
    }
    func count(of event: PumpInputEvent) -> Int { events.filter { $0 == event }.count }
    /// Attaches this recorder to `pump`.
    func attach(to pump: SimulatedPump) { pump.inputEventHandler = { [self] event in record(event) } }
}

/// Emits STEP pulses at a constant rate against absolute instants: step k at start + k / rate.
final class StepTrain {
    let pump: SimulatedPump
    let scheduler: VirtualScheduler
    let stepsPerSecond: Double
    let start: MonotonicInstant
    private(set) var emitted = 0
    private var task: ScheduledTask?

    init(pump: SimulatedPump, scheduler: VirtualScheduler, stepsPerSecond: Double) {
        self.pump = pump
        self.scheduler = scheduler
        self.stepsPerSecond = stepsPerSecond
        self.start = scheduler.now()
        scheduleNext()
    }

    /// A train delivering `rate` through the nominal geometry.
    convenience init(pump: SimulatedPump, scheduler: VirtualScheduler, rate: MillilitersPerHour) {
        self.init(pump: pump, scheduler: scheduler, stepsPerSecond: pump.geometry.stepRate(for: rate).value)
    }

    /// The instant of step number `k` (1-based).
    func instant(ofStep k: Int) -> MonotonicInstant {
        start + MonotonicDuration(nanoseconds: Int64((Double(k) * 1e9 / stepsPerSecond).rounded()))
    }

    private func scheduleNext() {
        task = scheduler.schedule(at: instant(ofStep: emitted + 1)) { [weak self] in
            guard let self else { return }
            try? self.pump.emitStep()
            self.emitted += 1
            self.scheduleNext()
        }
    }

    /// Stops emitting.
    func stop() { task?.cancel() }
}

/// A pump on a virtual scheduler, motor enabled, DIR = infuse.
func makeRunningPump(
    fill: Milliliters = Milliliters(50), parameters: PlantParameters = .init()
) throws -> (VirtualScheduler, SimulatedPump) {
    let scheduler = VirtualScheduler()
    let pump = SimulatedPump(clock: scheduler, geometry: bd50, fill: fill, parameters: parameters)
    try pump.setDirection(.infuse)
    try pump.setMotorEnabled(true)
    return (scheduler, pump)
}

/// Emits `count` steps at the current instant.
func emit(_ count: Int, on pump: SimulatedPump) throws {
    for _ in 0..<count { try pump.emitStep() }
}

/// Whole seconds (`MonotonicDuration.seconds(60)` is ambiguous between its Int64 and Double overloads).
func seconds(_ value: Int64) -> MonotonicDuration { MonotonicDuration(nanoseconds: value * 1_000_000_000) }
