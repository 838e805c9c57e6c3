// The syringe-and-line hydraulics: one compliance C discharging through one resistance R into a vein at
// pressure P_v. Event-driven and exact: there is no integration time step.
//
// Equations (P in mmHg, V in µL, t in s, τ = R·C):
//   a forward step of true volume ΔV:   P ← P + ΔV/C                       (instantaneous)
//   a retraction of ΔV:                 P ← max(P_floor, P − ΔV/C)           (instantaneous)
//   between events, if P > P_v, open:   P(t) = P_v + (P₀ − P_v)·e^(−(t−t₀)/τ)
//   outflow to the patient:             Q(t) = (P(t) − P_v)/R
//   delivered over [t₀, t]:             ∫Q dt = C·(P₀ − P(t)) = C·(P₀ − P_v)·(1 − e^(−(t−t₀)/τ))
//   occluded (R → ∞):                   P constant, Q = 0
//
// Choices and invariants:
// - No backflow: when P ≤ P_v nothing flows either way (blood entering the cannula is not modelled), so the
//   delivered volume never decreases. A retraction below P_v therefore holds the line at the lower pressure.
// - The pressure floor (default 0 mmHg gauge) stands for the fluid column refusing to go into tension: volume
//   retracted beyond it is not tracked by the line (the stopper simply unloads no further).
// - The model is time-invariant, so advancing in several pieces equals advancing once (up to rounding).
// - The line starts primed and at rest: P = P_v, nothing delivered.
import Foundation
import PumpCore

/// The compliance-resistance line model. A value type: the owner serialises access.
struct LineModel: Sendable {
    /// C in µL/mmHg.
    let compliance: Double
    /// R in mmHg·s/µL.
    let resistance: Double
    /// P_v in mmHg.
    let venousPressure: Double
    /// P_floor in mmHg.
    let pressureFloor: Double

    /// Line pressure at `time`, mmHg.
    private(set) var pressure: Double
    /// The instant the state refers to.
    private(set) var time: MonotonicInstant
    /// Volume that has left the compliance into the patient up to `time`, µL.
    private(set) var delivered: Double = 0
    /// R is infinite: nothing leaves the line.
    var occluded = false

    init(compliance: Double, resistance: Double, venousPressure: Double, pressureFloor: Double, start: MonotonicInstant) {
        self.compliance = compliance
        self.resistance = resistance
        self.venousPressure = venousPressure
        self.pressureFloor = pressureFloor
        self.pressure = venousPressure
        self.time = start
    }

    /// τ = R·C in seconds.
    var timeConstant: Double { resistance * compliance }

    /// The volume stored in the compliance above venous pressure, C·(P − P_v), in µL (negative below P_v).
    var storedVolume: Double { compliance * (pressure - venousPressure) }

    /// Pressure and delivered volume at `instant` (≥ `time`) without changing the state.
    func state(at instant: MonotonicInstant) -> (pressure: Double, delivered: Double) {
        let seconds = (instant - time).seconds
        guard seconds > 0, !occluded, pressure > venousPressure, timeConstant > 0 else {
            return (pressure, delivered)
        }
        let excess = pressure - venousPressure
        // −expm1(−x) = 1 − e^(−x), accurate for the tiny x between closely spaced steps.
        let released = excess * -expm1(-seconds / timeConstant)
        return (pressure - released, delivered + compliance * released)
    }

    /// Moves the state to `instant`; an earlier instant is ignored (time never runs backwards).
    mutating func advance(to instant: MonotonicInstant) {
        guard instant > time else { return }
        (pressure, delivered) = state(at: instant)
        time = instant
    }

    /// Pushes `microliters` into the compliance (negative: pulls it out), at the current `time`.
    mutating func displace(_ microliters: Double) {
        pressure = max(pressureFloor, pressure + microliters / compliance)
    }
}
