// A fault-injection scenario as data: which hazard it exercises, the program, a timeline of faults and
// operator actions at virtual times, and the expected outcome (alarm and by when, final state, delivered-volume
// bounds, ENABLE, no forward motion after the trip). Scenario files live in `hw-sim/scenarios/*.toml`; the
// format is documented in `hw-sim/scenarios/README.md` and loaded by `ScenarioLoader`.
import Foundation
import PumpCore
import PumpSimulator

/// Which runner executes a scenario.
public enum ScenarioRunnerKind: String, Sendable, CaseIterable {
    /// Virtual time through `InfusionEngine` + `SimulatedPump` (`ScenarioRunner`, ScenarioTests).
    case engine
    /// The real pump service (journal, wall clock, Dispatch control loop at high simulation speed), in process
    /// (PumpDaemonTests): for faults that only exist at the daemon level (full journal disk, wall-clock jump).
    case daemon
    /// The power-loss campaign with the real `pumpd`/`pumpctl` binaries and SIGKILL (EndToEndTests).
    case campaign
}

/// One scenario file.
public struct Scenario: Sendable, Identifiable, CustomStringConvertible {
    /// Stable identifier; equals the file name without `.toml`.
    public var id: String
    /// One line: what happens.
    public var title: String
    /// The hazards it exercises (registry IDs).
    public var hazards: [String]
    /// The runner that executes it.
    public var runner: ScenarioRunnerKind
    /// How long to run, seconds of pump (virtual) time from the start command.
    public var durationSeconds: Double
    /// The program to start at t = 0.
    public var program: ScenarioProgram
    /// Plant settings that differ from the defaults.
    public var plant: ScenarioPlant
    /// Faults and actions, in time order.
    public var timeline: [ScenarioAction]
    /// What must hold.
    public var expect: ScenarioExpectation
    /// Supervisor checks that, when disabled, must make this scenario fail (sensitivity; empty: not checked).
    public var sensitivityDisable: [SafetyCheck]
    /// Power-loss campaign parameters (runner `campaign` only).
    public var campaign: CampaignParameters?
    /// The file it came from (file name only).
    public var file: String

    public var description: String { id }
}

/// The program a scenario starts (validated through the bundled drug and syringe libraries).
public struct ScenarioProgram: Sendable, Equatable {
    /// Drug name in the library.
    public var drug = "ketamine"
    /// Profile id (mood, pain).
    public var profile = "mood"
    /// Actual body weight, kg.
    public var weightKg = 70.0
    /// Total dose, mg/kg (total-dose profiles).
    public var doseMgPerKg: Double?
    /// Dose rate, mg/kg/h (continuous-rate profiles).
    public var rateMgPerKgPerH: Double?
    /// Duration, minutes.
    public var durationMin: Double?
    /// Concentration in the syringe, mg/mL.
    public var concentrationMgPerMl = 1.0
    /// Syringe id in the library.
    public var syringe = "bd-50"
    /// Reason for exceeding a soft limit, if any.
    public var overrideReason: String?
    /// Ketamine mood, 70 kg, 1 mg/mL, BD 50 mL; dose and duration come from the file.
    public init() {}
}

/// Plant settings for a scenario.
public struct ScenarioPlant: Sendable, Equatable {
    /// Volume loaded in the syringe (nil: its nominal volume).
    public var fillML: Double?
    /// True volume per step ÷ nominal (a syringe that is not what the library says).
    public var syringeVolumeFactor = 1.0
    /// The default plant (full syringe, nominal geometry).
    public init() {}
}

/// One timeline entry.
public struct ScenarioAction: Sendable, Equatable {
    /// Seconds after the start command.
    public var atSeconds: Double
    /// What happens.
    public var kind: ScenarioActionKind
}

/// The faults and actions a timeline can hold. The `kind` strings of the file format are in `ScenarioLoader`.
public enum ScenarioActionKind: Sendable, Equatable {
    /// A plant fault (occlusion, stall, lost steps, disengage, stuck sensor, GPIO failure, e-stop button …).
    case fault(SimulatedFault)
    /// The e-stop command.
    case estop
    /// Nurse commands.
    case pause, resume, stop
    /// Acknowledge one alarm code (nil: all); `expectRefused` says it must be refused.
    case acknowledge(AlarmCode?, expectRefused: Bool)
    /// A titration, re-validated by the planner; `expectRefused` says the planner or engine must refuse it.
    case titrate(TitrationChange, overrideReason: String?, expectRefused: Bool)
    /// A second start while the infusion is open (must be refused).
    case startAgain
    /// The control loop hangs: no control tick for `seconds` (the step emitter keeps its timers).
    case loopHang(seconds: Double)
    /// Every callback scheduled during `seconds` runs `latenessMS` late (CPU starvation burst).
    case latenessBurst(seconds: Double, latenessMS: Double)
    /// Planner fault: the controller commands `multiplier` × its rate.
    case plannerRateFault(multiplier: Double)
    /// Planner fault: the controller's target is raised by `extraML` beyond the plan.
    case plannerTargetFault(extraML: Double)
    /// The wall clock jumps by `seconds` (daemon runner: display and journal time only).
    case wallClockJump(seconds: Double)
    /// The journal's storage is full from now on (daemon runner).
    case journalDiskFull
    /// A vital-sign reading is entered (systolic/diastolic mmHg, heart rate /min, SpO2 %).
    case vitals(systolic: Double, diastolic: Double, heartRate: Double, oxygenSaturation: Double)
}

/// The expected outcome.
public struct ScenarioExpectation: Sendable, Equatable {
    /// The program (or the start) must be refused; nothing may move.
    public var refused = false
    /// Alarm codes that must have been raised.
    public var alarms: [AlarmCode] = []
    /// The first of `alarms` must be raised by this time (seconds after start).
    public var alarmBySeconds: Double?
    /// No delivery-stopping alarm may be raised.
    public var noStoppingAlarm = false
    /// Final state.
    public var state: PumpState?
    /// Lower bound on the volume the plunger really pushed out (plant truth), mL.
    public var deliveredMinML: Double?
    /// Upper bound on the volume the plunger really pushed out (plant truth), mL.
    public var deliveredMaxML: Double?
    /// Final ENABLE line.
    public var motorEnabled: Bool?
    /// After the first delivery-stopping alarm the plunger never moves forward again.
    public var noStepsAfterTrip = false
    /// Bolus after the last occlusion release at most this (mL).
    public var bolusMaxML: Double?
    /// No expectation at all (the loader fills in the file's).
    public init() {}
}

/// Parameters of the power-loss campaign.
public struct CampaignParameters: Sendable, Equatable {
    /// SIGKILLs in the CI run (`PUMP_POWER_LOSS_KILLS` overrides it for long runs).
    public var kills: Int
    /// Seed of the random kill points and decisions.
    public var seed: UInt64
    /// Simulation speed of pumpd.
    public var simSpeed: Double
    /// Random delay before each kill, real milliseconds: uniform in 0…maxDelayMS.
    public var maxDelayMS: Double
    /// Real milliseconds to watch after each restart that nothing moves.
    public var observeMS: Double
}
