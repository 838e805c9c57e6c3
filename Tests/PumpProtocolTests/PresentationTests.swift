import Foundation
import Testing
@testable import PumpProtocol

@Suite("Human text: every number with its unit and the right precision")
struct PresentationTests {
    @Test("HAZ-001: quantities print with 2 decimals and their unit, never -0.00 or nan")
    func quantityFormat() {
        #expect(QuantityFormat.mg(35) == "35.00 mg")
        #expect(QuantityFormat.ml(17.5) == "17.50 mL")
        #expect(QuantityFormat.mlPerH(26.25) == "26.25 mL/h")
        #expect(QuantityFormat.mlPerH(4.17) == "4.17 mL/h")
        #expect(QuantityFormat.mlPerH(41.7) == "41.70 mL/h")
        #expect(QuantityFormat.mgPerKgPerH(0.75) == "0.75 mg/kg/h")
        #expect(QuantityFormat.mgPerKg(0.5) == "0.50 mg/kg")
        #expect(QuantityFormat.kg(70) == "70.0 kg")
        #expect(QuantityFormat.mg(-0.001) == "0.00 mg")
        #expect(QuantityFormat.mg(0.125) == "0.13 mg")
        #expect(QuantityFormat.mg(2.675) == "2.68 mg") // as typed, although 2.67499999… in binary
        #expect(QuantityFormat.mg(123_456.785) == "123456.79 mg")
        #expect(QuantityFormat.fixed(0.121, 2, rounding: .up) == "0.13")
        #expect(QuantityFormat.fixed(0.1 + 0.2, 2, rounding: .up) == "0.30")
        #expect(QuantityFormat.fixed(1e300, 2).hasPrefix("1000000"))
        #expect(QuantityFormat.mg(.nan) == "-- mg")
        #expect(QuantityFormat.mlPerH(.infinity) == "-- mL/h")
        #expect(QuantityFormat.minutes(40) == "40 min")
        #expect(QuantityFormat.minutes(42.5) == "42.5 min")
    }

    @Test("durations print as mm:ss or h:mm:ss; remaining rounds up, elapsed down")
    func durations() {
        #expect(QuantityFormat.duration(seconds: 0, rounding: .down) == "00:00")
        #expect(QuantityFormat.duration(seconds: 846.7, rounding: .down) == "14:06")
        #expect(QuantityFormat.duration(seconds: 0.2, rounding: .up) == "00:01")
        #expect(QuantityFormat.duration(seconds: 2400, rounding: .up) == "40:00")
        #expect(QuantityFormat.duration(seconds: 3600, rounding: .down) == "1:00:00")
        #expect(QuantityFormat.duration(seconds: 4 * 3600 + 5 * 60 + 9, rounding: .down) == "4:05:09")
        #expect(QuantityFormat.duration(seconds: -1, rounding: .down) == "--:--")
        #expect(QuantityFormat.duration(seconds: .nan, rounding: .up) == "--:--")
    }

    @Test("status text shows amounts, rates, times and alarms with units")
    func statusText() {
        let text = StatusText.render(Fixtures.running(alarms: [Fixtures.occlusion]), timeZone: Fixtures.utc)
        #expect(text.contains("ALARM (motor disabled)"))
        #expect(text.contains("ketamine 1.00 mg/mL, mood profile, syringe bd-50"))
        #expect(text.contains("P-0042, dosing weight 70.0 kg"))
        #expect(text.contains("12.35 mg of 35.00 mg (12.35 mL of 35.00 mL), 35 %"))
        #expect(text.contains("52.50 mL/h = 0.75 mg/kg/h"))
        #expect(text.contains("elapsed 14:06, remaining 25:54, expected end 14:40"))
        #expect(text.contains("HIGH    occlusion: Downstream occlusion"))
        #expect(text.contains("(raised 14:14:00)"))
        #expect(!text.contains("Uncertain"))
    }

    @Test("HAZ-010: status after a crash recovery shows the delivery uncertainty in mL and mg")
    func statusUncertainty() {
        let text = StatusText.render(Fixtures.running(uncertaintyMl: 0.121), timeZone: Fixtures.utc)
        // An upper bound is rounded up: 0.121 mL shows as 0.13 mL, never as a reassuring 0.12.
        #expect(text.contains("Uncertain   up to 0.13 mL (0.13 mg) more may have been delivered before the restart"))
    }

    @Test("idle status says there is no program instead of printing zeros")
    func idleStatus() {
        let text = StatusText.render(StatusReport(state: .idle, backend: .sim), timeZone: Fixtures.utc)
        #expect(text.contains("IDLE"))
        #expect(text.contains("Program     none"))
        #expect(text.contains("Alarms      none"))
    }

    @Test("the program summary shows dosing weight, mg, mL, mL/h, mg/kg/h, end and findings")
    func programText() {
        var program = Fixtures.program
        program.dosingWeightBasis = .ideal
        program.dosingWeightKg = 66.0
        program.overrides = [OverrideDTO(limit: "max_dose_mg_per_kg", reason: "Clinician order")]
        let text = ProgramText.render(program, timeZone: Fixtures.utc)
        #expect(text.contains("66.0 kg (ideal), actual 70.0 kg"))
        #expect(text.contains("0.50 mg/kg = 35.00 mg"))
        #expect(text.contains("Volume          35.00 mL"))
        #expect(text.contains("52.50 mL/h = 0.75 mg/kg/h"))
        #expect(text.contains("Duration        40 min"))
        #expect(text.contains("Expected end    14:40 if started now"))
        #expect(text.contains("WARNING: BMI 31.2 is above 30"))
        #expect(text.contains("OVERRIDE max_dose_mg_per_kg: Clinician order"))
    }

    @Test("HAZ-001: a program needing an override or rejected is refused in one sentence naming the limit")
    func programRefusal() {
        #expect(ProgramText.refusal(for: Fixtures.program, action: "Not started") == nil)
        var soft = Fixtures.program
        soft.verdict = .needsOverride
        soft.findings.append(FindingDTO(kind: .softLimit, limit: "max_dose_mg_per_kg", message: "Dose 1.20 mg/kg is above the soft limit of 1.00 mg/kg."))
        let softText = ProgramText.refusal(for: soft, action: "Not started")
        #expect(softText == "Not started: Dose 1.20 mg/kg is above the soft limit of 1.00 mg/kg; give --override-reason TEXT to override it.")
        var hard = Fixtures.program
        hard.verdict = .rejected
        hard.findings = [FindingDTO(kind: .hardLimit, limit: "max_rate_ml_per_h", message: "Rate 520.00 mL/h is above the hard limit of 200.00 mL/h.")]
        #expect(ProgramText.refusal(for: hard, action: "Not started") == "Not started: Rate 520.00 mL/h is above the hard limit of 200.00 mL/h.")
    }

    @Test("a needs-override refusal from the daemon names the flag that resolves it")
    func refusalText() {
        let error = ProtocolError(code: .needsOverride, message: "Dose 1.20 mg/kg is above the soft limit of 1.00 mg/kg.")
        #expect(RefusalText.sentence(for: error) == "Dose 1.20 mg/kg is above the soft limit of 1.00 mg/kg; give --override-reason TEXT to override it.")
        let refused = ProtocolError(code: .refused, message: "The pump is not running.")
        #expect(RefusalText.sentence(for: refused) == "The pump is not running.")
    }

    @Test("titration shows old → new for every quantity")
    func titrationText() {
        var proposed = Fixtures.program
        proposed.rateMgPerKgPerH = 1.0
        proposed.rateMlPerH = 70
        let text = TitrationText.render(current: Fixtures.running(), proposed: proposed, timeZone: Fixtures.utc)
        #expect(text.contains("Dose          0.50 mg/kg → 0.50 mg/kg"))
        #expect(text.contains("Rate          52.50 mL/h → 70.00 mL/h   (changed)"))
        #expect(text.contains("Rate          0.75 mg/kg/h → 1.00 mg/kg/h   (changed)"))
        #expect(text.contains("Delivered so far: 12.35 mg (12.35 mL)"))
    }

    @Test("log entries print with local date, time, sequence and event")
    func logText() {
        let text = LogText.render(Fixtures.logEntries, timeZone: Fixtures.utc)
        #expect(text.contains("2025-01-31 14:00:00  #1  start        Started ketamine 35.00 mg over 40 min."))
        #expect(LogText.render([], timeZone: Fixtures.utc) == "No log entries.")
    }

    @Test("HAZ-009: without a terminal and without --yes, confirmation is refused, never assumed")
    func confirmationPolicy() {
        #expect(Confirmation.decide(yes: true, stdinIsTerminal: false) == .proceed)
        #expect(Confirmation.decide(yes: false, stdinIsTerminal: true) == .prompt)
        #expect(Confirmation.decide(yes: false, stdinIsTerminal: false) == .refuse)
        #expect(Confirmation.isAffirmative(" YES "))
        #expect(!Confirmation.isAffirmative("y"))
        #expect(!Confirmation.isAffirmative(nil))
        #expect(isOneSentence(Confirmation.noTerminalRefusal(action: "start the infusion")))
    }

    @Test("exit codes are stable and daemon errors map to refused or protocol error")
    func exitCodes() {
        #expect(ExitStatus.allCases.map(\.rawValue) == [0, 1, 2, 3, 4])
        #expect(ExitStatus.forDaemonError(.refused) == .refused)
        #expect(ExitStatus.forDaemonError(.needsOverride) == .refused)
        #expect(ExitStatus.forDaemonError(.invalidState) == .refused)
        #expect(ExitStatus.forDaemonError(.permissionDenied) == .refused)
        #expect(ExitStatus.forDaemonError(.badRequest) == .protocolError)
        #expect(ExitStatus.forDaemonError(.unsupportedVersion) == .protocolError)
    }
}
