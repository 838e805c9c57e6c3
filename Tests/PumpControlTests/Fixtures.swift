// Shared fixtures: the reference job (70 kg, 0.5 mg/kg = 35 mg over 40 min at 1 mg/mL in a BD 50 mL syringe)
// built directly from numbers, so control-loop tests do not depend on the drug library.
import Foundation
@_spi(Testing) import PumpCore
@testable import PumpControl

enum Fixture {
    static let bd50 = SyringeSpec(id: "bd-50", brand: "BD Plastipak", nominalVolume: Milliliters(50),
                                  innerDiameter: Millimeters(26.70), deadSpace: Milliliters(0.2))
    static let geometry = SyringeGeometry(syringe: bd50)

    static func limits(geometry: SyringeGeometry = geometry) -> SupervisorLimits {
        SupervisorLimits.derive(
            rateHardCap: MilligramsPerKilogramPerHour(1.5), sessionDoseHardMax: MilligramsPerKilogram(1.0),
            dosingWeight: Kilograms(70), concentration: MilligramsPerMilliliter(1), geometry: geometry,
            pumpMaxRate: MillilitersPerHour(150))
    }

    /// 35 mL over 40 min (52.5 mL/h).
    static func referenceSession(volume: Milliliters = Milliliters(35), minutes: Double = 40) -> InfusionSession {
        InfusionSession(
            id: "test-session", drug: "ketamine", profile: "mood", patientID: "P-1", dosingWeight: Kilograms(70),
            concentration: MilligramsPerMilliliter(1), geometry: geometry,
            targetSteps: geometry.steps(forVolume: volume), duration: Minutes(minutes),
            nominalRate: volume / Minutes(minutes), catchUpFactor: 1.1, nearEndWarning: Minutes(5),
            pausedReminder: Minutes(2), limits: limits())
    }

    /// A virtual-time rig: scheduler, recording hardware and engine.
    struct Rig {
        let clock = VirtualScheduler()
        let hardware: RecordingHardware
        let engine: InfusionEngine
        var events: EventLog

        init(configuration: EngineConfiguration = .init()) {
            hardware = RecordingHardware(clock: clock)
            engine = InfusionEngine(scheduler: clock, hardware: hardware, configuration: configuration)
            events = EventLog()
            let log = events
            engine.onEvent = { log.events.append($0) }
        }

        func run(minutes: Double) { clock.run(for: .seconds(minutes * 60)) }
        func runUntil(minutes: Double) { clock.run(until: .origin + .seconds(minutes * 60)) }
        var alarmCodes: [AlarmCode] { engine.status().alarms.map(\.code) }
    }

    final class EventLog: @unchecked Sendable {
        var events: [EngineEvent] = []
        var raised: [AlarmCode] {
            events.compactMap { if case .alarmRaised(let alarm) = $0 { alarm.code } else { nil } }
        }
        var checkpoints: [EngineStatus] {
            events.compactMap { if case .checkpoint(let status) = $0 { status } else { nil } }
        }
    }
}

extension MonotonicInstant {
    /// Minutes since the origin.
    var minutes: Double { Double(nanoseconds) / 60e9 }
}
