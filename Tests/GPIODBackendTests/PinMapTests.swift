import Foundation
import PumpCore
import Testing
@testable import GPIODBackend

@Suite("GPIOPinMap parsing and validation")
struct PinMapTests {
    @Test func defaultMapIsValidAndUsesSixteenDistinctNamedLines() throws {
        try GPIOPinMap.default.validate()
        let all = GPIOPinMap.default.outputLines.map(\.line.line) + GPIOPinMap.default.inputLines.map(\.line.line)
        #expect(all.count == 16)
        #expect(Set(all).count == 16)
        #expect(GPIOPinMap.default.enable.activeLow)
    }

    @Test func jsonRoundTripPreservesTheMap() throws {
        let data = try JSONEncoder().encode(GPIOPinMap.default)
        #expect(try GPIOPinMap.load(json: data) == GPIOPinMap.default)
    }

    @Test func minimalJSONByOffsetGetsDocumentedDefaults() throws {
        let json = """
        {"chip": "/dev/gpiochip2",
         "step": {"offset": 17}, "direction": {"offset": 27}, "enable": {"offset": 22, "activeLow": true},
         "emergencyStop": {"offset": 5, "debounceMilliseconds": 5},
         "syringePresent": {"offset": 6, "activeLow": true, "bias": "asIs"},
         "plungerClamped": {"name": "clamp", "activeLow": true},
         "endOfTravel": {"offset": 13}}
        """
        let map = try GPIOPinMap.load(json: Data(json.utf8))
        #expect(map.chip == "/dev/gpiochip2")
        #expect(map.consumer == "pumpd")
        #expect(map.step == GPIOOutputLine(.offset(17), activeLow: false))
        #expect(map.enable.activeLow)
        #expect(map.sleep == nil && map.microstep == nil && map.occlusionSwitch == nil)
        #expect(map.alarms == GPIOAlarmLines())
        #expect(map.emergencyStop.debounce == .milliseconds(5))
        #expect(map.emergencyStop.bias == .pullUp)
        #expect(map.syringePresent.bias == .asIs)
        #expect(map.plungerClamped.debounce == .milliseconds(20))
        #expect(map.plungerClamped.line == .named("clamp"))
    }

    @Test func emptyChipIsRefused() {
        var map = GPIOPinMap.default
        map.chip = ""
        #expect(throws: GPIOPinMapError.emptyChip) { try map.validate() }
    }

    @Test func lineWithoutNameOrOffsetIsRefused() {
        var map = GPIOPinMap.default
        map.step = GPIOOutputLine(GPIOLineRef(name: nil, offset: nil))
        #expect(throws: GPIOPinMapError.missingLine(role: "step")) { try map.validate() }
    }

    @Test func lineWithBothNameAndOffsetIsRefused() {
        var map = GPIOPinMap.default
        map.endOfTravel.line = GPIOLineRef(name: "eot", offset: 3)
        #expect(throws: GPIOPinMapError.ambiguousLine(role: "endOfTravel")) { try map.validate() }
    }

    @Test func emptyLineNameIsRefused() {
        var map = GPIOPinMap.default
        map.direction = GPIOOutputLine(.named(""))
        #expect(throws: GPIOPinMapError.emptyLineName(role: "direction")) { try map.validate() }
    }

    @Test func lineUsedTwiceIsRefusedNamingBothRoles() {
        var map = GPIOPinMap.default
        map.alarms.buzzer = GPIOOutputLine(.named("pump-step"))
        #expect(throws: GPIOPinMapError.duplicateLine(.named("pump-step"), roles: ["step", "buzzer"])) {
            try map.validate()
        }
    }

    @Test func inputAndOutputOnTheSameOffsetAreRefused() {
        var map = GPIOPinMap.default
        map.enable = GPIOOutputLine(.offset(4), activeLow: true)
        map.emergencyStop.line = .offset(4)
        #expect(throws: GPIOPinMapError.duplicateLine(.offset(4), roles: ["enable", "emergencyStop"])) {
            try map.validate()
        }
    }

    @Test func microstepLevelsMustMatchLines() {
        var map = GPIOPinMap.default
        map.microstep?.levels = [true, true]
        #expect(throws: GPIOPinMapError.microstepMismatch(lines: 3, levels: 2)) { try map.validate() }
        map.microstep = GPIOMicrostepLines(lines: [], levels: [])
        #expect(throws: GPIOPinMapError.microstepMismatch(lines: 0, levels: 0)) { try map.validate() }
    }

    @Test func debounceOutsideZeroTo200MillisecondsIsRefused() throws {
        var map = GPIOPinMap.default
        map.syringePresent.debounce = .milliseconds(201)
        #expect(throws: GPIOPinMapError.debounceOutOfRange(role: "syringePresent", .milliseconds(201))) {
            try map.validate()
        }
        map.syringePresent.debounce = .milliseconds(-1)
        #expect(throws: GPIOPinMapError.debounceOutOfRange(role: "syringePresent", .milliseconds(-1))) {
            try map.validate()
        }
        map.syringePresent.debounce = .zero
        try map.validate()
    }

    @Test func malformedJSONIsAClearError() {
        #expect {
            try GPIOPinMap.load(json: Data(#"{"chip": "gpiochip0"}"#.utf8))
        } throws: { error in
            guard case GPIOPinMapError.malformed(let detail) = error else { return false }
            return detail.contains("step")
        }
    }

    @Test func errorTextsNameTheProblem() {
        #expect(GPIOPinMapError.duplicateLine(.named("x"), roles: ["step", "buzzer"]).description
            == "pin map: line \"x\" used by step and buzzer")
        #expect(GPIOPinMapError.debounceOutOfRange(role: "estop", .milliseconds(300)).description
            == "pin map: estop debounce 300 ms is outside 0...200 ms")
    }
}

@Suite("Documentation examples")
struct PinMapDocumentationTests {
    /// The Raspberry Pi example in hw-sim/bench/README.md must stay valid.
    @Test func readmeRaspberryPiExampleLoads() throws {
        let json = """
        { "chip": "gpiochip0",
          "step": {"offset": 17}, "direction": {"offset": 27}, "enable": {"offset": 22, "activeLow": true},
          "sleep": {"offset": 23, "activeLow": true},
          "microstep": {"lines": [{"offset": 5}, {"offset": 6}, {"offset": 13}], "levels": [true, true, true]},
          "alarms": {"buzzer": {"offset": 12}, "red": {"offset": 16}, "yellow": {"offset": 20}, "green": {"offset": 21}},
          "emergencyStop": {"offset": 4, "debounceMilliseconds": 5},
          "syringePresent": {"offset": 24, "activeLow": true},
          "plungerClamped": {"offset": 25, "activeLow": true},
          "endOfTravel": {"offset": 26},
          "occlusionSwitch": {"offset": 19} }
        """
        let map = try GPIOPinMap.load(json: Data(json.utf8))
        #expect(map.outputLines.count == 11)
        #expect(map.inputLines.count == 5)
        #expect(map.microstep?.levels == [true, true, true])
        #expect(map.emergencyStop.debounce == .milliseconds(5))
    }
}
