// The simulator backend as pumpd sees it: a syringe bay into which a simulated syringe is "loaded" for each
// program (the plant needs the syringe's geometry), behind one stable `PumpHardware` for the supervisor.
// Loading is refused while the motor is enabled. The input-edge handler follows the loaded plant.
import Foundation
import PumpCore
import PumpSimulator

/// A `PumpHardware` that forwards to the currently loaded `SimulatedPump`.
public final class SimulatorBay: PumpHardware, @unchecked Sendable {
    private let lock = NSLock()
    private let clock: MonotonicClock
    private let parameters: PlantParameters
    private var pump: SimulatedPump
    private var handler: (@Sendable (PumpInputEvent) -> Void)?
    private var enableCount = 0
    private var stepCount = 0

    /// Creates a bay with a full syringe of `syringe` loaded.
    public init(clock: MonotonicClock, syringe: SyringeSpec, parameters: PlantParameters = .init()) {
        self.clock = clock
        self.parameters = parameters
        pump = SimulatedPump(clock: clock, geometry: SyringeGeometry(syringe: syringe), fill: syringe.nominalVolume,
                             parameters: parameters)
    }

    /// The loaded plant (for fault injection and observation).
    public var current: SimulatedPump { lock.withLock { pump } }

    /// Loads a fresh syringe. Returns false (and changes nothing) while the motor is enabled.
    @discardableResult
    public func load(_ geometry: SyringeGeometry, fill: Milliliters) -> Bool {
        lock.withLock {
            guard !pump.motorEnabled else { return false }
            let next = SimulatedPump(clock: clock, geometry: geometry, fill: fill, parameters: parameters)
            next.inputEventHandler = handler
            pump = next
            return true
        }
    }

    /// Changes the loaded plant's syringe for a new one of the same model holding `fill`, its plunger at the start
    /// of its travel (the line and the delivery record carry on). False (nothing changed) while the motor is enabled.
    @discardableResult
    public func changeSyringe(fill: Milliliters) -> Bool { current.changeSyringe(fill: fill) }

    /// How often ENABLE was asserted, over every syringe ever loaded (an observer's count: a command that is
    /// refused must never move it).
    public var enableAssertions: Int { lock.withLock { enableCount } }
    /// How many STEP pulses were sent, over every syringe ever loaded.
    public var stepPulsesSent: Int { lock.withLock { stepCount } }

    public func setMotorEnabled(_ enabled: Bool) throws {
        if enabled { lock.withLock { enableCount += 1 } }
        try current.setMotorEnabled(enabled)
    }
    public func setDirection(_ direction: MotorDirection) throws { try current.setDirection(direction) }
    public func emitStep() throws {
        lock.withLock { stepCount += 1 }
        try current.emitStep()
    }
    public func readInputs() throws -> PumpInputs { try current.readInputs() }
    public func setAlarmIndication(_ indication: AlarmIndication) throws { try current.setAlarmIndication(indication) }
    public func setAlarmAudioPaused(_ paused: Bool) throws { try current.setAlarmAudioPaused(paused) }
    public var inputEventHandler: (@Sendable (PumpInputEvent) -> Void)? {
        get { lock.withLock { handler } }
        set {
            lock.withLock {
                handler = newValue
                pump.inputEventHandler = newValue
            }
        }
    }
    public func close() { current.close() }
}
