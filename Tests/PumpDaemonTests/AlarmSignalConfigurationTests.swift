import Foundation
@testable import PumpDaemon
import PumpCore
import Testing

@Suite("pumpd.toml: alarm audio pause, escalation and double check")
struct AlarmSignalConfigurationTests {
    @Test("defaults: 120 s audio pause, escalation after 10 min, double check off with 10 min to verify")
    func defaults() {
        let configuration = DaemonConfiguration()
        #expect(configuration.alarmAudioPauseS == 120)
        #expect(configuration.alarmEscalationMin == 10)
        #expect(configuration.doubleCheck == .off)
        #expect(configuration.doubleCheckTimeoutMin == 10)
    }

    @Test("the audio pause is at most 5 min (IEC 60601-1-8 asks for a limited time); double_check takes off or required")
    func limits() throws {
        var configuration = DaemonConfiguration()
        try configuration.apply(toml: "alarm_audio_pause_s = 300\nalarm_escalation_min = 2\ndouble_check = \"required\"")
        #expect(configuration.alarmAudioPauseS == 300 && configuration.alarmEscalationMin == 2 && configuration.doubleCheck == .required)
        var tooLong = DaemonConfiguration()
        #expect(throws: ConfigurationError.self) { try tooLong.apply(toml: "alarm_audio_pause_s = 301") }
        var unknown = DaemonConfiguration()
        do {
            try unknown.apply(toml: "double_check = \"sometimes\"", source: "pumpd.toml")
            Issue.record("accepted double_check = sometimes")
        } catch {
            #expect(error.message == "pumpd.toml: double_check must be off or required, not 'sometimes'.")
        }
    }
}
