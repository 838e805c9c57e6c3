// The simulated syringe pump: the `Plant` model behind the same `PumpHardware` protocol as the libgpiod
// backend, so every test and bench session runs without hardware.
//
// Threading: one lock guards the plant. Every operation reads the injected clock, advances the exact model
// to that instant, applies itself, and collects the input edges it caused; the edges are delivered to
// `inputEventHandler` synchronously on the calling thread AFTER the lock is released, so a handler may call
// straight back into the pump (e.g. `setMotorEnabled(false)` on an e-stop edge) without deadlock.
// Time: only `clock.now()`; no wall clock anywhere in the simulator (HAZ-012).
import Foundation
import PumpCore

/// A faithful plant model of the syringe pump, with fault injection and observables for tests.
public final class SimulatedPump: PumpHardware, @unchecked Sendable {
    /// The clock every state change is stamped with.
    public let clock: MonotonicClock
    /// The syringe and drive as the pump's software believes them to be (the nominal geometry).
    public let geometry: SyringeGeometry
    /// The physical parameters of this plant.
    public let parameters: PlantParameters

    private let lock = NSLock()
    private var plant: Plant
    private var handler: (@Sendable (PumpInputEvent) -> Void)?

    /// Creates a pump with `fill` loaded in a syringe of `geometry`, clamped, the line primed at venous
    /// pressure, the motor disabled, DIR = infuse, at the clock's current instant.
    public init(clock: MonotonicClock, geometry: SyringeGeometry, fill: Milliliters, parameters: PlantParameters = .init()) {
        self.clock = clock
        self.geometry = geometry
        self.parameters = parameters
        plant = Plant(geometry: geometry, fill: fill, parameters: parameters, start: clock.now())
    }

    /// Runs `body` on the plant at the clock's now, under the lock, then delivers the input edges it caused
    /// (also when `body` throws: edges already seen are never lost).
    @discardableResult
    func mutate<T, E: Error>(_ body: (inout Plant, MonotonicInstant) throws(E) -> T) throws(E) -> T {
        lock.lock()
        let now = clock.now()
        plant.advance(to: now)
        var events = plant.inputEdges()
        let result = Result<T, E> { () throws(E) -> T in try body(&plant, now) }
        events += plant.inputEdges()
        let deliver = handler
        lock.unlock()
        if let deliver { for event in events { deliver(event) } }
        return try result.get()
    }

    /// Reads the plant at the clock's now, under the lock.
    func observe<T>(_ body: (Plant) -> T) -> T {
        lock.lock()
        defer { lock.unlock() }
        plant.advance(to: clock.now())
        return body(plant)
    }

    // MARK: PumpHardware

    public func setMotorEnabled(_ enabled: Bool) throws {
        try mutate { plant, _ in try plant.setMotorEnabled(enabled) }
    }

    public func setDirection(_ direction: MotorDirection) throws {
        try mutate { plant, _ in try plant.setDirection(direction) }
    }

    public func emitStep() throws {
        try mutate { plant, now in try plant.emitStep(at: now) }
    }

    public func readInputs() throws -> PumpInputs {
        try mutate { plant, _ in try plant.readInputs() }
    }

    public func setAlarmIndication(_ indication: AlarmIndication) throws {
        try mutate { plant, _ in try plant.setAlarmIndication(indication) }
    }

    public func setAlarmAudioPaused(_ paused: Bool) throws {
        try mutate { plant, _ in try plant.setAlarmAudioPaused(paused) }
    }

    public var inputEventHandler: (@Sendable (PumpInputEvent) -> Void)? {
        get {
            lock.lock()
            defer { lock.unlock() }
            return handler
        }
        set {
            lock.lock()
            defer { lock.unlock() }
            handler = newValue
        }
    }

    public func close() {
        mutate { plant, _ in plant.close() }
    }

    // MARK: Fault injection

    /// Applies `fault` at the clock's current instant and logs it. Input edges it causes (e.g. the clamp
    /// switch opening) reach `inputEventHandler` synchronously, before this returns.
    public func inject(_ fault: SimulatedFault) {
        mutate { plant, now in plant.apply(fault, at: now) }
    }
}
