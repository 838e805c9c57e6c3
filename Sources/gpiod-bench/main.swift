// gpiod-bench: drives GPIODPump directly on the gpio-sim bench chip (hw-sim/bench), for the driver-level
// scenarios pumpd cannot show (a refused step inside the settle time, DIR switched before a retract step, the
// kill -9 sensitivity run); the daemon scenarios run `pumpd --backend gpiod` itself. Prints greppable `BENCH key=value` lines with CLOCK_MONOTONIC times (ns),
// which the plant (hw-sim/bench/plant/plant.c) shares because both run in the same guest.
//
//   gpiod-bench run    [--chip C] [--count N] [--rate HZ] [--retract-count M] [--stop-on-event] [--forever]
//       open, wait out the input debounce, DIR, ENABLE, first step 3 ms after ENABLE (settle time 2 ms),
//       N infuse steps then M retract steps on an absolute schedule, disable, close. --stop-on-event: an
//       input event's handler de-asserts ENABLE (as the supervisor will) and the loop stops. --forever:
//       steps until killed (the kill -9 scenario).
//   gpiod-bench settle [--chip C]
//       one correct step (warm-up), then enable and step at once: that step must be refused (< 2 ms
//       settle) and ENABLE de-asserted.
import Foundation
import GPIODBackend
import PumpCore
#if canImport(Glibc)
import Glibc
#endif

func nowNs() -> Int64 {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Int64(ts.tv_sec) * 1_000_000_000 + Int64(ts.tv_nsec)
}

func sleepUntil(_ ns: Int64) {
    var ts = timespec(tv_sec: Int(ns / 1_000_000_000), tv_nsec: Int(ns % 1_000_000_000))
    while clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, nil) == EINTR {}
}

func say(_ line: String) {
    FileHandle.standardOutput.write(Data("BENCH \(line)\n".utf8))
}

/// What the input handler saw, shared with the step loop.
final class EventLog: @unchecked Sendable {
    private let lock = NSLock()
    private var events: [(PumpInputEvent, Int64)] = []
    func record(_ e: PumpInputEvent, at t: Int64) { lock.withLock { events.append((e, t)) } }
    var first: (PumpInputEvent, Int64)? { lock.withLock { events.first } }
}

struct Options {
    var mode = "run"
    var chip = "gpiochip0"
    var count = 1000
    var rate = 1000.0
    var retractCount = 0
    var stopOnEvent = false
    var forever = false

    init(_ args: [String]) throws {
        var it = args.makeIterator()
        if let m = it.next() { mode = m }
        func value(_ name: String) throws -> String {
            guard let v = it.next() else { throw BenchError("missing value for \(name)") }
            return v
        }
        while let a = it.next() {
            switch a {
            case "--chip": chip = try value(a)
            case "--count": count = Int(try value(a)) ?? -1
            case "--rate": rate = Double(try value(a)) ?? -1
            case "--retract-count": retractCount = Int(try value(a)) ?? -1
            case "--stop-on-event": stopOnEvent = true
            case "--forever": forever = true
            default: throw BenchError("unknown argument \(a)")
            }
        }
        if count < 0 || retractCount < 0 || !(rate > 0 && rate <= 20_000) { throw BenchError("bad count or rate") }
    }
}

struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}

/// The default pin map on the bench chip. Inputs leave the bias as it is: gpio-sim implements bias by
/// setting its simulated pull, which is the plant's job here.
func benchPinMap(chip: String) -> GPIOPinMap {
    var map = GPIOPinMap.default
    map.chip = chip
    map.consumer = "gpiod-bench"
    for kp in [\GPIOPinMap.emergencyStop, \.syringePresent, \.plungerClamped, \.endOfTravel] {
        map[keyPath: kp].bias = .asIs
    }
    map.occlusionSwitch?.bias = .asIs
    return map
}

func openPump(_ o: Options) throws -> GPIODPump {
    let pump = try GPIODPump(pinMap: benchPinMap(chip: o.chip))
    say("opened_ns=\(nowNs()) chip=\(o.chip)")
    // Safe input levels are believed only after their debounce interval (20 ms).
    usleep(60_000)
    let inputs = try pump.readInputs()
    say("inputs estop=\(inputs.emergencyStopPressed) syringe=\(inputs.syringePresent) clamped=\(inputs.plungerClamped) eot=\(inputs.endOfTravel) occlusion=\(inputs.occlusionSwitch)")
    try pump.setAlarmIndication(.normal)
    return pump
}

func run(_ o: Options) throws {
    let pump = try openPump(o)
    let log = EventLog()
    pump.inputEventHandler = { [o] event in
        let t = nowNs()
        log.record(event, at: t)
        if o.stopOnEvent { try? pump.setMotorEnabled(false) }  // what the supervisor's e-stop does first
    }
    try pump.setDirection(.infuse)
    try pump.setMotorEnabled(true)
    // The settle time runs from when setMotorEnabled(true) returns.
    let enableNs = nowNs()
    say("enable_ns=\(enableNs) pid=\(getpid())")
    let period = 1e9 / o.rate
    let first = enableNs + Int64(StepTimingGuard.enableSettleTime.nanoseconds) + 1_000_000
    var emitted = 0
    var stoppedBy = "count"
    let total = o.count + o.retractCount
    while o.forever || emitted < total {
        if o.stopOnEvent, log.first != nil { stoppedBy = "event"; break }
        sleepUntil(first + Int64((Double(emitted) * period).rounded()))
        // DIR right before the step: the backend must hold off the STEP edge for the DIR set-up time.
        if emitted == o.count && o.retractCount > 0 { try pump.setDirection(.retract) }
        do {
            try pump.emitStep()
        } catch {
            stoppedBy = "refused"
            say("step_error=\"\(error)\"")
            break
        }
        emitted += 1
    }
    let disableNs = nowNs()
    try pump.setMotorEnabled(false)
    let inputs = try? pump.readInputs()
    let event = log.first
    say("done steps=\(emitted) backend_steps=\(pump.stepCount) stopped_by=\(stoppedBy) event=\(event.map { "\($0.0)" } ?? "none") event_ns=\(event?.1 ?? 0) disable_ns=\(disableNs) estop_input=\(inputs?.emergencyStopPressed ?? false) syringe_input=\(inputs?.syringePresent ?? true)")
    say("close_ns=\(nowNs())")
    pump.close()
}

func settle(_ o: Options) throws {
    let pump = try openPump(o)
    // Warm-up cycle (one correct step) so the refused step below is not slowed by first-call costs.
    try pump.setMotorEnabled(true)
    sleepUntil(nowNs() + 3_000_000)
    try pump.emitStep()
    try pump.setMotorEnabled(false)
    try pump.setMotorEnabled(true)
    var refusal = "none"
    do { try pump.emitStep() } catch { refusal = "\(error)" }
    say("settle refusal=\"\(refusal)\" backend_steps=\(pump.stepCount)")
    say("close_ns=\(nowNs())")
    pump.close()
}

do {
    let o = try Options(Array(CommandLine.arguments.dropFirst()))
    switch o.mode {
    case "run": try run(o)
    case "settle": try settle(o)
    default: throw BenchError("unknown mode \(o.mode)")
    }
} catch {
    say("error=\"\(error)\"")
    exit(1)
}
