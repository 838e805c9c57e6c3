/*
 * MUTANT (must fail verification): the "retracting blocks arming" guard of arm() is removed.
 * Promela model of the pump engine, the motor gate and the delivery lease (Debian `spin`; scripts/verify-model.sh).
 *
 * It mirrors Sources/PumpControl/InfusionEngine.swift, EngineTransitions.swift and Sources/PumpCore/Safety/
 * (MotorGate, SafetySupervisor, +BackOff): one process issues the nurse's commands in any order, one injects
 * faults (occlusion, e-stop button, any other latching alarm), one is the occlusion back-off loop, one the motor
 * (steps while infusing), one the journal that makes a requested lease durable. Counts are bounded small
 * (target 3 steps) so the state space is explored exhaustively.
 *
 * Every state change of the engine goes through T(FROM, CAUSE, TO); EngineModelTests parses these lines and
 * compares them with EngineTransitions.table, so the model and the Swift table cannot drift.
 *
 * Properties (LTL, verified one by one with `pan -a -N name`):
 *   no_step_while_latched  a step is never emitted while an alarm is latched
 *   never_infusing_while_backing_off   the gate is never infusing while a back-off episode is in progress
 *   running_only_by_command            the state enters running only by start, resume or resume-interrupted
 *   estop_motor_off        from an e-stop until it is acknowledged the motor mode is off
 *   lease_never_passed     delivered steps never exceed the durably journaled lease ceiling
 *   target_never_passed    delivered steps never exceed the programmed target
 */

#define TARGET 3

mtype = { IDLE, RUNNING, PAUSED, ALARM, INTERRUPTED, COMPLETED, STOPPED };          /* PumpState */
mtype = { OFF, INFUSING, RETRACTING };                                            /* MotorMode */
mtype = { START, PAUSE, RESUME, STOP, TRIP, ACKNOWLEDGE, COMPLETE, RESTORE_INTERRUPTED, RESUME_INTERRUPTED, NONE };

mtype state = IDLE;
mtype mode = OFF;
mtype cause = NONE;          /* cause of the last state change */
bool enteredRunning = false; /* the last state change entered running from another state */
bool latched = false;        /* any latching alarm */
bool occlusionLatched = false;
bool estopLatched = false;
bool backingOff = false;     /* the engine's back-off loop is active */
bool stepped = false;        /* a step was just emitted (for the LTL) */
bool steppedWhileLatched = false;
byte delivered = 0;
byte ceiling = 0;            /* the supervisor's lease ceiling */
byte durable = 0;            /* the highest ceiling on disk */
byte requested = 0;          /* a lease request in flight (0: none) */
byte generation = 0;         /* lease generation: every arm, disarm and trip */
byte requestedGeneration = 0;
bool sessionOpen = false;
bool interruptedOnce = false;

/* A state change through the transition table only (EngineTransitions). */
#define T(FROM, CAUSE, TO) (state == FROM) -> atomic { enteredRunning = (TO == RUNNING && FROM != RUNNING); cause = CAUSE; state = TO }

/* The supervisor: latch = ENABLE off first, gate off, lease revoked. */
inline latch(isOcclusion, isEstop) {
    mode = OFF; latched = true; generation = (generation + 1) % 4; ceiling = delivered;
    if :: isOcclusion -> occlusionLatched = true :: else -> skip fi;
    if :: isEstop -> estopLatched = true :: else -> skip fi
}

/* The engine's reaction to a trip (handleTrip): an open session (not interrupted) goes to alarm. */
inline onTrip() {
    if
    :: T(RUNNING, TRIP, ALARM)
    :: T(PAUSED, TRIP, ALARM)
    :: T(ALARM, TRIP, ALARM)
    :: else -> skip
    fi
}

/* arm(): refused while latched or while retracting ("retracting blocks arming": the gate is retracting, or the
 * engine's back-off episode has not ended yet), then DIR infuse + ENABLE. */
#define RETRACTING_BLOCKS_ARMING (mode != RETRACTING && !backingOff)
inline arm(ok) {
    if
    :: !latched -> mode = INFUSING; generation = (generation + 1) % 4; ceiling = delivered; ok = true
    :: else -> ok = false
    fi
}

inline disarm() {
    if :: mode == INFUSING -> mode = OFF; generation = (generation + 1) % 4; ceiling = delivered :: else -> skip fi
}

proctype Nurse() {
    bool ok;
    do
    :: atomic { !sessionOpen && (state == IDLE || state == COMPLETED || state == STOPPED) ->
           arm(ok);
           if
           :: ok -> delivered = 0; ceiling = 0; durable = 0; sessionOpen = true;
                    if :: T(IDLE, START, RUNNING) :: T(COMPLETED, START, RUNNING) :: T(STOPPED, START, RUNNING) fi
           :: else -> skip
           fi }
    :: atomic { state == RUNNING -> disarm(); T(RUNNING, PAUSE, PAUSED) }
    :: atomic { state == PAUSED -> arm(ok); if :: ok -> T(PAUSED, RESUME, RUNNING) :: else -> skip fi }
    :: atomic { sessionOpen -> disarm();
           if :: T(RUNNING, STOP, STOPPED) :: T(PAUSED, STOP, STOPPED) :: T(ALARM, STOP, STOPPED) :: T(INTERRUPTED, STOP, STOPPED) fi;
           sessionOpen = false }
    :: atomic { latched -> /* ack: every blocking input clear (the fault process clears its inputs) */
           latched = false; occlusionLatched = false; estopLatched = false;
           if :: T(ALARM, ACKNOWLEDGE, PAUSED) :: else -> skip fi }
    :: atomic { state == INTERRUPTED -> arm(ok); if :: ok -> T(INTERRUPTED, RESUME_INTERRUPTED, RUNNING) :: else -> skip fi }
    :: atomic { !interruptedOnce && sessionOpen -> /* kill -9 and restart: a new engine (idle, gate off, no back-off,
           no lease in flight) restores the open session as interrupted; latches are journaled, so they stay */
           interruptedOnce = true; mode = OFF; backingOff = false; ceiling = delivered; requested = 0;
           generation = (generation + 1) % 4; state = IDLE; cause = NONE; enteredRunning = false;
           T(IDLE, RESTORE_INTERRUPTED, INTERRUPTED) }
    :: atomic { estopLatched == false -> /* estop command: ENABLE off first, then latch */ latch(false, true); onTrip() }
    od
}

proctype Faults() {
    do
    :: atomic { mode == INFUSING -> latch(true, false); onTrip() }   /* occlusion: the back-off may start */
    :: atomic { mode != OFF -> latch(false, false); onTrip() }       /* any other latching alarm, any mode */
    od
}

/* The engine's back-off loop: begins only with an occlusion latched and the gate off; steps while retracting. */
proctype BackOff() {
    do
    :: atomic { occlusionLatched && !estopLatched && mode == OFF && !backingOff -> mode = RETRACTING; backingOff = true }
    :: atomic { backingOff && mode == RETRACTING && delivered > 0 -> delivered-- }            /* a retract step */
    :: atomic { backingOff -> if :: mode == RETRACTING -> mode = OFF :: else -> skip fi; backingOff = false }
    od
}

/* The step emitter through the gate: only infusing, only under the lease and the target. */
proctype Motor() {
    do
    :: atomic { mode == INFUSING && delivered < ceiling && delivered < TARGET ->
           steppedWhileLatched = latched; delivered++; stepped = true }
    :: atomic { stepped -> stepped = false }
    :: atomic { mode == INFUSING && delivered == TARGET && state == RUNNING -> disarm(); T(RUNNING, COMPLETE, COMPLETED); sessionOpen = false }
    /* the lease: ask for one more step beyond the ceiling (the engine asks when half a window is left) */
    :: atomic { mode == INFUSING && requested == 0 && ceiling < TARGET -> requested = ceiling + 1; requestedGeneration = generation }
    od
}

proctype Journal() {
    do
    :: atomic { requested > 0 -> if :: requested > durable -> durable = requested :: else -> skip fi;
           /* the grant is honoured only in the generation it was asked for, and only while infusing */
           if :: requestedGeneration == generation && mode == INFUSING -> ceiling = requested :: else -> skip fi;
           requested = 0 }
    od
}

init {
    atomic { run Nurse(); run Faults(); run BackOff(); run Motor(); run Journal() }
}

ltl no_step_while_latched { [] !steppedWhileLatched }
ltl never_infusing_while_backing_off { [] !(mode == INFUSING && backingOff) }
ltl running_only_by_command { [] (enteredRunning -> (cause == START || cause == RESUME || cause == RESUME_INTERRUPTED)) }
ltl estop_motor_off { [] (estopLatched -> mode == OFF) }
ltl lease_never_passed { [] (delivered <= durable) }
ltl target_never_passed { [] (delivered <= TARGET) }
