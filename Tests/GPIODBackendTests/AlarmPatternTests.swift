import PumpCore
import Testing
@testable import GPIODBackend

@Suite("IEC 60601-1-8 alarm patterns")
struct AlarmPatternTests {
    /// Samples one output every millisecond over `span` and counts rising edges.
    func risingEdges(_ indication: AlarmIndication, span: MonotonicDuration,
                     _ output: (AlarmOutputs) -> Bool) -> Int {
        var last = false
        var edges = 0
        for ms in 0..<(span.nanoseconds / 1_000_000) {
            let v = output(AlarmPattern.outputs(indication, elapsed: .milliseconds(ms)))
            if v && !last { edges += 1 }
            last = v
        }
        return edges
    }

    @Test func highPriorityFlashesRedAt2HzWithTenPulseBursts() {
        #expect(risingEdges(.high, span: .seconds(Int64(5)), \.red) == 10)
        #expect(risingEdges(.high, span: .seconds(Int64(5)), \.buzzer) == 10)
        #expect(risingEdges(.high, span: .seconds(Int64(10)), \.buzzer) == 20)
        #expect(risingEdges(.high, span: .seconds(Int64(5)), \.yellow) == 0)
        #expect(risingEdges(.high, span: .seconds(Int64(5)), \.green) == 0)
    }

    @Test func mediumPriorityFlashesYellowAtHalfAHertzWithThreePulses() {
        #expect(risingEdges(.medium, span: .seconds(Int64(10)), \.yellow) == 5)
        #expect(risingEdges(.medium, span: .seconds(Int64(10)), \.buzzer) == 3)
        #expect(risingEdges(.medium, span: .seconds(Int64(10)), \.red) == 0)
    }

    @Test func lowPriorityIsConstantYellowWithOneBeep() {
        #expect(risingEdges(.low, span: .seconds(Int64(60)), \.buzzer) == 1)
        #expect(AlarmPattern.outputs(.low, elapsed: .seconds(Int64(30))) == AlarmOutputs(yellow: true))
    }

    @Test func normalIsGreenAndSilent() {
        #expect(AlarmPattern.outputs(.normal, elapsed: .zero) == AlarmOutputs(green: true))
        #expect(AlarmPattern.outputs(.normal, elapsed: .seconds(Int64(7))) == AlarmOutputs(green: true))
    }

    @Test func buzzerPulsesAreWithinTheStandardsDurations() {
        #expect(AlarmPattern.pulseOn >= .milliseconds(75) && AlarmPattern.pulseOn <= .milliseconds(200))
    }
}

@Suite("Alarm pattern with the audio paused")
struct AlarmPatternAudioPauseTests {
    @Test("audio paused: the buzzer line stays off through a whole high-priority cycle while the red LED keeps flashing")
    func pausedBuzzerOffLightsOn() {
        var buzzed = false, redOn = false, redOff = false
        var t = MonotonicDuration.zero
        while t < .milliseconds(5000) {
            let paused = AlarmPattern.outputs(.high, elapsed: t, audioPaused: true)
            buzzed = buzzed || paused.buzzer
            if paused.red { redOn = true } else { redOff = true }
            #expect(paused.red == AlarmPattern.outputs(.high, elapsed: t).red)
            t = t + AlarmPattern.tick
        }
        #expect(!buzzed && redOn && redOff)
        #expect(AlarmPattern.outputs(.high, elapsed: .zero, audioPaused: false).buzzer, "not paused: the burst starts at once")
    }
}
