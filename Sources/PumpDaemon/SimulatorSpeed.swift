// How fast the simulator's clock may run (issue 11 item 8).
//
// At --sim-speed N every pump-time interval is N× shorter in real time: the reference program (35 mL over
// 40 min in a BD 50, 67 steps/s) needs 67·N timer wake-ups per real second, and a wake-up that is d late in real
// time is N·d late on the pump's clock. Two things keep the pump's clock honest below the maximum: the step
// emitter keeps up to 100× the lead it keeps at 1× (`EngineConfiguration.stepLeadScale`), so real-time lateness is caught
// up as at 1× instead of being dropped at the next retarget (before that, 100× ended 26 s late on a quiet host and
// 2,500× took 69 min); and the maximum, where the reference program still ends within one control period of its
// planned end on the 2-core CI machine with nothing else running (the end-to-end test at the maximum runs in
// every CI run). Above it pumpd refuses to start. A program whose step rate × speed needs more wake-ups than the
// reference program at the maximum (with the engine's 1.1× catch-up) is refused at start with the speed it needs.
// On a loaded host the pump's clock still stretches (measured with two parallel builds, load 12: 100× on time,
// 150× 23 s late, 200× 11 s late or heartbeat-missed): the limit is for bench runs on a quiet machine.
import Foundation

/// Limits of the simulator's sped-up clock.
public enum SimulatorSpeed {
    /// The most the step emitter's kept lead is scaled at a sped-up clock: 100 × 5 steps is 7.5 s of pump time
    /// at the reference rate (75 real ms at 100×). A larger lead, caught up at the emitter's burst rate, drives
    /// the simulated line pressure up steeply enough for the occlusion trend detector to alarm (seen at 200×:
    /// 1,000 steps caught up after a host stall raised a false occlusion); 20× was too little to keep time at
    /// 100× (37 s late under load 5).
    public static let maximumStepLeadScale: Double = 100

    /// The highest `--sim-speed` / `sim_speed`.
    public static let maximum: Double = 100

    /// The most steps per real second a program may need on the simulator: the reference program's 66.7
    /// steps/s at the maximum speed, with the engine's 1.1× catch-up on top.
    public static let maximumRealStepsPerSecond: Double = 66.7 * maximum * 1.1

    /// Why a program of `stepsPerSecond` (pump time) cannot keep time at `speed`, or nil when it can.
    public static func refusal(stepsPerSecond: Double, speed: Double) -> String? {
        guard speed > 1, stepsPerSecond > 0 else { return nil }
        let needed = stepsPerSecond * speed
        guard needed > maximumRealStepsPerSecond else { return nil }
        let fastest = max(1, (maximumRealStepsPerSecond / stepsPerSecond).rounded(.down))
        return String(format: "At --sim-speed %g this program needs %.0f steps per real second, more than the simulator keeps time at (%.0f); restart pumpd with --sim-speed %g or less.",
                      speed, needed, maximumRealStepsPerSecond, fastest)
    }
}
