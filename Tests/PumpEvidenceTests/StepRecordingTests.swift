// Steps files: round trip, the balance made from step instants, and malformed files.
import Foundation
import PumpCore
import PumpEvidence
import Testing

@Suite("Step recordings")
struct StepRecordingTests {
    static func ns(_ seconds: Double) -> MonotonicDuration { MonotonicDuration(nanoseconds: Int64(seconds * 1e9)) }

    @Test("A steps file round-trips, and the balance counts the steps strictly before each reading")
    func roundTripAndBalance() throws {
        let steps = [10.0, 29.999, 30.0, 45.0, 61.0].map(Self.ns)
        let recording = StepRecording(stepVolume: Microliters(2), setRate: MillilitersPerHour(1), duration: Self.ns(90),
                                      steps: steps)
        let parsed = try StepRecording.parse(recording.fileText(comment: "test run"))
        #expect(parsed == recording)
        let readings = parsed.balanceReadings(every: Minutes(0.5))
        #expect(readings.map(\.elapsed.value) == [0, 0.5, 1.0, 1.5])
        // At 30 s the step at exactly 30.0 s is not yet counted (left limit): 2 steps; at 60 s: 4; at 90 s: 5.
        #expect(readings.map { $0.delivered.microliters.value } == [0, 4, 8, 10])
    }

    @Test("Malformed steps files are refused with the line and reason")
    func malformed() {
        let header = "# volume_per_step_ul=0.2\n# set_rate_ml_per_h=1\n# duration_ns=100\n"
        #expect(throws: StepRecordingError(line: 4, reason: "'12x' is not a non-negative whole number of nanoseconds")) {
            try StepRecording.parse(header + "12x\n")
        }
        #expect(throws: StepRecordingError(line: 0, reason: "header 'volume_per_step_ul' is missing or not a positive number")) {
            try StepRecording.parse("# set_rate_ml_per_h=1\n# duration_ns=100\n5\n")
        }
        #expect(throws: StepRecordingError.self) { try StepRecording.parse(header + "-5\n") }
    }
}
