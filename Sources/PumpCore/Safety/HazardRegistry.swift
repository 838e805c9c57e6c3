// The hazard registry: one row per hazard with its cause and mitigation. Verifying tests carry the hazard ID
// at the start of their display name (`@Test("HAZ-004: …")`); `HazardCoverageTests` fails when a hazard has
// no test or a test names an unknown hazard. Mitigation sites in the code are marked `// HAZ-00x:`.
import Foundation

/// A hazard the design must mitigate.
public struct Hazard: Sendable, Equatable, Identifiable {
    /// Stable identifier, e.g. "HAZ-001".
    public var id: String
    /// What goes wrong for the patient.
    public var title: String
    /// How it can happen.
    public var cause: String
    /// What the software does about it.
    public var mitigation: String
}

/// Every hazard, in ID order.
public enum HazardRegistry {
    /// The registered hazards.
    public static let all: [Hazard] = [
        Hazard(id: "HAZ-001", title: "Over-infusion from a programming error",
               cause: "Wrong weight, dose, concentration, unit or decimal (41.7 vs 4.17 mL/h); limits from a drug library file that was altered, corrupted or never approved.",
               mitigation: "Typed units; every request number bounded before any conversion (a refusal names field, value and range; conversions saturate, never trap); drug-library hard limits reject, soft limits need a logged reason; the computed program is shown in every unit and confirmed; the supervisor derives its own rate cap from the raw request and its own library load; the library files are named by version and SHA-256 in status, the journal and every report, both loads must have read the same bytes, and with library_signature = \"required\" an unsigned, tampered or unknown-key library (or one changed on disk since it was loaded) raises library-invalid (high) and refuses programming and starting."),
        Hazard(id: "HAZ-002", title: "Cumulative dose or volume above the session cap",
               cause: "Planner fault, repeated titration, catch-up after pauses.",
               mitigation: "The motor gate holds the programmed target and trips target-exceeded on the first step past it; the supervisor counts its own steps against a session cap it derives from the raw request and its own library load, and trips before the cap is exceeded."),
        Hazard(id: "HAZ-003", title: "Motor runs uncontrolled after a crash or hang",
               cause: "Process crash, kill, hang, reboot.",
               mitigation: "ENABLE is de-asserted at start, on every exit path and on every trip; the hardware pulls ENABLE to disabled; the control loop has a watchdog."),
        Hazard(id: "HAZ-004", title: "Undetected occlusion and the bolus released after it",
               cause: "Kinked line, closed clamp, clotted cannula.",
               mitigation: "Pressure threshold and rising-pressure trend trip a high-priority alarm; the plunger backs off in the gate's retracting mode (own direction, budget and count; arming refused until it ends) to relieve pressure before release; after an occlusion the open-line baseline is kept, so a line still blocked re-alarms within ~0.05 mL."),
        Hazard(id: "HAZ-005", title: "Stall or lost steps (uncertain delivery)",
               cause: "Mechanical stall, missed pulses, GPIO write failure.",
               mitigation: "Commanded vs measured position compared every tick; any hardware error trips as uncertain delivery, never retried."),
        Hazard(id: "HAZ-006", title: "Plunger end of travel / empty syringe",
               cause: "Program larger than the syringe content, wrong fill.",
               mitigation: "Program must fit the syringe (volume + dead space); the end-of-travel input trips a high-priority alarm."),
        Hazard(id: "HAZ-007", title: "Wrong syringe geometry",
               cause: "Wrong syringe selected, library entry changed, bad calibration.",
               mitigation: "Syringe library with verified diameters; user files may add but never silently redefine an entry; calibration factors bounded; the syringe and calibration files are named by version and SHA-256 in every record, signature-checked like the drug library, and a file changed on disk since it was loaded blocks programming (library-invalid)."),
        Hazard(id: "HAZ-008", title: "Control-loop starvation or timer drift",
               cause: "CPU starvation, late timers, scheduler stalls.",
               mitigation: "Steps scheduled against absolute monotonic time with bounded catch-up, on a SCHED_FIFO step thread with clock_nanosleep(TIMER_ABSTIME) when permitted, and the control loop on its own SCHED_FIFO thread below it; the supervisor trips when the heartbeat is missed for more than two control periods."),
        Hazard(id: "HAZ-009", title: "Unauthorised or malformed command",
               cause: "Another local user, a buggy script, garbage on the socket.",
               mitigation: "Socket mode 0660 with group checks via SO_PEERCRED; strict versioned decoding with line limits; a bad client is disconnected without touching pump state."),
        Hazard(id: "HAZ-010", title: "Resumed or repeated dose after a restart",
               cause: "Crash, power loss, reboot, service restart.",
               mitigation: "Durable journal with checkpoints and a write-ahead delivery lease that never reaches past the target; latched alarms, acknowledges, vital signs and the plan revision are journaled and restored exactly; the daemon always comes up stopped (interrupted), states what is unknown and keeps it unknown across later crashes, and needs an explicit, logged decision refused while any restored latch stands or the newest vitals are out of range; one daemon per state directory; a new program within 12 h of the last needs an override reason."),
        Hazard(id: "HAZ-011", title: "Slow or incomplete emergency stop",
               cause: "E-stop handled behind other work, a failing handler.",
               mitigation: "Latching e-stop: ENABLE off first from any thread (an authorised estop command on the thread that decoded it, before queueing or journaling), then the gate closes, then bookkeeping; clearing needs an acknowledgement."),
        Hazard(id: "HAZ-012", title: "Wall-clock jump used for control",
               cause: "NTP step, manual clock change, RTC reset.",
               mitigation: "All control uses the monotonic clock; one infusing-elapsed duration (pauses excluded) is journaled and restored; wall time is only displayed, logged and used for the 12 h calendar rule, at marked lines a scan test checks in every module."),
        Hazard(id: "HAZ-013", title: "Syringe not clamped or removed mid-infusion (free flow)",
               cause: "Nurse removes the syringe, plunger clamp opens.",
               mitigation: "Syringe-present and plunger-clamp inputs block starting and trip a high-priority alarm mid-infusion."),
        Hazard(id: "HAZ-014", title: "Loss of the journal hides what was delivered",
               cause: "Full disk, corrupt database, I/O error.",
               mitigation: "SQLite WAL with synchronous=FULL; any journal error is an alarm that blocks starting and stops delivery."),
        Hazard(id: "HAZ-015", title: "Infusion continues through a haemodynamic or respiratory adverse reaction",
               cause: "Ketamine raises blood pressure (about +16/+11 mmHg at the end of 0.5 mg/kg over 40 min, with occasional severe surges); vital signs not checked, or checked and not acted on.",
               mitigation: "Vital-sign interlock with drug-library limits (defaults needing clinical sign-off): BP at or above the pre-start limit needs an override reason; a reading past a pause limit latches a high-priority alarm that stops delivery and cannot be acknowledged while the newest reading is still out of range; resuming is a separate command; stale vital signs raise a medium reminder; every reading and decision is journaled."),
    ]

    /// The hazard with `id`, if registered.
    public static func hazard(_ id: String) -> Hazard? { all.first { $0.id == id } }
}
