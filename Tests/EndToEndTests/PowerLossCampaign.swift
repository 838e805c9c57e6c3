// The power-loss campaign (HAZ-010, HAZ-003): the real pumpd (simulator backend, high speed) is killed with
// SIGKILL at seeded random points across infusions and restarted each time. Kill points: right after a command
// returned, after a random delay while infusing, or while a start/resume command is still in flight.
//
// After every restart, from the daemon's own reports (which come from the journal's last checkpoint):
//   1. the pump is never running: an open session comes back `interrupted`, the motor is off;
//   2. watched for `observeMS`, nothing moves (delivered, state and ENABLE unchanged): never resumes by itself;
//   3. the known delivered volume is at most the target;
//   4. what the daemon counted as delivered before the kill (known + uncertainty) is within what it counts
//      after the restart (known + stated uncertainty): a restart never forgets delivered drug, so the remaining
//      dose of a resumed continuation can never push the total past the target;
//   5. a session that completes (after any number of kills and resumes) reports delivered <= target; one that
//      was running before the kill and comes back idle must have a completion (or stop) event in the journal.
// A zero stated uncertainty is accepted: it is correct when the session was not infusing at its last checkpoint
// (e.g. killed while interrupted); whether delivery went unrecorded is what (4) checks.
// The simulated plant dies with the process, so the plant's truth is not available across a kill; (4) is the
// bound the journal gives.
import Foundation
import PumpProtocol
import PumpScenarios
#if canImport(Glibc)
import Glibc
#endif

/// SplitMix64: a tiny seeded generator so every campaign is reproducible from its seed.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// What a campaign measured.
struct CampaignResult: CustomStringConvertible {
    var kills = 0
    var infusionsStarted = 0
    var resumes = 0
    var completed = 0
    var recoveredInterrupted = 0
    var killsInFlight = 0
    /// Infusions the daemon stopped with heartbeat-missed because this machine starved its control loop.
    var heartbeatTrips = 0
    var maxKnownOverTargetML = -Double.infinity
    var maxUncertaintyML = 0.0
    var restartSeconds: [Double] = []
    var violations: [String] = []
    var wallSeconds = 0.0

    var description: String {
        let sorted = restartSeconds.sorted()
        let p50 = sorted.isEmpty ? 0 : sorted[sorted.count / 2]
        let max = sorted.last ?? 0
        return String(format: "%d kills (%d in flight), %d infusions started, %d resume-interrupted, %d completed, %d came back interrupted, %d heartbeat trips (machine load); max(known - target) = %.4f mL; max stated uncertainty %.4f mL; restart p50 %.2f s, max %.2f s; %d violations; %.1f s wall",
                      kills, killsInFlight, infusionsStarted, resumes, completed, recoveredInterrupted, heartbeatTrips,
                      maxKnownOverTargetML, maxUncertaintyML, p50, max, violations.count, wallSeconds)
    }
}

/// Runs the campaign described by a `campaign` scenario.
final class PowerLossCampaign {
    let parameters: CampaignParameters
    let program: ScenarioProgram
    let kills: Int
    private var rng: SeededGenerator
    private var patient = 0

    init(_ scenario: Scenario, kills: Int? = nil) throws {
        guard let parameters = scenario.campaign else { throw HarnessError("\(scenario.id) has no [campaign] table") }
        self.parameters = parameters
        program = scenario.program
        self.kills = kills ?? parameters.kills
        rng = SeededGenerator(seed: parameters.seed)
    }

    private func startArguments() -> [String] {
        patient += 1
        var arguments = ["start", "--drug", program.drug, "--profile", program.profile, "--weight-kg", "\(program.weightKg)",
                         "--concentration-mg-per-ml", "\(program.concentrationMgPerMl)", "--syringe", program.syringe,
                         "--patient-id", "PL-\(parameters.seed)-\(patient)", "--yes"]
        if let dose = program.doseMgPerKg { arguments += ["--dose-mg-per-kg", "\(dose)"] }
        if let minutes = program.durationMin { arguments += ["--duration-min", "\(minutes)"] }
        if let rate = program.rateMgPerKgPerH { arguments += ["--rate-mg-per-kg-per-h", "\(rate)"] }
        return arguments
    }

    func run() throws -> CampaignResult {
        var result = CampaignResult()
        let began = Date()
        let daemon = try DaemonHarness(speed: parameters.simSpeed)
        try daemon.start()
        defer { daemon.stop() }
        for index in 0..<kills {
            func fail(_ message: String) { result.violations.append("kill \(index + 1): \(message)") }
            // Bring the pump to an infusion (or a command in flight), then kill it.
            let status = try daemon.status()
            var command: [String]?
            switch status.state {
            case .interrupted:
                if Double.random(in: 0..<1, using: &rng) < 0.1 {
                    if daemon.ctl(["stop"]).status != 0 { fail("stop of an interrupted session was refused") }
                    command = startArguments()
                } else {
                    command = ["resume-interrupted", "--yes"]
                }
            case .running:
                command = nil
            case .idle, .completed, .stopped:
                if status.state == .completed {
                    result.completed += 1
                    if status.deliveredMl > status.targetMl + 1e-9 {
                        fail(String(format: "completed with %.6f mL of a %.6f mL target", status.deliveredMl, status.targetMl))
                    }
                }
                command = startArguments()
            case .alarm where status.alarms.allSatisfy({ $0.code == "heartbeat-missed" || $0.priority != .high }):
                // The control loop was starved on this shared machine and the daemon stopped, as designed.
                result.heartbeatTrips += 1
                _ = daemon.ctl(["stop"])
                command = startArguments()
            case .alarm, .paused, .awaitingCheck:
                fail("unexpected state \(status.state.rawValue) (alarms: \(status.alarms.map(\.code)))")
                _ = daemon.ctl(["stop"])
                command = startArguments()
            }
            var before: StatusReport?
            let inFlight = command != nil && Double.random(in: 0..<1, using: &rng) < 0.2
            if let command, inFlight {
                // Kill while the command is still being handled (journal writes in progress).
                // The client must have exited before the restart, or it could deliver its command to the new
                // daemon (that would be an explicit command, not a resumption by itself).
                let socket = daemon.socket
                let exited = DispatchSemaphore(value: 0)
                let thread = Thread {
                    _ = runPumpctl(command, socket: socket)
                    exited.signal()
                }
                thread.start()
                usleep(UInt32(Double.random(in: 0...40, using: &rng) * 1000))
                daemon.kill9()
                result.killsInFlight += 1
                exited.wait()
            } else {
                if let command {
                    let answer = daemon.ctl(command)
                    if answer.status != 0 {
                        fail("\(command[0]) refused: \(answer.stderr.trimmingCharacters(in: .whitespacesAndNewlines))")
                    }
                    if command[0] == "start" { result.infusionsStarted += 1 } else { result.resumes += 1 }
                }
                usleep(UInt32(Double.random(in: 0...parameters.maxDelayMS, using: &rng) * 1000))
                before = try? daemon.status()
                daemon.kill9()
            }
            result.kills += 1
            let restartBegan = Date()
            try daemon.start()
            result.restartSeconds.append(Date().timeIntervalSince(restartBegan))
            let after = try daemon.status()
            for problem in check(after, before: before, &result) { fail(problem) }
            if let before, before.state == .running, after.state == .idle {
                // A closed session is not restored: the infusion must have completed (or been stopped) and the
                // journal must say so.
                if try sessionClosedInJournal(daemon, session: before.sessionId) {
                    result.completed += 1
                } else {
                    fail("a running infusion came back idle and the journal shows no completion for it")
                }
            }
            usleep(UInt32(parameters.observeMS * 1000))
            let later = try daemon.status()
            if later.state != after.state || abs(later.deliveredMl - after.deliveredMl) > 1e-12 || later.motorEnabled {
                fail(String(format: "moved by itself after the restart: %@ %.6f mL -> %@ %.6f mL, motor %@", after.state.rawValue,
                            after.deliveredMl, later.state.rawValue, later.deliveredMl, later.motorEnabled ? "on" : "off"))
            }
        }
        result.wallSeconds = Date().timeIntervalSince(began)
        return result
    }

    /// Whether the journal holds a completion or stop event for `session` (structured event kind, not text).
    private func sessionClosedInJournal(_ daemon: DaemonHarness, session: String?) throws -> Bool {
        let answer = daemon.ctl(["log", "--limit", "50", "--raw"])
        guard answer.status == 0, let line = answer.stdout.split(separator: "\n").last,
              case .success(let response) = LineCodec.decodeResponse(Data(line.utf8)),
              case .log(let entries)? = response.result else {
            throw HarnessError("log failed: \(answer.stderr)")
        }
        return entries.contains { $0.sessionId == session && ($0.event == "completion" || $0.event == "stop") }
    }

    /// Checks one restart; returns the problems found (and updates the statistics in `result`).
    private func check(_ after: StatusReport, before: StatusReport?, _ result: inout CampaignResult) -> [String] {
        var problems: [String] = []
        func fail(_ message: String) { problems.append(message) }
        if after.state == .interrupted { result.recoveredInterrupted += 1 }
        if ![.interrupted, .idle, .completed, .stopped].contains(after.state) {
            fail("came back \(after.state.rawValue), not interrupted")
        }
        if after.motorEnabled { fail("ENABLE on after the restart") }
        if before?.state == .running, ![.interrupted, .completed, .idle].contains(after.state) {
            fail("a running infusion came back \(after.state.rawValue)")
        }
        if after.state == .interrupted {
            result.maxKnownOverTargetML = max(result.maxKnownOverTargetML, after.deliveredMl - after.targetMl)
            result.maxUncertaintyML = max(result.maxUncertaintyML, after.deliveredUncertaintyMl)
            if after.deliveredMl > after.targetMl + 1e-9 {
                fail(String(format: "known delivered %.6f mL exceeds the target %.6f mL", after.deliveredMl, after.targetMl))
            }
        }
        if let before, before.state == .running, before.sessionId == after.sessionId {
            let counted = before.deliveredMl + before.deliveredUncertaintyMl
            let recovered = after.deliveredMl + after.deliveredUncertaintyMl
            if counted > recovered + 1e-6 {
                fail(String(format: "counted %.6f mL before the kill but only %.6f mL (known + uncertainty) after it", counted, recovered))
            }
        }
        return problems
    }
}
